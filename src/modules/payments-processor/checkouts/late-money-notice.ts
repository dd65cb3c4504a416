// The customer's word that money which could not pay their order is going back to them: emitted in the transaction
// that records the money (checkout-ledger.ts recordUnapplied, deleted-order-money.ts recordArrival), once per checkout
// (its job key; PAID is final under the row's lock, so a second webhook records nothing). Only for money the provider
// sends back itself (PayPal, Cash App Pay through Square): BTCPay's money goes back by a claim, whose link DM is the
// customer's one message about it (refundClaimLink). The DM says it is being returned, never that it was: if the
// provider refuses or fails the refund later, the admins are told (FLAGGED) and return it another way.
// Money the provider does not send back (it refused or failed the refund, or BTCPay with no address to send it to:
// FLAGGED) is told to the customer too, once per payment (announceLateMoneyFlagged): the shop will return it by hand.
// Both DMs give the same cause, the one the order had when the money arrived (kept on the checkout: lateMoneyCause).
import type { Order, PaymentCheckout, PaymentProvider } from '../../../generated/prisma/index.js';
import type { Tx } from '../../../platform/db/prisma.js';
import type { EventBus } from '../../../platform/jobs/queue.js';
import { cancelReasonOf } from '../../orders/index.js';
import { EVENTS, LATE_MONEY_CAUSES, type LateMoneyFlaggedPayload, type LateMoneyReturningPayload } from '../../shared/events.js';

/** The providers that send money back themselves (a refund through the payment); BTCPay needs the customer's claim. */
const RETURNED_BY_PROVIDER: readonly PaymentProvider[] = ['PAYPAL', 'SQUARE'];

/**
 * Why money on `checkout` could not pay `order` (whyNotApplicable said it cannot), as the order's state in the
 * customer's terms: cancelled (or expired: not paid in time), already paid, changed after they started paying, or
 * a payment of another amount or currency than the order asked.
 */
export async function lateMoneyCause(tx: Tx, order: Order, checkout: PaymentCheckout): Promise<LateMoneyReturningPayload['cause']> {
  if (order.status === 'CANCELLED')
    return (await cancelReasonOf(tx, order.tenantId, order.id))?.reason === 'expired' ? 'expired' : 'cancelled';
  if (order.status !== 'PENDING_PAYMENT') return 'paid';
  // Voided (voidedAt stays once the money makes it PAID): the order changed, as its version says.
  if (checkout.voidedAt || checkout.orderVersion !== order.version) return 'changed';
  return 'amount';
}

type Cause = LateMoneyReturningPayload['cause'];

/**
 * The cause kept on `checkout` when its money arrived (the ledger sets it with unappliedAction); for a row kept before
 * there was one, the order as it stands now (lateMoneyCause).
 */
export async function keptLateMoneyCause(tx: Tx, order: Order, checkout: PaymentCheckout): Promise<Cause> {
  const kept = checkout.lateMoneyCause;
  return kept && (LATE_MONEY_CAUSES as readonly string[]).includes(kept) ? (kept as Cause) : lateMoneyCause(tx, order, checkout);
}

/**
 * The customer DM's event when money that could not pay the order is FLAGGED: the provider did not send it back, the
 * shop will. Once per payment (its job key): a refund refused and then failed again, or a redelivered event, tells
 * the customer once.
 */
export async function announceLateMoneyFlagged(tx: Tx, bus: EventBus, notice: LateMoneyFlaggedPayload): Promise<void> {
  await bus.emit(tx, EVENTS.lateMoneyFlagged, notice, { jobKey: `late-money-flagged:${notice.checkoutId}` });
}

/** The customer DM's event, when the provider returns the money itself (see above); nothing for BTCPay. */
export async function announceLateMoneyReturning(
  tx: Tx,
  bus: EventBus,
  provider: PaymentProvider,
  notice: LateMoneyReturningPayload,
): Promise<void> {
  if (!RETURNED_BY_PROVIDER.includes(provider)) return;
  await bus.emit(tx, EVENTS.lateMoneyReturning, notice, { jobKey: `late-money-returning:${notice.checkoutId}` });
}
