// An unpaid order's expiry job runs once the database's now() passes its run_at (graphile-worker's clock), and the
// job then judged whether the order's deadline (orders.paymentDueAt) had passed by the clock of the instance that ran
// it. Several run, and their clocks differ from each other and from PostgreSQL's. On one running behind, the job
// found the order not yet due and queued itself again at that deadline, which the database already counted as past:
// it ran again at once, over and over for as long as the clock stayed behind, holding a worker slot and a connection,
// and the order was never cancelled meanwhile. One running ahead cancelled an order before its deadline. The deadline
// is now read by the database's clock, on every instance alike (and so is the hold given to money on its way).
import { describe, expect, it } from 'vitest';
import { createPaymentWindowService } from '../../../src/modules/order-expiry/payment-window.service.js';
import type { Clock } from '../../../src/platform/clock.js';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { afterSale } from '../refunds/after-sale.harness.js';
import { payWindowDueIn } from './pay-window-time.js';

const db = testDb();
const s = afterSale(db);
const f = factories(db);
const MINUTE = 60_000;

/** How far the expiring instance's clock is from the database's: well beyond the minute the deadline is away. */
const SKEW_SECS = 10 * 60;

/** The pay windows of an instance whose clock reads the database's now plus `secs` (behind when negative). */
async function skewedPayWindows(secs: number) {
  const offsetMs = (await databaseNow(db)).getTime() - Date.now() + secs * 1000;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  return createPaymentWindowService({ ...s.deps, clock });
}

/** An unpaid order as submit leaves it (an open payment, stock reserved), due `secs` from the database's now (past when negative). */
async function unpaidOrderDueIn(secs: number, paymentMethod: 'VENMO_P2P' | 'PAYPAL' = 'VENMO_P2P') {
  const { tenant, customer } = await f.shop();
  const product = await f.product({ tenantId: tenant.id, trackStock: true, stock: 2, unitPriceCents: 1000 });
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    paymentMethod,
    lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1000 }],
  });
  await f.reservation({ tenantId: tenant.id, orderId: order.id, productId: product.id, quantity: 1 });
  const dueAt = await payWindowDueIn(db, order.id, secs);
  return { tenantId: tenant.id, order, dueAt };
}

/** The order's expiry jobs waiting in the queue (the one that ran was taken off it by the worker, as here). */
const expiryJobs = (orderId: string) =>
  db.$queryRaw<{ run_at: Date }[]>`SELECT run_at FROM graphile_worker._private_jobs WHERE key = ${`payment-expiry:${orderId}`}`;
const statusOf = async (orderId: string) => (await db.order.findUniqueOrThrow({ where: { id: orderId } })).status;

describe("an unpaid order's deadline, read by the database's clock", () => {
  it('an instance whose clock runs behind cancels an order past its deadline on the first run, queueing no run again', async () => {
    // A minute past its deadline by the database's clock (so its job was handed out); this instance's clock reads 9 minutes to go.
    const { tenantId, order } = await unpaidOrderDueIn(-60);
    const windows = await skewedPayWindows(-SKEW_SECS);
    // Before: 'not_due', and the job queued again at the deadline, which the database counts as past: run again at once.
    expect(await windows.expire(tenantId, order.id)).toBe('expired');
    expect(await statusOf(order.id)).toBe('CANCELLED');
    expect(await expiryJobs(order.id)).toEqual([]);
  });

  it('an instance whose clock runs ahead keeps an order whose deadline is still ahead, and queues the expiry at the deadline', async () => {
    // A minute to go by the database's clock (the job was brought forward); this instance's clock reads it 9 minutes past.
    const { tenantId, order, dueAt } = await unpaidOrderDueIn(60);
    const windows = await skewedPayWindows(SKEW_SECS);
    expect(await windows.expire(tenantId, order.id)).toBe('not_due');
    expect(await statusOf(order.id)).toBe('PENDING_PAYMENT');
    // Queued again for the deadline itself, not earlier.
    expect((await expiryJobs(order.id)).map((j) => j.run_at)).toEqual([dueAt]);
  });

  it('money on its way at the deadline holds the order for the grace period from the database’s now, on an instance whose clock runs behind', async () => {
    const { tenantId, order, dueAt } = await unpaidOrderDueIn(-60, 'PAYPAL');
    const connection = await db.paymentConnection.create({ data: { tenantId, provider: 'PAYPAL', environment: 'sandbox' } });
    await db.paymentCheckout.create({
      data: {
        tenantId,
        orderId: order.id,
        connectionId: connection.id,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        amountCents: order.totalCents,
        currency: 'USD',
        orderVersion: 1,
        state: 'PENDING',
      },
    });
    const windows = await skewedPayWindows(-SKEW_SECS);
    const before = await databaseNow(db);
    expect(await windows.expire(tenantId, order.id)).toBe('held');
    const after = await databaseNow(db);
    // Held for an hour from the database's now (by this instance's clock it would end 10 minutes sooner).
    const heldUntil = (await db.order.findUniqueOrThrow({ where: { id: order.id } })).paymentDueAt!;
    expect(heldUntil.getTime()).toBeGreaterThanOrEqual(before.getTime() + 60 * MINUTE);
    expect(heldUntil.getTime()).toBeLessThanOrEqual(after.getTime() + 60 * MINUTE);
    expect((await expiryJobs(order.id)).map((j) => j.run_at)).toEqual([heldUntil]);
    const [held] = (await s.audit.listFor(tenantId, 'Order', order.id)).filter((a) => a.action === 'order.payment_window_held');
    expect(held).toMatchObject({ before: { paymentDueAt: dueAt.toISOString() }, after: { paymentDueAt: heldUntil.toISOString() } });
    expect(await statusOf(order.id)).toBe('PENDING_PAYMENT');
  });
});
