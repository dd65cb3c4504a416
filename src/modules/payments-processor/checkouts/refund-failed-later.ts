// A refund the provider took and later failed (Square refund.updated FAILED, a PayPal refund webhook whose refund
// is FAILED or CANCELLED): the money did not go back. Two things must meet for us to know it is ours: the
// provider's word (the webhook, written on the order's audit trail as `payment.provider_refund` with state FAILED)
// and our record of the refund (the job's `payment.refund_sent`, or the unapplied-money refund's
// `payment.unapplied_refunded`, naming the provider's refund id). Either can come first: the provider answers
// the refund call and sends the webhook at once, and the job's transaction may commit after the webhook's. So
// both writers take the same row lock (the order's; a deleted order's kept checkout) and the second one to
// commit acts: the webhook finding our record, or the job finding the provider's word. Once, whichever: the
// failure is recorded only if it is not already (docs/decisions/processor-refunds.md).
import type { Tx } from '../../../platform/db/prisma.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import type { TenantContext } from '../../shared/actor.js';
import { EVENTS, type RefundFailedPayload, type RefundProcessorOutcomePayload } from '../../shared/events.js';
import { PROCESSOR_REFUND_AUDIT } from '../processor-refund.task.js';

/** The audit action a refund webhook writes on the order (a reversal writes `payment.reversed_by_provider`). */
export const PROVIDER_REFUND_AUDIT = 'payment.provider_refund';

/** What the admins and the audit trail read: which provider said which refund failed, in which event. */
export const refundFailedError = (provider: string, providerRefundId: string, eventType: string): string =>
  `${provider} reported refund ${providerRefundId} as failed (${eventType})`;

/**
 * The provider's word that this refund FAILED, as a webhook recorded it on the order's audit trail (the order
 * may be a deleted one: its id stays on the trail). Null when no such event came. A FAILED refund never
 * completes afterwards (Square and PayPal both end a refund in one of COMPLETED or FAILED), so a COMPLETED
 * event recorded beside it changes nothing. Reversals are not refunds of ours and are never read here.
 */
export async function failureReportedByProvider(
  tx: Tx,
  where: { tenantId: string; orderId: string },
  providerRefundId: string,
): Promise<{ type: string; amountCents: number | null } | null> {
  const entries = await tx.auditLog.findMany({
    where: {
      tenantId: where.tenantId,
      entityType: 'Order',
      entityId: where.orderId,
      action: PROVIDER_REFUND_AUDIT,
      after: { path: ['providerRefundId'], equals: providerRefundId },
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { after: true },
  });
  const failed = entries
    .map((e) => (e.after ?? {}) as { state?: string; type?: string; amountCents?: number | null })
    .find((a) => a.state === 'FAILED');
  return failed ? { type: failed.type ?? 'refund webhook', amountCents: failed.amountCents ?? null } : null;
}

export interface RefundFailedLater {
  tenantId: string;
  orderId: string;
  /** Our refund (refunds.id) the provider's refund returned. */
  refundId: string;
  providerRefundId: string;
  amountCents: number;
  currency: string;
  error: string;
}

/**
 * Records our refund as not returned by the processor (`payment.refund_failed`, permanent) and tells the admins
 * (`refund.processor_failed`: "return it another way"), as for a refund the provider refused at once. The order
 * and the refund stay as they are: Ledgerline's books show the order refunded, the money goes back by hand.
 * The caller holds the order's row lock; a refund already recorded as refused for good is left alone (a second
 * FAILED event, or the webhook and the job both finding the other), so the admins are told once. True when
 * recorded now.
 */
export async function recordRefundFailedLater(
  tx: Tx,
  deps: Pick<AfterSaleDeps, 'audit' | 'bus' | 'logger'>,
  ctx: TenantContext,
  failure: RefundFailedLater,
): Promise<boolean> {
  const recorded = await tx.auditLog.findMany({
    where: {
      tenantId: failure.tenantId,
      entityType: 'Order',
      entityId: failure.orderId,
      action: PROCESSOR_REFUND_AUDIT.failed,
      after: { path: ['refundId'], equals: failure.refundId },
    },
    select: { after: true },
  });
  if (recorded.some((e) => (e.after as { permanent?: boolean } | null)?.permanent === true)) return false;
  await deps.audit.record(tx, ctx, {
    action: PROCESSOR_REFUND_AUDIT.failed,
    entityType: 'Order',
    entityId: failure.orderId,
    after: {
      refundId: failure.refundId,
      providerRefundId: failure.providerRefundId,
      amountCents: failure.amountCents,
      currency: failure.currency,
      error: failure.error,
      permanent: true,
      action: 'The money was NOT returned by the processor: return it to the customer another way.',
    },
  });
  const alert: RefundFailedPayload = {
    tenantId: failure.tenantId,
    orderId: failure.orderId,
    refundId: failure.refundId,
    amountCents: failure.amountCents,
    currency: failure.currency,
    error: failure.error,
    permanent: true,
  };
  await deps.bus.emit(tx, EVENTS.refundFailed, alert, { jobKey: `refund-failed:${failure.refundId}` });
  // The order's admin post stops counting it as returned (processor-refund-outcome.query.ts).
  const outcome: RefundProcessorOutcomePayload = { tenantId: failure.tenantId, orderId: failure.orderId, refundId: failure.refundId };
  await deps.bus.emit(tx, EVENTS.refundProcessorOutcome, outcome, { jobKey: `refund-outcome:${failure.refundId}` });
  deps.logger.warn(
    { tenantId: failure.tenantId, orderId: failure.orderId, refundId: failure.refundId, providerRefundId: failure.providerRefundId },
    'a refund the processor took failed later; recorded on the order (payment.refund_failed), return the money by hand',
  );
  return true;
}
