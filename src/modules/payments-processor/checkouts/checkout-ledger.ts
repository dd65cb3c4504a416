// The checkout ledger's one write path: what a provider says about a checkout (return page, webhook,
// reconciliation) is applied here, under the order's row lock, so the amount is compared with the order as
// it is now. Money that arrives but cannot pay the order (the checkout was voided because the order changed,
// the order was cancelled or already paid through another checkout, the amount or currency is wrong) never
// marks the order PAID and is never dropped: it is refunded through the provider by the
// payment.checkout.refund_unapplied job, recorded on the order and announced in the admin channel; the customer
// who paid is told it is coming back (late-money-notice.ts).
import type { Order, PaymentCheckout } from '../../../generated/prisma/index.js';
import { withTransaction, type Tx } from '../../../platform/db/prisma.js';
import { enqueueJob } from '../../../platform/jobs/queue.js';
import { formatMoney } from '../../../platform/money.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import { lockOrder, owedCents } from '../../orders/index.js';
import { confirmLockedOrder } from '../../payments/confirm-payment.command.js';
import { systemActor, type TenantContext } from '../../shared/actor.js';
import {
  EVENTS,
  type PaymentCaptureRefusedPayload,
  type PaymentUnappliedPayload,
  type PaymentUnknownAtProviderPayload,
} from '../../shared/events.js';
import type { ProviderCheckoutState } from '../providers/provider.port.js';
import { announceCheckoutState, inFlightAtFor } from './order-checkout-now.js';
import { announceLateMoneyReturning, keptLateMoneyCause, lateMoneyCause } from './late-money-notice.js';
import { recordWebhookEvent } from './webhook-event-record.js';

export const UNAPPLIED_REFUND_TASK = 'payment.checkout.refund_unapplied';
/** Audit actions on the order (entityType "Order") for money that could not pay it; `after.checkoutId` names the checkout. */
export const UNAPPLIED_AUDIT = {
  recorded: 'payment.unapplied',
  refunded: 'payment.unapplied_refunded',
  flagged: 'payment.unapplied_flagged',
} as const;
export { OPEN_CHECKOUT_STATES } from './money-in-flight.query.js';
/** The idempotency key of the refund of a checkout's unapplied money (the provider echoes it on the refund). */
export const unappliedRefundKey = (checkoutId: string): string => `unapplied-${checkoutId}`;

export type ApplyOutcome = 'paid' | 'already_paid' | 'unapplied' | 'updated';

/** Why money on this checkout cannot pay the order now; null when it can (exactly what is still owed). */
export function whyNotApplicable(order: Order, checkout: PaymentCheckout, paidCents: number, currency: string | undefined): string | null {
  if (checkout.state === 'VOIDED') return `the checkout was voided (${checkout.voidReason ?? 'the order changed'})`;
  if (order.status !== 'PENDING_PAYMENT')
    return `the order is ${order.status}${order.status === 'PAID' ? ' (paid through another checkout)' : ''}`;
  if (checkout.orderVersion !== order.version) return 'the order changed after this checkout was made';
  if (currency && currency.toUpperCase() !== order.currency.trim().toUpperCase())
    return `paid in ${currency}, the order is in ${order.currency}`;
  const owed = owedCents(order);
  if (paidCents < owed) return `underpaid: ${formatMoney(paidCents, order.currency)} of ${formatMoney(owed, order.currency)}`;
  if (paidCents > owed) return `overpaid: ${formatMoney(paidCents, order.currency)} for ${formatMoney(owed, order.currency)}`;
  return null;
}

/** Checkout states with money on its way at the provider. */
const IN_FLIGHT = ['APPROVED', 'PENDING'];
/** Checkout states that end a checkout without money (money reported later still goes through the PAID branch). */
const CLOSED = ['FAILED', 'EXPIRED', 'VOIDED'];

/**
 * A state the provider did not report (`notFound`: it answered 404, docs/decisions/payments-core.md "A checkout the
 * provider no longer knows") changes a checkout only while nothing was ever on its way on it: EXPIRED closes an OPEN
 * one (PayPal forgets an order never approved), a webhook's body applied as sent moves an OPEN one on. It never ends
 * money on its way (an eCheck clearing: EXPIRED would free the order to be paid again and stop every later look at
 * it), and never reopens a closed checkout (a PENDING body retried after PAYMENT.CAPTURE.DENIED failed it).
 */
function notFoundKeeps(checkout: PaymentCheckout, state: ProviderCheckoutState): boolean {
  if (!state.notFound) return false;
  if (CLOSED.includes(checkout.state)) return true;
  // APPROVED with no capture recorded: we capture on approval, so PayPal took no money; an order it forgot is EXPIRED,
  // as an OPEN one is (kept, it blocked the order's confirm, payment, deletion and disconnect for ever).
  if (checkout.state === 'APPROVED' && !checkout.paymentReference) return false;
  return IN_FLIGHT.includes(checkout.state) && !IN_FLIGHT.includes(state.state);
}

/**
 * Money that was on its way (PENDING, or APPROVED with a capture recorded): one the provider no longer knows, with its
 * payment, is closed and brought to the admins (payments-core.md "A checkout the provider no longer knows").
 */
