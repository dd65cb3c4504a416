// What became of each refund the processor sends (payment.refund.send), as the order page's "Money back" says it:
// read from the order's audit trail, where the refund job (and a provider's later FAILED event) records it. A
// processor-sent refund with no entry yet is still being sent. A failure stands unless a "sent" entry comes strictly
// after it (the shop refunded the refused refund at the provider itself: outside-refund.ts): a refund taken and
// failed later (checkouts/refund-failed-later.ts, possibly in the same transaction as its "sent") reads as failed.
import type { Db } from '../../platform/db/prisma.js';
import { PROCESSOR_REFUND_AUDIT } from './processor-refund.task.js';

/** SENT: the processor took it; CLAIM_SENT: a BTCPay claim link went to the customer; FAILED: not returned. */
export type ProcessorRefundOutcome = 'SENT' | 'CLAIM_SENT' | 'FAILED';

export async function processorRefundOutcomes(db: Db, tenantId: string, orderId: string): Promise<Map<string, ProcessorRefundOutcome>> {
  const entries = await db.auditLog.findMany({
    where: {
      tenantId,
      entityType: 'Order',
      entityId: orderId,
      action: { in: [PROCESSOR_REFUND_AUDIT.sent, PROCESSOR_REFUND_AUDIT.failed] },
    },
    select: { action: true, after: true, createdAt: true },
  });
  const latest = new Map<string, { sent?: { at: number; claim: boolean }; failedAt?: number }>();
  for (const e of entries) {
    const after = (e.after ?? {}) as { refundId?: unknown; refundState?: unknown };
    if (typeof after.refundId !== 'string') continue;
    const seen = latest.get(after.refundId) ?? {};
    const at = e.createdAt.getTime();
    if (e.action === PROCESSOR_REFUND_AUDIT.failed) seen.failedAt = Math.max(seen.failedAt ?? at, at);
    else if (!seen.sent || at >= seen.sent.at) seen.sent = { at, claim: after.refundState === 'CLAIM_SENT' };
    latest.set(after.refundId, seen);
  }
  const outcomes = new Map<string, ProcessorRefundOutcome>();
  for (const [refundId, { sent, failedAt }] of latest) {
    if (sent && (failedAt === undefined || sent.at > failedAt)) outcomes.set(refundId, sent.claim ? 'CLAIM_SENT' : 'SENT');
    else outcomes.set(refundId, 'FAILED');
  }
  return outcomes;
}
