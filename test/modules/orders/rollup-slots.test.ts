// The daily fold of the dashboard's rollups (src/modules/orders/rollup-slots.jobs.ts): a past bucket's slots become
// one row, rows at zero go, the totals and the dashboard do not move, a bucket still in its hour is left alone,
// and a row an order write holds is not waited for; a bucket's currencies stay apart.
import { afterAll, describe, expect, it } from 'vitest';
import { foldRollupSlots } from '../../../src/modules/orders/index.js';
import { systemClock } from '../../../src/platform/clock.js';
import { Prisma } from '../../../src/generated/prisma/index.js';
import { dashboardData } from '../../../src/surfaces/admin/dashboard/dashboard.handler.js';
import { closeTestDb, testDb, testSql } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

const db = testDb();
const sql = testSql();
const f = factories(db);
afterAll(() => closeTestDb());

const HOUR = 3_600_000;
/** The rollup tables, their bucket and the columns that key a row besides tenant, bucket and slot. */
const TABLES = [
  ['order_daily_rollups', 'day', ['status']],
  ['order_currency_sales_rollups', 'quarterHour', ['status', 'currency']],
] as const;
const keysOf = (keys: readonly string[]) => Prisma.raw(keys.map((k) => `"${k}"::text`).join(', '));
const SALES = 'order_currency_sales_rollups';

/** Per table, the shop's rows: how many, how many outside slot 0, and the sums per bucket and status (and currency). */
async function state(tenantId: string) {
  const out: Record<string, { rows: number; slotted: number; zero: number; sums: unknown[] }> = {};
  for (const [table, bucket, keys] of TABLES) {
    const t = Prisma.raw(table);
    const b = Prisma.raw(`"${bucket}"`);
    const [n] = await db.$queryRaw<{ rows: number; slotted: number; zero: number }[]>`
      SELECT count(*)::int AS rows, count(*) FILTER (WHERE slot <> 0)::int AS slotted,
        count(*) FILTER (WHERE orders = 0 AND "totalCents" = 0 AND "refundedCents" = 0)::int AS zero
      FROM ${t} WHERE "tenantId" = ${tenantId}`;
    const sums = await db.$queryRaw<unknown[]>`
      SELECT ${b}::text AS bucket, ${keysOf(keys)}, sum(orders)::int AS orders, sum("totalCents")::bigint AS total, sum("refundedCents")::bigint AS refunded
      FROM ${t} WHERE "tenantId" = ${tenantId} GROUP BY ${b}, ${keysOf(keys)} HAVING sum(orders) <> 0 OR sum("totalCents") <> 0 ORDER BY 1, 2, 3`;
    out[table] = { ...n!, sums };
  }
  return out;
}

/**
 * A shop whose rollups look like a busy one's: besides the order triggers' rows (in their connection's slot),
 * every bucket gets rows in slots 0 and 11 that cancel out, and a bucket with no order left gets two more (rows
 * that sum to zero).
 */
async function busyShop(createdAt: Date[], currencies: string[] = ['USD']) {
  const { tenant, customer } = await f.shop();
  for (const at of createdAt)
    for (const currency of currencies)
      await f.order({ tenantId: tenant.id, customerId: customer.id, createdAt: at, totalCents: 1500, currency });
  const empty = new Date(createdAt[0]!.getTime() - 3 * 24 * HOUR).toISOString();
  for (const [table, bucket, keys] of TABLES) {
    const t = Prisma.raw(table);
    const b = Prisma.raw(`"${bucket}"`);
    const k = Prisma.raw(keys.map((key) => `"${key}"`).join(', '));
    const emptyKeys = table === SALES ? Prisma.sql`'PAID', 'USD'` : Prisma.sql`'PAID'`;
    const emptyBucket =
      table === 'order_daily_rollups'
        ? Prisma.sql`(${empty}::timestamptz AT TIME ZONE 'UTC')::date`
        : Prisma.sql`date_bin('15 minutes', ${empty}::timestamptz AT TIME ZONE 'UTC', TIMESTAMP '2000-01-01')`;
    await db.$executeRaw`
      INSERT INTO ${t} AS r ("tenantId", ${b}, ${k}, slot, orders, "totalCents", "refundedCents")
      SELECT DISTINCT "tenantId", ${b}, ${k}, s.slot, s.sign * 2, s.sign * 700, 0
      FROM ${t}, (VALUES (0::smallint, 1), (11::smallint, -1)) s(slot, sign) WHERE "tenantId" = ${tenant.id}
      UNION ALL
      SELECT ${tenant.id}, ${emptyBucket}, ${emptyKeys}, s.slot, s.sign, s.sign * 900, 0 FROM (VALUES (5::smallint, 1), (9::smallint, -1)) s(slot, sign)
      ON CONFLICT ("tenantId", ${b}, ${k}, slot) DO UPDATE
        SET orders = r.orders + EXCLUDED.orders, "totalCents" = r."totalCents" + EXCLUDED."totalCents"`;
  }
  return tenant;
}

