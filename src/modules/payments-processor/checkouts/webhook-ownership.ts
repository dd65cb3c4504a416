// Whose payment is a verified provider event about, when no checkout of the connection holds it? The shop's
// PayPal, Square or BTCPay account also takes payments we did not start (its point of sale, another app,
// another shop connected to the same account), and the providers retry every non-2xx answer for days
// (PayPal up to 25 times over 3 days, Square for 72 hours, BTCPay redelivers). So:
// - not ours: the event names no order of ours that has a checkout on this connection (no order id, one not
//   in our id format, or an order this connection never opened a checkout for). Answered 200, logged at
//   info, nothing recorded: it will never match anything.
// - ours, not matched yet: it names an order with a checkout on this connection. Every checkout is recorded
//   and committed before the provider is asked to open it (checkout.service.ts `start`), so such an event can
//   only be early (the provider's id not bound to our row yet: PayPal and BTCPay while `start` waits for the
//   answer; Square while `charge` does, or with several checkouts of the order unbound) or about money the
//   order's checkouts cannot place. Answered with a retryable refusal, so the provider sends it again.
// - ours, for a deleted order: the order and its checkouts are gone, but a checkout that could still take
//   money was kept (late-money.ts keepForLateMoney). Matched by the provider's id (or, a Square charge never
//   bound, by the order it names) on the same connection before this question is asked, and handled by
//   deleted-order-money.ts (refunded, or flagged for the admins), answered 200. A BTCPay invoice's is kept
//   until money reaches it, however old (a merchant may mark it settled by hand at any time: late-money.ts
//   LATE_MONEY `anyTime`); a PayPal or Square one until its window ends. A deleted order's event that matches no
//   kept checkout is not ours: nothing will ever hold it, a retry would only repeat for days.
// What each provider echoes as our order id (ProviderCheckoutState.orderId): PayPal custom_id (invoice_id of
// older checkouts), Square reference_id, BTCPay metadata.orderId: all set by the adapters' createCheckout/charge.
import type { Db } from '../../../platform/db/prisma.js';

/** Our order ids: `ord_` and a UUID's 32 hex digits (the orders table's default). */
const OUR_ORDER_ID = /^ord_[0-9a-f]{32}$/;

/** True when the id has the form of our order ids (whether or not such an order exists). */
export const isOurOrderId = (orderId: string | undefined): orderId is string => !!orderId && OUR_ORDER_ID.test(orderId);

/** True when the event's order id names an order this connection opened a checkout for. */
export async function namesOurOrder(db: Db, connectionId: string, orderId: string | undefined): Promise<boolean> {
  if (!isOurOrderId(orderId)) return false;
  return (await db.paymentCheckout.count({ where: { connectionId, orderId } })) > 0;
}

/**
 * True when the id has our form but no order of this database has it, in any shop: not a payment someone else's
 * system started, but one of ours whose order is not here (a restore to an earlier backup; another deployment
 * sharing the provider account). Still "not ours" to answer (nothing here can hold it); worth an operator's look.
 */
export async function namesMissingOrder(db: Db, orderId: string | undefined): Promise<boolean> {
  if (!isOurOrderId(orderId)) return false;
  return (await db.order.count({ where: { id: orderId } })) === 0;
}
