// A provider's refund webhook (PayPal PAYMENT.CAPTURE.REFUNDED, Square refund.updated) for a refund that no
// refund of ours explains: the shop refunded in the provider's own dashboard. It is recorded as a Refund of
// the order (refunds/provider-refund.command.ts) when the checkout's money paid the order, and the admins are
// told, in the webhook's transaction, under the order's row lock (taken first, so a Ledgerline refund of the
// same order runs wholly before or after: each sees the other's share).
import type { PaymentCheckout } from '../../../generated/prisma/index.js';
import type { Tx } from '../../../platform/db/prisma.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import { lockOrder } from '../../orders/index.js';
import { recordRefundMadeAtProvider } from '../../refunds/provider-refund.command.js';
import type { TenantContext } from '../../shared/actor.js';
import { EVENTS, type RefundMadeAtProviderPayload, type RefundProcessorOutcomePayload } from '../../shared/events.js';
import { PROCESSOR_REFUND_AUDIT } from '../processor-refund.task.js';
import type { ProviderWebhookEvent } from '../providers/provider.port.js';
import { UNAPPLIED_AUDIT, unappliedRefundKey } from './checkout-ledger.js';

type ProviderRefundEvent = NonNullable<ProviderWebhookEvent['refund']>;

const WHERE: Record<PaymentCheckout['provider'], string> = {
  PAYPAL: "PayPal's dashboard",
  SQUARE: "Square's dashboard",
  BTCPAY: 'BTCPay Server',
};

/**
 * True when no refund of ours explains this provider refund. A refund is ours only when it names itself so:
 * the provider echoes the key we sent with it (`ourKey`: our refund's id, or the unapplied-money refund's key;
 * PayPal custom_id, Square the reason's mark), or a refund job / unapplied-money refund recorded its id. A
 * refund of ours still on its way no longer makes every refund of the order ours: a dashboard refund arriving
 * meanwhile was taken for it and never recorded (docs/decisions/processor-refunds.md).
 */
export async function refundedOutsideLedgerline(
  tx: Tx,
  checkout: PaymentCheckout,
  refund: Pick<ProviderRefundEvent, 'providerRefundId' | 'ourKey'>,
): Promise<boolean> {
  if (refund.ourKey) {
    if (refund.ourKey === unappliedRefundKey(checkout.id)) return false;
    const ours = await tx.refund.count({ where: { id: refund.ourKey, tenantId: checkout.tenantId, orderId: checkout.orderId } });
    if (ours > 0) return false;
  }
  const named = await tx.auditLog.count({
    where: {
      tenantId: checkout.tenantId,
      entityType: 'Order',
      entityId: checkout.orderId,
      action: { in: [PROCESSOR_REFUND_AUDIT.sent, UNAPPLIED_AUDIT.refunded] },
      after: { path: ['providerRefundId'], equals: refund.providerRefundId },
    },
  });
  return named === 0;
}

/**
 * The oldest refund of the order whose processor part the provider refused for exactly this amount: the money the
 * admins were told to return another way. Refused: a `payment.refund_failed` (refused at once, given up after the
 * last attempt, or taken and failed later, which names the provider's refund) and no `payment.refund_sent` whose
 * money is still back (one naming a provider refund that a failure names is not: refund-failed-later.ts).
 */