/** The shop's quarter-hour rows since `since`, slot by slot. */
const recentRows = (tenantId: string, since: Date) =>
  db.$queryRaw<unknown[]>`
    SELECT "quarterHour"::text, status::text, currency::text, slot, orders, "totalCents" FROM order_currency_sales_rollups
    WHERE "tenantId" = ${tenantId} AND "quarterHour" >= ${since.toISOString()}::timestamptz AT TIME ZONE 'UTC' ORDER BY 1, 2, 3, 4`;

/** The shop's daily rows of the UTC day of `at`, slot by slot. */
const dayRows = (tenantId: string, at: Date) =>
  db.$queryRaw<unknown[]>`
    SELECT day::text, status::text, slot, orders, "totalCents" FROM order_daily_rollups
    WHERE "tenantId" = ${tenantId} AND day = (${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')::date ORDER BY 1, 2, 3`;

const admin = (tenantId: string) => ({ id: 'adm_x', email: 'a@x', title: 'a', role: 'TENANT_ADMIN', tenantId }) as never;

describe("the dashboard rollups' daily fold", () => {
  it("sums a past bucket's slots into one row and drops rows at zero; totals and the dashboard do not move", async () => {
    // Orders on days that have ended, folded as the cron would at 01:00 UTC today: every bucket, daily ones
    // included, ended at least an hour before, whatever the time of day the test runs (at 05:00 UTC an order
    // placed "5 hours ago" fell on today, whose daily row a fold rightly leaves alone).
    const now = new Date();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const tenant = await busyShop([new Date(today - 50 * HOUR), new Date(today - 26 * HOUR), new Date(today - 5 * HOUR)]);
    const before = await state(tenant.id);
    const dashBefore = await dashboardData(db, admin(tenant.id), now);
    expect(before[SALES]!.slotted).toBeGreaterThan(0);
    expect(before.order_daily_rollups!.slotted).toBeGreaterThan(0);
    expect(before[SALES]!.zero).toBe(0);

    const atOneAm = { now: () => new Date(today + HOUR) };
    const folded = await foldRollupSlots({ sql, clock: atOneAm });
    expect(folded[SALES]!.stoppedOnLock).toBe(false);

    const after = await state(tenant.id);
    for (const [table] of TABLES) {
      expect(after[table]!.sums, table).toEqual(before[table]!.sums);
      expect(after[table]!.slotted, table).toBe(0);
      expect(after[table]!.zero, table).toBe(0);
    }
    // One row per bucket and status: three quarter hours with one order each.
    expect(after[SALES]!.rows).toBe(3);
    expect(folded[SALES]!.rows).toBeGreaterThan(0);
    expect(await dashboardData(db, admin(tenant.id), now)).toEqual(dashBefore);

    // Again: nothing left to fold.
    await foldRollupSlots({ sql, clock: atOneAm });
    expect(await state(tenant.id)).toEqual(after);
  });

  it("keeps a bucket's currencies apart: dollars and euros of one quarter hour fold into one row each", async () => {
    // A shop that changed its currency has orders of both in its past buckets; a fold that summed a bucket's
    // rows over currencies would put the euros into the dollars' row (or fail on the key).
    const now = new Date();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const tenant = await busyShop([new Date(today - 50 * HOUR), new Date(today - 26 * HOUR)], ['USD', 'EUR']);
    const before = await state(tenant.id);
    expect(before[SALES]!.slotted).toBeGreaterThan(0);
    const folded = await foldRollupSlots({ sql, clock: { now: () => new Date(today + HOUR) } });
    expect(folded[SALES]!.stoppedOnLock).toBe(false);
    const after = await state(tenant.id);
    expect(after[SALES]!.sums).toEqual(before[SALES]!.sums);
    expect(after[SALES]!.slotted).toBe(0);
    // Two quarter hours, one PENDING_PAYMENT row in each currency: four rows.
    expect(after[SALES]!.rows).toBe(4);
    const currencies = await db.$queryRaw<{ currency: string; orders: number; total: bigint }[]>`
      SELECT currency::text AS currency, sum(orders)::int AS orders, sum("totalCents")::bigint AS total
      FROM order_currency_sales_rollups WHERE "tenantId" = ${tenant.id} GROUP BY 1 ORDER BY 1`;
    expect(currencies).toEqual([
      { currency: 'EUR', orders: 2, total: 3000n },
      { currency: 'USD', orders: 2, total: 3000n },
    ]);
  });

  it('leaves the buckets of the last hour (and the daily rows of today) in their slots', async () => {
    const now = new Date();
    const placed = new Date(now.getTime() - 10 * 60_000);
    const tenant = await busyShop([placed]);
    const since = new Date(now.getTime() - HOUR);
    const before = await state(tenant.id);
    const recent = await recentRows(tenant.id, since);
    const day = await dayRows(tenant.id, placed);
    expect(recent.length).toBeGreaterThan(1);
    expect(day.length).toBeGreaterThan(1);
    await foldRollupSlots({ sql, clock: systemClock });
    // The quarter hour of 10 minutes ago keeps its rows as they were, and so does its day (it has not ended, or
    // ended less than an hour ago); the empty bucket three days back is gone.
    expect(await recentRows(tenant.id, since)).toEqual(recent);
    expect(await dayRows(tenant.id, placed)).toEqual(day);
    const after = await state(tenant.id);
    expect(after[SALES]!.sums).toEqual(before[SALES]!.sums);
    expect(after[SALES]!.zero).toBe(0);
  });

  it("does not wait on a row an order write holds: it gives up on it, and the order's transaction goes on", async () => {
    const now = new Date();
    const tenant = await busyShop([new Date(now.getTime() - 30 * HOUR)]);
    const before = await state(tenant.id);
    // An order write of that shop, in progress: it holds the quarter hour's slot-0 row (the fold writes there).
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const isHeld = new Promise<void>((r) => (held = r));
    const writer = sql.transaction(async (tx) => {
      await tx.execute(Prisma.sql`
        SELECT 1 FROM order_currency_sales_rollups WHERE "tenantId" = ${tenant.id} AND slot = 0 FOR UPDATE`);
      held();
      await holding;
      return tx.execute(Prisma.sql`UPDATE order_currency_sales_rollups SET orders = orders WHERE "tenantId" = ${tenant.id} AND slot = 0`);
    });
    await isHeld;
    // The writer lets go only after the fold has returned: a fold that waited for it would never return.
    const folded = await foldRollupSlots({ sql, clock: systemClock });
    release();
    expect(await writer).toBeGreaterThan(0);
    expect(folded[SALES]!.stoppedOnLock).toBe(true);
    // Whatever it did fold or not, the sums are the same.
    expect((await state(tenant.id))[SALES]!.sums).toEqual(before[SALES]!.sums);
    // The next run, with nobody holding the row, folds it.
    expect((await foldRollupSlots({ sql, clock: systemClock }))[SALES]!.stoppedOnLock).toBe(false);
    expect((await state(tenant.id))[SALES]!.slotted).toBe(0);
  });
});
