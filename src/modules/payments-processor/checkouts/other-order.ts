// A provider's checkout state that names another order than the checkout of ours holding its payment (PayPal
// custom_id, Square reference_id, BTCPay metadata.orderId): which order the money is for cannot be told, so it pays
// neither and nothing is captured for it. One rule for every place a provider's state is applied to a checkout: the
// webhook (checkout.service.ts acknowledgeOtherOrder), the reconciliation of an open checkout, the late-money read of a
// closed one and of a deleted order's kept one, and the buyer's return. When it reports money (otherOrderMoney: paid, on
// its way, approved, or part of it arrived on an invoice still open) the admins are told (payment.event_names_other_order;
// its Discord post is keyed by checkout, payment, named order and state, so a webhook and later reconciliation runs
// reporting the same money post it once): they record or return it by hand, and nothing here ever applies it.
import type { PaymentProvider } from '../../../generated/prisma/index.js';
import type { Tx } from '../../../platform/db/prisma.js';
import { EVENTS, type PaymentEventOtherOrderPayload } from '../../shared/events.js';
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { ProviderCheckoutState } from '../providers/provider.port.js';

/** The checkout of ours holding the payment (live, or a deleted order's kept one). */
export interface HoldingCheckout {
  id: string;
  tenantId: string;
  orderId: string;
  currency: string;
}

/** True when the provider's state names an order, and another than the holding checkout's. */
export function namesOtherOrder(state: ProviderCheckoutState, held: { orderId: string }): boolean {
  return !!state.orderId && state.orderId !== held.orderId;
}

/**
 * True when the provider has taken money on the state: paid, on its way, or part of it arrived on an invoice still open
 * (a Bitcoin invoice paid in part).
 */
export function tookMoney(state: ProviderCheckoutState): boolean {
  return state.state === 'PAID' || state.state === 'PENDING' || (state.state === 'OPEN' && (state.paidAmountCents ?? 0) > 0);
}

/** True when the state reports money (paid, on its way, or approved to be taken): late money is applied on it. */
export function reportsMoney(state: ProviderCheckoutState): boolean {
  return state.state === 'PAID' || state.state === 'PENDING' || state.state === 'APPROVED';
}

/** True when a state naming another order is money the admins must check: reported, or part of it already arrived. */
export function otherOrderMoney(state: ProviderCheckoutState): boolean {
  return reportsMoney(state) || tookMoney(state);
}

/** Why such a state is not applied, for the log and the unusable event's record. */
export function otherOrderWhy(state: ProviderCheckoutState, held: HoldingCheckout): string {
  return `the provider names order ${state.orderId}, but checkout ${held.id} holding ${state.providerCheckoutId} is order ${held.orderId}'s`;
}

/** Tells the admins about money on `held` that names another order, in the caller's transaction. */
export async function emitOtherOrderMoney(
  tx: Tx,
  bus: EventBus,
  provider: PaymentProvider,
  state: ProviderCheckoutState,
  held: HoldingCheckout,
  eventType: string,
  jobKey: string,
): Promise<void> {
  const alert: PaymentEventOtherOrderPayload = {
    tenantId: held.tenantId,
    orderId: held.orderId,
    checkoutId: held.id,
    provider,
    providerCheckoutId: state.providerCheckoutId,
    namedOrderId: state.orderId ?? '',
    state: state.state,
    ...(state.paidAmountCents !== undefined ? { amountCents: state.paidAmountCents } : {}),
    currency: (state.currency ?? held.currency).trim(),
    eventType,
  };
  await bus.emit(tx, EVENTS.paymentEventOtherOrder, alert, { jobKey });
}