async function refusedRefundFor(tx: Tx, checkout: PaymentCheckout, amountCents: number): Promise<string | null> {
  const entries = await tx.auditLog.findMany({
    where: {
      tenantId: checkout.tenantId,
      entityType: 'Order',
      entityId: checkout.orderId,
      action: { in: [PROCESSOR_REFUND_AUDIT.sent, PROCESSOR_REFUND_AUDIT.failed] },
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { action: true, after: true },
  });
  const after = (e: { after: unknown }) => (e.after ?? {}) as { refundId?: string; amountCents?: number; providerRefundId?: string | null };
  const failedLater = new Set(
    entries
      .filter((e) => e.action === PROCESSOR_REFUND_AUDIT.failed && after(e).providerRefundId)
      .map((e) => `${after(e).refundId}|${after(e).providerRefundId}`),
  );
  const moneyBack = new Set(
    entries
      .filter((e) => e.action === PROCESSOR_REFUND_AUDIT.sent && !failedLater.has(`${after(e).refundId}|${after(e).providerRefundId}`))
      .map((e) => after(e).refundId),
  );
  const refused = entries.find(
    (e) => e.action === PROCESSOR_REFUND_AUDIT.failed && !moneyBack.has(after(e).refundId) && after(e).amountCents === amountCents,
  );
  return refused ? (after(refused).refundId ?? null) : null;
}

/**
 * A COMPLETED provider refund: when it was made outside Ledgerline, recorded as a Refund of the order (if the
 * checkout's money paid it; money that could not pay the order is no refund of it) and announced
 * (refund.made_at_provider, one alert per provider refund). Returns what was done, for the webhook's answer.
 */
export async function handleRefundMadeAtProvider(
  tx: Tx,
  deps: AfterSaleDeps,
  ctx: TenantContext,
  checkout: PaymentCheckout,
  refund: ProviderRefundEvent,
): Promise<'ours' | 'recorded' | 'duplicate' | 'announced'> {
  const order = await lockOrder(tx, checkout.tenantId, checkout.orderId);
  if (!(await refundedOutsideLedgerline(tx, checkout, refund))) return 'ours';
  const amountCents = refund.amountCents ?? 0;
  const alert: RefundMadeAtProviderPayload = {
    tenantId: checkout.tenantId,
    orderId: checkout.orderId,
    provider: checkout.provider,
    providerRefundId: refund.providerRefundId,
    amountCents,
    currency: order.currency,
  };
  if (checkout.unappliedAction === 'FLAGGED' && amountCents >= (checkout.paidAmountCents ?? 0)) {
    // Money that could not pay the order, which the provider refused to refund for us: the shop refunded it in
    // its dashboard. The order page's "return it by hand" becomes "refunded", so nobody returns it twice.
    await tx.paymentCheckout.update({ where: { id: checkout.id }, data: { unappliedAction: 'REFUND_SENT' } });
    await deps.audit.record(tx, ctx, {
      action: UNAPPLIED_AUDIT.refunded,
      entityType: 'Order',
      entityId: checkout.orderId,
      after: {
        checkoutId: checkout.id,
        amountCents,
        providerRefundId: refund.providerRefundId,
        providerStatus: `refunded in ${WHERE[checkout.provider]} outside Ledgerline`,
      },
    });
    alert.why = 'it returned money that could not pay the order, which the order page now shows as refunded';
    await deps.bus.emit(tx, EVENTS.refundMadeAtProvider, alert, { jobKey: `provider-refund:${refund.providerRefundId}` });
    return 'announced';
  }
  const refused = checkout.unappliedAction === null ? await refusedRefundFor(tx, checkout, amountCents) : null;
  if (refused) {
    // A refund of ours the processor refused ("return it another way"), returned in the dashboard: that refund's
    // money is back. Recorded as sent (so nothing re-sends it), not as a second refund of the order.
    await deps.audit.record(tx, ctx, {
      action: PROCESSOR_REFUND_AUDIT.sent,
      entityType: 'Order',
      entityId: checkout.orderId,
      after: {
        refundId: refused,
        provider: checkout.provider,
        paymentReference: refund.paymentReference ?? null,
        amountCents,
        currency: order.currency.trim(),
        providerRefundId: refund.providerRefundId,
        providerStatus: `refunded in ${WHERE[checkout.provider]} outside Ledgerline`,
        refundState: 'COMPLETED',
        note: 'The processor had refused this refund; the shop returned it at the provider.',
      },
    });
    alert.refundId = refused;
    alert.returnsRefused = true;
    await deps.bus.emit(tx, EVENTS.refundMadeAtProvider, alert, { jobKey: `provider-refund:${refund.providerRefundId}` });
    // The order's admin post counts the refused refund as returned now (processor-refund-outcome.query.ts).
    const outcome: RefundProcessorOutcomePayload = { tenantId: checkout.tenantId, orderId: checkout.orderId, refundId: refused };
    await deps.bus.emit(tx, EVENTS.refundProcessorOutcome, outcome, { jobKey: `refund-outcome:${refused}` });
    return 'recorded';
  }
  const recorded =
    checkout.unappliedAction === null && refund.paymentReference
      ? await recordRefundMadeAtProvider(tx, deps, ctx, {
          orderId: checkout.orderId,
          paymentReference: refund.paymentReference,
          providerRefundId: refund.providerRefundId,
          amountCents,
          where: WHERE[checkout.provider],
        })
      : ({ outcome: 'not_recorded', why: 'the money it returns never paid the order (it was money the order could not use)' } as const);
  if (recorded.outcome === 'duplicate') return 'duplicate';
  if (recorded.outcome === 'recorded') {
    alert.refundId = recorded.refund.id;
    alert.mode = recorded.refund.mode === 'FULL' ? 'FULL' : 'PARTIAL_AMOUNT';
    if (recorded.excessCents > 0) alert.excessCents = recorded.excessCents;
  } else {
    alert.why = recorded.why;
  }
  await deps.bus.emit(tx, EVENTS.refundMadeAtProvider, alert, { jobKey: `provider-refund:${refund.providerRefundId}` });
  return recorded.outcome === 'recorded' ? 'recorded' : 'announced';
}
