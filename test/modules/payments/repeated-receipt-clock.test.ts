// /payment-confirm amount: sent again by the same admin for the same amount within 10 minutes is asked about, not
// recorded (repeated-receipt.ts). "Within 10 minutes" was read by the clock of the instance handling the repeat,
// while the first receipt's time is a stored one. On an instance 11 minutes ahead, a repeat sent straight after the
// first looked 11 minutes later and was recorded twice; on one 11 minutes behind, a repeat 15 minutes after the first
// looked 4 minutes later and was asked about. The window is now read by the database's clock.
import { describe, expect, it } from 'vitest';
import { createPaymentService } from '../../../src/modules/payments/payment.service.js';
import type { Clock } from '../../../src/platform/clock.js';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import { testDb } from '../../helpers/db.js';
import { afterSale, paidOrderFixture } from '../refunds/after-sale.harness.js';

const db = testDb();
const s = afterSale(db);
const SKEW_SECS = 11 * 60;

/** The payments service of an instance whose clock reads the database's now plus `secs` (behind when negative). */
async function skewedPayments(secs: number) {
  const offsetMs = (await databaseNow(db)).getTime() - Date.now() + secs * 1000;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  return createPaymentService({ ...s.deps, clock });
}

const amounts = async (orderId: string) =>
  (await db.paymentReceipt.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' } })).map((r) => r.amountCents);

describe('the same amount sent again: "within 10 minutes" by the database\'s clock', () => {
  it('a repeat sent straight after the first, on an instance 11 minutes ahead, is asked about, not recorded twice', async () => {
    const { order, ctx } = await paidOrderFixture(db, s, { confirm: false });
    await s.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 2000, askIfRepeated: true });
    const ahead = await skewedPayments(SKEW_SECS);
    // Before: recorded (the first looked 11 minutes old).
    await expect(ahead.recordReceipt(ctx, { orderId: order.id }, { amountCents: 2000, askIfRepeated: true })).rejects.toMatchObject({
      code: 'RECEIPT_CONFIRMATION_REQUIRED',
      message: expect.stringContaining('a minute ago'),
    });
    expect(await amounts(order.id)).toEqual([2000]);
  });

  it('a repeat 15 minutes after the first, on an instance 11 minutes behind, is recorded', async () => {
    const { order, ctx } = await paidOrderFixture(db, s, { confirm: false });
    await s.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 2000, askIfRepeated: true });
    // The first was recorded 15 minutes ago by the database's clock.
    await db.$executeRaw`UPDATE payment_receipts SET "createdAt" = (now() AT TIME ZONE 'UTC') - interval '15 minutes' WHERE "orderId" = ${order.id}`;
    const behind = await skewedPayments(-SKEW_SECS);
    // Before: RECEIPT_CONFIRMATION_REQUIRED (the first looked 4 minutes old).
    await behind.recordReceipt(ctx, { orderId: order.id }, { amountCents: 2000, askIfRepeated: true });
    expect(await amounts(order.id)).toEqual([2000, 2000]);
  });
});
