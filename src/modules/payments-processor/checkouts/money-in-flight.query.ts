// What processor money of an order (or a connection) is still on its way, read inside the caller's
// transaction, so an admin's action that would lose it is refused with what to do instead:
// - a manual confirm while a checkout is APPROVED/PENDING (BTCPay confirming, a PayPal eCheck) would make
//   that money unapplied when it settles, and the ledger would refund it (payments.confirm refuses);
// - a delete takes the order's checkouts and refunds with it: webhooks for an open checkout then find
//   nothing, and a refund job waiting to retry finds no refund (orderAdmin.delete refuses);
// - a disconnect erases the credentials open checkouts need (paymentConnections.disconnect refuses).
import type { PaymentCheckout } from '../../../generated/prisma/index.js';
import type { Db, Tx } from '../../../platform/db/prisma.js';
import { formatMoney } from '../../../platform/money.js';
import { processorCentsOf } from '../processor-refund.task.js';
import { processorRefundOutcomes } from '../processor-refund-outcome.query.js';
import { PROVIDER_DEFINITIONS } from '../connections/provider-definitions.js';

/** Money on its way: PayPal approved or its capture pending (eCheck), BTCPay paid and confirming, Square pending. */
export const IN_FLIGHT_CHECKOUT_STATES = ['APPROVED', 'PENDING'] as const;
/**
 * A checkout the buyer can still pay, or is paying (CREATING: the provider is being asked to open it): the
 * states the ledger and the voiding treat as open (checkout-ledger.ts re-exports this list).
 */
export const OPEN_CHECKOUT_STATES = ['CREATING', 'OPEN', ...IN_FLIGHT_CHECKOUT_STATES] as const;

type CheckoutFacts = Pick<PaymentCheckout, 'provider' | 'state' | 'amountCents' | 'currency'>;

/** "A Bitcoin payment of $42.50 for this order is confirming at BTCPay" (the provider's own words for the wait). */
export function inFlightWords(c: CheckoutFacts): string {
  const amount = formatMoney(c.amountCents, c.currency.trim());
  if (c.provider === 'BTCPAY') return `A Bitcoin payment of ${amount} for this order is confirming at BTCPay`;
  if (c.provider === 'PAYPAL')
    return c.state === 'PENDING'
      ? `A PayPal payment of ${amount} for this order is still clearing at PayPal (an eCheck takes a few days)`
      : `A PayPal payment of ${amount} for this order was approved by the customer and is being captured`;
  return `A Cash App Pay payment of ${amount} for this order is still pending at Square`;
}

/** The order's newest checkout with money on its way, or null. */
export async function inFlightCheckout(tx: Db | Tx, orderId: string): Promise<PaymentCheckout | null> {
  return tx.paymentCheckout.findFirst({
    where: { orderId, state: { in: [...IN_FLIGHT_CHECKOUT_STATES] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}

/**
 * Why the order cannot be deleted now (money still moving through a processor, either way), with what to
 * do; null when nothing is. A refund blocks only while its processor part is being sent (processorRefundOutcomes:
 * its job waiting or retrying); one sent, failed, or with no job and no outcome recorded (made before the refund
 * job existed) has nothing left that needs the order's rows.
 */
export async function whyOrderMoneyIsMoving(tx: Tx, order: { id: string; tenantId: string; status: string }): Promise<string | null> {
  const orderId = order.id;
  const live = await tx.paymentCheckout.findFirst({
    where: { orderId, state: { in: [...OPEN_CHECKOUT_STATES] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  if (live && (IN_FLIGHT_CHECKOUT_STATES as readonly string[]).includes(live.state)) {
    return `${inFlightWords(live)}; it will pay the order or be refunded when it settles. Delete the order after that.`;
  }
  if (live) {
    const provider = PROVIDER_DEFINITIONS[live.provider].label;
    const open = `The customer can still pay this order at ${provider} (an open ${formatMoney(live.amountCents, live.currency.trim())} checkout).`;
    // Cancelling voids the order's open checkouts at the provider (the payment.checkouts.void_stale job).
    return order.status === 'CANCELLED'
      ? `${open} The cancel is closing it there: try the delete again in a minute.`
      : `${open} Cancel the order first (that closes the checkout), then delete it.`;
  }
  const unapplied = await tx.paymentCheckout.findFirst({ where: { orderId, unappliedAction: 'REFUND_PENDING' } });
  if (unapplied) {
    const amount = formatMoney(unapplied.paidAmountCents ?? unapplied.amountCents, unapplied.currency.trim());
    return `${amount} that arrived at ${PROVIDER_DEFINITIONS[unapplied.provider].label} but could not pay this order is still being refunded. Delete the order once the order page shows the refund sent or failed.`;
  }
  const outcomes = await processorRefundOutcomes(tx, order.tenantId, orderId);
  const beingSent = [...outcomes].filter(([, outcome]) => outcome === 'BEING_SENT').map(([id]) => id);
  if (!beingSent.length) return null;
  const pending = await tx.refund.findFirstOrThrow({
    where: { id: { in: beingSent } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { amountCents: true, manualReturnMethod: true, manualReturnCents: true, payment: { select: { currency: true } } },
  });
  return `A refund of ${formatMoney(processorCentsOf(pending), pending.payment!.currency.trim())} is still being sent through the payment processor. Delete the order once the order page shows it sent or failed.`;
}

/** How many orders have a checkout on this connection that the buyer can still pay or is paying. */
export async function ordersWithLiveCheckouts(tx: Tx, connectionId: string): Promise<number> {
  const rows = await tx.paymentCheckout.findMany({
    where: { connectionId, state: { in: [...OPEN_CHECKOUT_STATES] } },
    distinct: ['orderId'],
    select: { orderId: true },
  });
  return rows.length;
}