function moneyLostTrackOf(checkout: PaymentCheckout): boolean {
  return checkout.state === 'PENDING' || (checkout.state === 'APPROVED' && !!checkout.paymentReference);
}

export interface ApplyOptions {
  /** Recorded in the audit entry: "return", "webhook", "reconciliation". */
  source: string;
  /** A webhook's (provider, eventId), inserted in the same transaction: a concurrent duplicate rolls back. */
  webhookEvent?: { provider: PaymentCheckout['provider']; eventId: string; connectionId: string; type: string };
}

/**
 * The provider refused to capture what the buyer approved (nothing was taken): on the order's audit trail and in
 * the admin channel, once (the checkout turns FAILED once; the job key holds it to one alert).
 */
async function recordCaptureRefused(
  tx: Tx,
  deps: AfterSaleDeps,
  ctx: TenantContext,
  checkout: PaymentCheckout,
  reason: string,
  source: string,
): Promise<void> {
  await deps.audit.record(tx, ctx, {
    action: CAPTURE_REFUSED_AUDIT,
    entityType: 'Order',
    entityId: checkout.orderId,
    after: { checkoutId: checkout.id, provider: checkout.provider, amountCents: checkout.amountCents, reason, source },
  });
  const alert: PaymentCaptureRefusedPayload = {
    tenantId: checkout.tenantId,
    orderId: checkout.orderId,
    checkoutId: checkout.id,
    provider: checkout.provider,
    amountCents: checkout.amountCents,
    currency: checkout.currency,
    reason,
  };
  await deps.bus.emit(tx, EVENTS.paymentCaptureRefused, alert, { jobKey: `capture-refused:${checkout.id}` });
}

/** Audit action on the order when a provider refused to capture a payment the buyer approved. */
export const CAPTURE_REFUSED_AUDIT = 'payment.capture_refused';

