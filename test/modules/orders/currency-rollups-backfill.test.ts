// The backfill of the dashboard's sales per currency (migration sales_rollups_by_currency_backfill, the statement
// npm run bench:scale runs too): it adds to each bucket what the orders have and its rows lack, without a lock on
// orders. From orders that have no rows (as before the migration) and rows that are off, it gives exactly a recount
// of the orders, each currency apart; run again it adds nothing; run while orders are written, nothing is lost or
// counted twice.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../../src/platform/db/migrate.js';
import { Prisma } from '../../../src/generated/prisma/index.js';
import { closeTestDb, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

const db = testDb(10);
const f = factories(db);
afterAll(() => closeTestDb());

const TABLE = 'order_currency_sales_rollups';
const dir = readdirSync(MIGRATIONS_DIR).find((d) => d.endsWith('_sales_rollups_by_currency_backfill'))!;
const migration = readFileSync(join(MIGRATIONS_DIR, dir, 'migration.sql'), 'utf8');
const backfill = migration.slice(migration.lastIndexOf(`INSERT INTO "${TABLE}"`));
const runBackfill = () => db.$executeRawUnsafe(backfill);

const rollups = (tenantId: string) =>
  db.$queryRaw<unknown[]>(Prisma.sql`
    SELECT to_char("quarterHour", 'YYYY-MM-DD HH24:MI') AS at, status::text AS status, currency::text AS currency,
      sum(orders)::int AS orders, sum("totalCents")::bigint AS total, sum("refundedCents")::bigint AS refunded
    FROM order_currency_sales_rollups WHERE "tenantId" = ${tenantId}
    GROUP BY 1, 2, 3 HAVING sum(orders) <> 0 OR sum("totalCents") <> 0 OR sum("refundedCents") <> 0 ORDER BY 1, 2, 3`);

const recount = (tenantId: string) =>
  db.$queryRaw<unknown[]>(Prisma.sql`
    SELECT to_char(date_bin('15 minutes', "createdAt", TIMESTAMP '2000-01-01'), 'YYYY-MM-DD HH24:MI') AS at, status::text AS status,
      currency::text AS currency, count(*)::int AS orders, sum("totalCents")::bigint AS total, sum("refundedTotalCents")::bigint AS refunded
    FROM orders WHERE "tenantId" = ${tenantId} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);

/** A shop with dollar orders, then euro ones (it changed its currency), some of them in one quarter hour. */
async function shopInTwoCurrencies() {
  const { tenant, customer } = await f.shop();
  const at = new Date(Date.now() - 3 * 86_400_000);
  for (const [currency, cents, status] of [
    ['USD', 1500, 'PAID'],
    ['USD', 2500, 'PENDING_PAYMENT'],
    ['EUR', 4000, 'PAID'],
    ['EUR', 700, 'CANCELLED'],
  ] as const)
    await f.order({ tenantId: tenant.id, customerId: customer.id, currency, status, createdAt: at, totalCents: cents });
  return { tenant, customer, at };
}

describe("the backfill of the dashboard's sales per currency", () => {
  it('gives a recount of the orders from no rows, and from rows that are off; again, it adds nothing', async () => {
    const { tenant, at } = await shopInTwoCurrencies();
    const expected = await recount(tenant.id);
    expect(await rollups(tenant.id)).toEqual(expected);
    // As before the migration: the orders there, no row for them; and a row the orders do not explain.
    await db.$executeRaw`DELETE FROM order_currency_sales_rollups WHERE "tenantId" = ${tenant.id}`;
    await db.$executeRaw`
      INSERT INTO order_currency_sales_rollups ("tenantId", "quarterHour", status, currency, slot, orders, "totalCents", "refundedCents")
      VALUES (${tenant.id}, date_bin('15 minutes', ${at.toISOString()}::timestamptz AT TIME ZONE 'UTC', TIMESTAMP '2000-01-01'), 'PAID', 'GBP', 3, 1, 999, 0)`;
    await runBackfill();
    expect(await rollups(tenant.id)).toEqual(expected);
    const rows = await db.orderCurrencySalesRollup.findMany({
      where: { tenantId: tenant.id },
      orderBy: [{ currency: 'asc' }, { slot: 'asc' }],
    });
    await runBackfill();
    expect(
      await db.orderCurrencySalesRollup.findMany({ where: { tenantId: tenant.id }, orderBy: [{ currency: 'asc' }, { slot: 'asc' }] }),
    ).toEqual(rows);
  });

  it('loses and doubles nothing while orders are placed, paid and changed beside it', async () => {
    const { tenant, customer, at } = await shopInTwoCurrencies();
    await db.$executeRaw`DELETE FROM order_currency_sales_rollups WHERE "tenantId" = ${tenant.id}`;
    const existing = await db.order.findMany({ where: { tenantId: tenant.id }, select: { id: true } });
    await Promise.all([
      runBackfill(),
      ...Array.from({ length: 6 }, (_, i) =>
        f.order({ tenantId: tenant.id, customerId: customer.id, currency: i % 2 ? 'EUR' : 'USD', createdAt: at, totalCents: 100 + i }),
      ),
      ...existing.map((o) => db.order.update({ where: { id: o.id }, data: { status: 'REFUNDED', refundedTotalCents: 50 } })),
      runBackfill(),
    ]);
    expect(await rollups(tenant.id)).toEqual(await recount(tenant.id));
  });
});
