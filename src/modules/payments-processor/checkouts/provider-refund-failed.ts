// The provider says a refund of a live order's payment FAILED (Square refund.updated FAILED, a PayPal refund FAILED
// or CANCELLED), learnt from its webhook or, the webhook lost, from a read of the payment's refunds
// (provider-refund-reads.ts: the refund sweep and the refund-time read). One rule for both: when the refund is ours
// (the refund job's `payment.refund_sent` names it) it is recorded as not returned and the admins are told
// (refund-failed-later.ts); when it is the refund of money that could not pay the order, that money is FLAGGED
// (unapplied-flagged.ts). Either at most once. A refund nothing of ours names (made in the dashboard) changes nothing.
// The caller holds the order's row lock and has written the provider's word (`payment.provider_refund`, FAILED).
import type { PaymentCheckout } from '../../../generated/prisma/index.js';
import type { Tx } from '../../../platform/db/prisma.js';
import type { AfterSaleDeps } from '../../orders/index.js';
import type { TenantContext } from '../../shared/actor.js';
import { PROCESSOR_REFUND_AUDIT } from '../processor-refund.task.js';
import { recordRefundFailedLater, refundFailedError } from './refund-failed-later.js';
import { flagUnappliedRefundFailed } from './unapplied-flagged.js';

/** True when a failure was recorded now (a refund of ours, or unapplied money flagged). */
export async function providerRefundFailed(
  tx: Tx,
  deps: Pick<AfterSaleDeps, 'audit' | 'bus' | 'logger'>,
  ctx: TenantContext,
  checkout: PaymentCheckout,
  refund: { providerRefundId: string; amountCents?: number | null; currency: string; source: string },
): Promise<boolean> {
  const error = refundFailedError(checkout.provider, refund.providerRefundId, refund.source);
  const sent = await tx.auditLog.findFirst({
    where: {
      tenantId: checkout.tenantId,
      entityType: 'Order',
      entityId: checkout.orderId,
      action: PROCESSOR_REFUND_AUDIT.sent,
      after: { path: ['providerRefundId'], equals: refund.providerRefundId },
    },
  });
  const refundId = (sent?.after as { refundId?: string } | null)?.refundId;
  if (refundId) {
    return recordRefundFailedLater(tx, deps, ctx, {
      tenantId: checkout.tenantId,
      orderId: checkout.orderId,
      refundId,
      providerRefundId: refund.providerRefundId,
      amountCents: refund.amountCents ?? 0,
      currency: refund.currency,
      error,
    });
  }
  // Or the refund of money that could not pay the order (refundUnapplied): flagged for an admin instead.
  return flagUnappliedRefundFailed(tx, deps, checkout.id, ctx, refund.providerRefundId, error);
}
