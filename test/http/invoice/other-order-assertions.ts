// What the tests of a payment naming another order than the checkout that holds it (webhook-names-another-order,
// reconcile-names-another-order) check was left alone: nothing applied to either order.
import { expect } from 'vitest';
import { testDb } from '../../helpers/db.js';

/** The orders' payments, in a stable order: read before, compared after by expectNothingApplied. */
export const paymentsOf = (orderIds: string[]) =>
  testDb().payment.findMany({ where: { orderId: { in: orderIds } }, orderBy: { id: 'asc' } });

/**
 * Nothing applied to either order: both still waiting for payment with nothing received, their payments as
 * `paymentsBefore` (paymentsOf), and the checkout still OPEN with no amount paid and no payment reference.
 */
export async function expectNothingApplied(
  orderIds: string[],
  paymentsBefore: Awaited<ReturnType<typeof paymentsOf>>,
  checkoutId: string,
): Promise<void> {
  const db = testDb();
  for (const id of orderIds) {
    expect(await db.order.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'PENDING_PAYMENT', amountReceivedCents: 0 });
  }
  expect(await paymentsOf(orderIds)).toEqual(paymentsBefore);
  expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).toMatchObject({
    state: 'OPEN',
    paidAmountCents: null,
    paymentReference: null,
  });
}