export async function applyCheckoutState(
  deps: AfterSaleDeps,
  checkoutId: string,
  state: ProviderCheckoutState,
  opts: ApplyOptions,
): Promise<{ outcome: ApplyOutcome; checkout: PaymentCheckout }> {
  return withTransaction(deps.db, async (tx) => {
    const first = await tx.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } });
    // The order lock first: every change of the order serializes on it (order-lock.ts), then the checkout as it is now.
    const order = await lockOrder(tx, first.tenantId, first.orderId);
    const checkout = await tx.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } });
    const ctx: TenantContext = { tenantId: checkout.tenantId, actor: { ...systemActor, label: `${checkout.provider} ${opts.source}` } };
    if (opts.webhookEvent) {
      await recordWebhookEvent(tx, { ...opts.webhookEvent, checkoutId: checkout.id, outcome: 'applied' });
    }

    if (checkout.state === 'PAID') {
      // Paid is final for the ledger: a late PENDING or APPROVED (out of order) changes nothing.
      return { outcome: 'already_paid', checkout };
    }

    if (state.notFound && state.paymentNotFound && moneyLostTrackOf(checkout)) {
      // Neither the checkout nor the payment it recorded is known to the provider: kept, it would block the order for
      // ever. Closed (FAILED) and the admins told once, here, to check the payment by hand.
      const updated = await tx.paymentCheckout.update({
        where: { id: checkout.id },
        data: {
          state: 'FAILED',
          providerStatus: 'RESOURCE_NOT_FOUND (order and payment unknown to the provider)',
          inFlightAt: inFlightAtFor(checkout, 'FAILED', deps.clock.now()),
        },
      });
      await announceCheckoutState(tx, deps.bus, checkout.state, updated);
      const alert: PaymentUnknownAtProviderPayload = {
        tenantId: checkout.tenantId,
        orderId: checkout.orderId,
        checkoutId: checkout.id,
        provider: checkout.provider,
        providerCheckoutId: checkout.providerCheckoutId ?? state.providerCheckoutId,
        ...(checkout.paymentReference ? { paymentReference: checkout.paymentReference } : {}),
        amountCents: checkout.amountCents,
        currency: checkout.currency,
      };
      await deps.bus.emit(tx, EVENTS.paymentUnknownAtProvider, alert, { jobKey: `payment-unknown:${checkout.id}` });
      deps.logger.warn(
        { checkoutId: checkout.id, orderId: checkout.orderId, source: opts.source },
        'money on its way unknown to the provider; checkout closed, admins told',
      );
      return { outcome: 'updated', checkout: updated };
    }

    if (state.state !== 'PAID' && notFoundKeeps(checkout, state)) {
      deps.logger.warn(
        { checkoutId: checkout.id, orderId: checkout.orderId, state: checkout.state, said: state.state, source: opts.source },
        'the provider has no record of a checkout that had money on its way or was closed; left as it is',
      );
      return { outcome: 'updated', checkout };
    }

    if (state.state !== 'PAID') {
      // A voided checkout stays voided (money may still arrive: then the PAID branch refunds it).
      const next = checkout.state === 'VOIDED' || (state.state === 'OPEN' && checkout.state !== 'CREATING') ? checkout.state : state.state;
      const updated = await tx.paymentCheckout.update({
        where: { id: checkout.id },
        data: {
          state: next,
          providerStatus: state.providerStatus.slice(0, 200),
          // The capture of money on its way: asked about by its id if the provider forgets the checkout (readOrder).
          ...(next === 'PENDING' && state.paymentReference && !checkout.paymentReference
            ? { paymentReference: state.paymentReference }
            : {}),
          inFlightAt: inFlightAtFor(checkout, next, deps.clock.now()),
        },
      });
      await announceCheckoutState(tx, deps.bus, checkout.state, updated);
      if (state.captureRefused && next === 'FAILED' && checkout.state !== 'FAILED')
        await recordCaptureRefused(tx, deps, ctx, updated, state.captureRefused, opts.source);
      return { outcome: 'updated', checkout: updated };
    }

    const paid = state.paidAmountCents ?? 0;
    const reason = whyNotApplicable(order, checkout, paid, state.currency);
    const paidCheckout = await tx.paymentCheckout.update({
      where: { id: checkout.id },
      data: {
        state: 'PAID',
        paidAmountCents: paid,
        paymentReference: state.paymentReference ?? null,
        providerStatus: state.providerStatus.slice(0, 200),
        // The cause as the order stands now, kept for the customer's DMs about this money, however late they go.
        ...(reason
          ? {
              unappliedAction: 'REFUND_PENDING',
              unappliedReason: reason.slice(0, 300),
              lateMoneyCause: await lateMoneyCause(tx, order, checkout),
            }
          : {}),
      },
    });
    await announceCheckoutState(tx, deps.bus, checkout.state, paidCheckout);

    if (reason) {
      await recordUnapplied(tx, deps, ctx, order, paidCheckout, reason, opts.source);
      return { outcome: 'unapplied', checkout: paidCheckout };
    }

    const open = await tx.payment.findFirst({
      where: { orderId: order.id, status: { in: ['pending', 'awaiting_admin_approval'] } },
      orderBy: { createdAt: 'desc' },
    });
    // Through the payments service's own confirmation: roles, receipt DM and the admin embed follow as for any payment.
    const result = await confirmLockedOrder(tx, deps, ctx, order, open?.id, { paidByCheckoutId: checkout.id });
    await tx.payment.update({
      where: { id: result.payment.id },
      data: { method: checkout.method, providerReference: state.paymentReference ?? null, currency: order.currency },
    });
    // Paid with the checkout's method, which may not be the one the order was placed with (a Venmo order paid on its
    // invoice page with PayPal): the order says how it was paid, as its receipts (the page, the DM) read it.
    if (order.paymentMethod !== checkout.method)
      await tx.order.update({ where: { id: order.id }, data: { paymentMethod: checkout.method } });
    await deps.audit.record(tx, ctx, {
      action: 'payment.checkout_paid',
      entityType: 'Order',
      entityId: order.id,
      after: {
        checkoutId: checkout.id,
        provider: checkout.provider,
        providerCheckoutId: checkout.providerCheckoutId,
        paymentReference: state.paymentReference,
        amountCents: paid,
        source: opts.source,
      },
    });
    return { outcome: 'paid', checkout: paidCheckout };
  });
}

async function recordUnapplied(
  tx: Tx,
  deps: AfterSaleDeps,
  ctx: TenantContext,
  order: Order,
  checkout: PaymentCheckout,
  reason: string,
  source: string,
): Promise<void> {
  const amountCents = checkout.paidAmountCents ?? 0;
  await deps.audit.record(tx, ctx, {
    action: UNAPPLIED_AUDIT.recorded,
    entityType: 'Order',
    entityId: order.id,
    after: {
      checkoutId: checkout.id,
      provider: checkout.provider,
      providerCheckoutId: checkout.providerCheckoutId,
      paymentReference: checkout.paymentReference,
      amountCents,
      reason,
      source,
      action: 'refunding through the provider',
    },
  });
  const alert: PaymentUnappliedPayload = {
    tenantId: order.tenantId,
    orderId: order.id,
    checkoutId: checkout.id,
    amountCents,
    currency: order.currency,
    reason,
    action: 'REFUNDING',
  };
  await deps.bus.emit(tx, EVENTS.paymentUnapplied, alert, { jobKey: `unapplied:${checkout.id}` });
  await announceLateMoneyReturning(tx, deps.bus, checkout.provider, {
    tenantId: order.tenantId,
    orderId: order.id,
    checkoutId: checkout.id,
    customerId: order.customerId,
    orderNumber: order.number,
    method: checkout.method,
    amountCents,
    currency: order.currency.trim(),
    cause: await keptLateMoneyCause(tx, order, checkout),
  });
  await enqueueJob(
    tx,
    UNAPPLIED_REFUND_TASK,
    { tenantId: order.tenantId, checkoutId: checkout.id },
    { jobKey: `unapplied-refund:${checkout.id}` },
  );
  deps.logger.warn(
    { orderId: order.id, checkoutId: checkout.id, amountCents, reason },
    'payment arrived that cannot pay the order; refunding it',
  );
}
