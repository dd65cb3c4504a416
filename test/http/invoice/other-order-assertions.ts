// The tests of a payment naming another order than the checkout that holds it (webhook-, reconcile- and
// return-names-another-order, btcpay-part-paid-names-another-order): the other order, and what they check was left
// alone: nothing applied to either order.
import type { PaymentMethod } from '../../../src/generated/prisma/index.js';
import { expect } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

/** Another unpaid $42.50 order of the shop, for the same customer and guild as `like`, paid by `method`. */
export async function anotherUnpaidOrder(tenantId: string, like: { customerId: string; guildId: string | null }, method: PaymentMethod) {
  const f = factories();
  return f.order({
    tenantId,
    customerId: like.customerId,
    guildId: like.guildId,
    paymentMethod: method,
    paymentStatus: 'pending',
    totalCents: 4250,
    lines: [{ productId: (await f.product({ tenantId })).id, quantity: 1, unitPriceCents: 4250 }],
  });
}

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
