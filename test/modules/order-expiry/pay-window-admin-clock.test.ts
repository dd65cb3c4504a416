// An unpaid order's deadline is judged by the database's clock (its expiry: pay-window-clock.test.ts). What sets a
// deadline judged it by the instance's clock: an admin's extension ("until" must be in the future; "more minutes"
// count from now once the deadline has passed), the reminder's "now, if half the window has passed", and the
// deadline given to an order without one (never sooner than half a window from now). Several instances run, and
// their clocks differ from each other and from PostgreSQL's: on one 10 minutes ahead, an admin's "until" 5 minutes
// ahead was refused; on one behind, "5 more minutes" on an overdue order gave it a deadline the database already
// counted as past (it expired at once), and an order scheduled late got less than half its window. Each instance
// here reads its own clock (Date, and the Clock over it) 10 minutes from the database's.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPaymentWindowService } from '../../../src/modules/order-expiry/payment-window.service.js';
import { databaseNow, SQL_DATABASE_NOW } from '../../../src/platform/db/database-now.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { afterSale } from '../refunds/after-sale.harness.js';
import { payWindowDueIn } from './pay-window-time.js';

const db = testDb();
const s = afterSale(db);
const f = factories(db);
const MINUTE = 60_000;
/** How far the instance's clock is from the database's. */
const SKEW_SECS = 10 * 60;

afterEach(() => vi.useRealTimers());

/**
 * The pay windows of an instance whose own clock reads the database's now plus `secs` (behind when negative): Date is
 * set there (and the harness's Clock reads Date), frozen for the test.
 */
async function onSkewedInstance(secs: number) {
  vi.useFakeTimers({ toFake: ['Date'], now: (await databaseNow(db)).getTime() + secs * 1000 });
  return createPaymentWindowService(s.deps);
}

/** An unpaid order of a shop whose window for the order's method is `windowMin` minutes. */
async function unpaidOrder(paymentMethod: 'VENMO_P2P' | 'PAYPAL', windowMin: number) {
  const { tenant, customer } = await f.shop({ tenant: { paymentWindowMinutes: { [paymentMethod]: windowMin } } });
  const order = await f.order({ tenantId: tenant.id, customerId: customer.id, paymentMethod });
  return { tenantId: tenant.id, orderId: order.id };
}

const dueAtOf = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId } })).paymentDueAt;
/** The run_at of the order's waiting reminder jobs (one per subscriber). */
const reminderRunAts = async (orderId: string) =>
  (
    await db.$queryRaw<{ run_at: Date }[]>`
      SELECT run_at FROM graphile_worker._private_jobs WHERE key LIKE ${`payment-reminder:${orderId}>%`}`
  ).map((j) => j.run_at);

describe("an admin's extension of a pay window, judged by the database's clock", () => {
  it('an instance whose clock runs ahead accepts an "until" 5 minutes from the database\'s now', async () => {
    const { tenantId, orderId } = await unpaidOrder('VENMO_P2P', 2 * 24 * 60);
    await payWindowDueIn(db, orderId, 60);
    const until = new Date((await databaseNow(db)).getTime() + 5 * MINUTE);
    const windows = await onSkewedInstance(SKEW_SECS);
    // Before: VALIDATION_FAILED ("until" must be in the future), by a clock that read it 5 minutes past.
    const { dueAt } = await windows.extend(adminCtx(tenantId), orderId, { until: until.toISOString() });
    expect(dueAt).toEqual(until);
    expect(await dueAtOf(orderId)).toEqual(until);
  });

  it('an instance whose clock runs behind refuses an "until" the database already counts as past', async () => {
    const { tenantId, orderId } = await unpaidOrder('VENMO_P2P', 2 * 24 * 60);
    const current = await payWindowDueIn(db, orderId, -10 * 60);
    const until = new Date((await databaseNow(db)).getTime() - 5 * MINUTE);
    const windows = await onSkewedInstance(-SKEW_SECS);
    // Before: accepted (5 minutes ahead by its clock): a deadline already past, the order expired at once.
    await expect(windows.extend(adminCtx(tenantId), orderId, { until: until.toISOString() })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await dueAtOf(orderId)).toEqual(current);
  });

  it("an instance whose clock runs behind gives an overdue order its extra minutes from the database's now", async () => {
    const { tenantId, orderId } = await unpaidOrder('VENMO_P2P', 2 * 24 * 60);
    await payWindowDueIn(db, orderId, -60 * 60);
    const windows = await onSkewedInstance(-SKEW_SECS);
    const before = await databaseNow(db);
    const { dueAt } = await windows.extend(adminCtx(tenantId), orderId, { extendByMinutes: 5 });
    const after = await databaseNow(db);
    // Before: 5 minutes from the instance's now, which the database counted as 5 minutes past.
    expect(dueAt.getTime()).toBeGreaterThanOrEqual(before.getTime() + 5 * MINUTE);
    expect(dueAt.getTime()).toBeLessThanOrEqual(after.getTime() + 5 * MINUTE);
  });

  it('an instance whose clock runs ahead sends the reminder at once when less than half the window is left, not 10 minutes later', async () => {
    // A 4-hour window: the reminder is due 2 hours before the deadline, or now when that has passed.
    const { tenantId, orderId } = await unpaidOrder('PAYPAL', 4 * 60);
    await payWindowDueIn(db, orderId, 60);
    const until = new Date((await databaseNow(db)).getTime() + 15 * MINUTE);
    const windows = await onSkewedInstance(SKEW_SECS);
    await windows.extend(adminCtx(tenantId), orderId, { until: until.toISOString() });
    const after = await databaseNow(db);
    // Before: at the instance's now, 10 minutes from the database's (5 minutes before the deadline).
    const runAts = await reminderRunAts(orderId);
    expect(runAts.length).toBeGreaterThan(0);
    for (const runAt of runAts) expect(runAt.getTime()).toBeLessThanOrEqual(after.getTime());
  });
});

describe("the deadline of an order placed without one, set by the database's clock", () => {
  it("an instance whose clock runs behind gives an order scheduled late half its window from the database's now", async () => {
    // A 15-minute window, and an order placed an hour ago without a deadline (the sweep's case).
    const { tenantId, orderId } = await unpaidOrder('VENMO_P2P', 15);
    await db.$executeRaw`UPDATE orders SET "createdAt" = ${SQL_DATABASE_NOW} - interval '1 hour', "paymentDueAt" = NULL WHERE id = ${orderId}`;
    const windows = await onSkewedInstance(-SKEW_SECS);
    const before = await databaseNow(db);
    const scheduled = await windows.schedule(tenantId, orderId);
    const after = await databaseNow(db);
    // Before: half the window from the instance's now, 2.5 minutes past by the database's clock (expired at once).
    const half = 7.5 * MINUTE;
    expect(scheduled!.dueAt.getTime()).toBeGreaterThanOrEqual(before.getTime() + half);
    expect(scheduled!.dueAt.getTime()).toBeLessThanOrEqual(after.getTime() + half);
    expect(await dueAtOf(orderId)).toEqual(scheduled!.dueAt);
  });
});
