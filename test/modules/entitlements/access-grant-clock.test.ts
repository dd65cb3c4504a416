// Buying time-limited access again starts the new period at the current end while that access is still running,
// else now; whether it still runs is the database's call (its expiry job judges the end by the database's clock:
// timed-access-clock.test.ts). Paying judged it by the instance's clock. Several run, and their clocks differ from
// each other and from PostgreSQL's: on one 10 minutes behind, an access the database counted as ended 5 minutes ago
// (its expiry not yet run) was still running, and the renewal started at that old end, 5 minutes the customer paid
// for lost; on one ahead, an access with 5 minutes left had ended, and the renewal started 10 minutes from the
// database's now (5 minutes given away). A refund's revokedAt was the instance's now where the expiry's is the
// database's. Each instance here reads its own clock (Date) 10 minutes from the database's.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseNow, SQL_DATABASE_NOW } from '../../../src/platform/db/database-now.js';
import { withTransaction } from '../../../src/platform/db/prisma.js';
import { testDb } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';
import { afterSale } from '../refunds/after-sale.harness.js';

const db = testDb();
const s = afterSale(db);
const f = factories(db);
const DAY = 24 * 3600_000;
/** How far the instance's clock is from the database's. */
const SKEW_SECS = 10 * 60;

afterEach(() => vi.useRealTimers());

/** From here on, this instance's own clock (Date) reads the database's now plus `secs` (behind when negative), frozen. */
async function instanceClockAt(secs: number) {
  vi.useFakeTimers({ toFake: ['Date'], now: (await databaseNow(db)).getTime() + secs * 1000 });
}

/** A customer's GRANTED 30-day access, ending `secs` from the database's now, and a second paid order for the same product. */
async function accessEndingIn(secs: number) {
  const { tenant, guild, customer } = await f.shop();
  const product = await f.product({ tenantId: tenant.id, name: 'Pro Membership', grantedRoleIds: [snowflake()], accessDays: 30 });
  const line = { productId: product.id, quantity: 1, unitPriceCents: 500 };
  const base = { tenantId: tenant.id, customerId: customer.id, guildId: guild.id, status: 'PAID' as const, lines: [line] };
  const first = await f.order(base);
  const ent = await f.entitlement({ tenantId: tenant.id, customerId: customer.id, productId: product.id, orderId: first.id });
  await db.$executeRaw`UPDATE entitlements SET "endsAt" = ${SQL_DATABASE_NOW} + make_interval(secs => ${secs}::float8) WHERE id = ${ent.id}`;
  const currentEnd = (await db.entitlement.findUniqueOrThrow({ where: { id: ent.id } })).endsAt!;
  const second = await f.order(base);
  return { tenantId: tenant.id, first, second, currentEnd };
}

const grant = (tenantId: string, orderId: string) => withTransaction(db, (tx) => s.entitlements.grantForOrder(tx, { tenantId, orderId }));

describe("a renewal of time-limited access, started by the database's clock", () => {
  it('on an instance whose clock runs behind, an access the database counts as ended is renewed from now, not from its end', async () => {
    const { tenantId, second } = await accessEndingIn(-5 * 60);
    await instanceClockAt(-SKEW_SECS);
    const before = await databaseNow(db);
    const [renewed] = await grant(tenantId, second.id);
    const after = await databaseNow(db);
    // Before: the old end + 30 days, 5 minutes short of 30 days from the database's now.
    expect(renewed!.endsAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() + 30 * DAY);
    expect(renewed!.endsAt!.getTime()).toBeLessThanOrEqual(after.getTime() + 30 * DAY);
  });

  it('on an instance whose clock runs ahead, an access still running is renewed from its end', async () => {
    const { tenantId, second, currentEnd } = await accessEndingIn(5 * 60);
    await instanceClockAt(SKEW_SECS);
    const [renewed] = await grant(tenantId, second.id);
    // Before: 30 days from the instance's now, 5 minutes past the current end.
    expect(renewed!.endsAt).toEqual(new Date(currentEnd.getTime() + 30 * DAY));
  });
});

describe("a refund's revoke, dated by the database's clock", () => {
  it("on an instance whose clock runs behind, revokedAt is the database's now, as the expiry's is", async () => {
    const { tenantId, first } = await accessEndingIn(7 * 24 * 3600);
    await instanceClockAt(-SKEW_SECS);
    const before = await databaseNow(db);
    const [revoked] = await withTransaction(db, (tx) =>
      s.entitlements.revokeForOrder(tx, { tenantId, orderId: first.id, reason: 'Refunded' }),
    );
    const after = await databaseNow(db);
    const stored = await db.entitlement.findUniqueOrThrow({ where: { id: revoked!.id } });
    expect(stored.status).toBe('REVOKED');
    // Before: 10 minutes before the database's now.
    expect(stored.revokedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(stored.revokedAt!.getTime()).toBeLessThanOrEqual(after.getTime());
    expect(revoked!.revokedAt).toEqual(stored.revokedAt);
  });
});
