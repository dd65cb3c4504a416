// Where each BTCPay refund of an order stands (refund-claims.ts): sent as a claim link and not claimed yet,
// claimed and waiting for the shop's approval or payment in BTCPay, paid out, or cancelled. Read from the
// order's audit trail: the refund job's payment.refund_sent (CLAIM_SENT) and the latest payment.refund_claim
// of its pull payment.
import type { Db } from '../../../platform/db/prisma.js';
import { PROCESSOR_REFUND_AUDIT } from '../processor-refund.task.js';
import { REFUND_CLAIM_AUDIT } from './refund-claims.js';

export type RefundClaimState = 'Unclaimed' | 'AwaitingApproval' | 'AwaitingPayment' | 'InProgress' | 'Completed' | 'Cancelled';

export interface RefundClaim {
  refundId: string;
  pullPaymentId: string;
  amountCents: number;
  currency: string;
  state: RefundClaimState;
  /** Unclaimed: the claim will need the shop's approval in BTCPay. */
  awaitsApproval: boolean;
  /** BTCPay's page of the pull payment's payouts. */
  adminUrl: string | null;
  at: Date;
}

export async function refundClaims(db: Db, tenantId: string, orderId: string): Promise<RefundClaim[]> {
  const entries = await db.auditLog.findMany({
    where: { tenantId, entityType: 'Order', entityId: orderId, action: { in: [PROCESSOR_REFUND_AUDIT.sent, REFUND_CLAIM_AUDIT] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { action: true, after: true, createdAt: true },
  });
  const claims = new Map<string, RefundClaim>();
  for (const e of entries) {
    const a = (e.after ?? {}) as Record<string, unknown>;
    if (e.action === PROCESSOR_REFUND_AUDIT.sent && a.refundState === 'CLAIM_SENT' && typeof a.providerRefundId === 'string') {
      claims.set(a.providerRefundId, {
        refundId: String(a.refundId ?? ''),
        pullPaymentId: a.providerRefundId,
        amountCents: typeof a.amountCents === 'number' ? a.amountCents : 0,
        currency: typeof a.currency === 'string' ? a.currency : 'USD',
        state: 'Unclaimed',
        awaitsApproval: a.awaitsApproval === true,
        adminUrl: typeof a.adminUrl === 'string' ? a.adminUrl : null,
        at: e.createdAt,
      });
    } else if (e.action === REFUND_CLAIM_AUDIT && typeof a.pullPaymentId === 'string') {
      const claim = claims.get(a.pullPaymentId);
      if (!claim) continue;
      claim.state = a.state as RefundClaimState;
      claim.adminUrl = typeof a.adminUrl === 'string' ? a.adminUrl : claim.adminUrl;
      claim.at = e.createdAt;
    }
  }
  return [...claims.values()];
}
