// What became of each refund the processor sends (payment.refund.send), as the order page's "Money back" and the
// order's admin post say it: read from the order's audit trail, where the refund job (and a provider's later FAILED
// event) records it. A failure stands unless a "sent" entry comes strictly after it (the shop refunded the refused
// refund at the provider itself: outside-refund.ts): a refund taken and failed later (checkouts/refund-failed-later.ts,
// possibly in the same transaction as its "sent") reads as failed.
//
// A processor-sent refund with no entry yet is being sent only while its job is still waiting or retrying: the refund's
// own transaction enqueues it, and every run that ends records an entry (or throws to be retried). With neither an
// entry nor a job waiting, nothing is sending it and nothing recorded what became of it (a refund made before the
// refund job existed, 2026-11-24, or a job removed by hand): UNRECORDED, so the admins check at the processor instead
// of reading "being sent" for ever, or "sent" for money Ledgerline never sent.
//
// The reads go in the order a job's end is written, so a job ending between them is never read as neither: the
// refunds, then which of their jobs are still waiting, then the audit trail. The job's run commits its entry before
// graphile-worker deletes its row, and a refund's job commits with the refund; a job gone at the second read has its
// entry in the third. Read the other way round (the trail first, then the jobs: before 2026-12-07), a job ending in
// between read as UNRECORDED, "no record of the processor sending it", on the order page and on an admin post drawn
// at that moment. One case no order of reads helps: a last attempt still running on an instance whose lock the
// liveness sweep cleared (platform/jobs/worker-liveness.ts) reads UNRECORDED until that attempt records its entry.
import { Prisma, type Db, type Tx } from '../../platform/db/prisma.js';
import { jobWaitingSql } from '../../platform/jobs/job-waiting.js';
import { moneyReturnFor, PROCESSOR_REFUND_AUDIT, PROCESSOR_REFUND_TASK, processorCentsOf } from './processor-refund.task.js';

/**
 * BEING_SENT: its job is waiting or retrying; SENT: the processor took it; CLAIM_SENT: a BTCPay claim link went to the
 * customer; FAILED: not returned; UNRECORDED: no job and no outcome recorded (see above).
 */
export type ProcessorRefundOutcome = 'BEING_SENT' | 'SENT' | 'CLAIM_SENT' | 'FAILED' | 'UNRECORDED';

/**
 * Where the processor's part of each of the order's refunds stands, by refund id. A refund the processor sends none
 * of (returned wholly by hand, or made at the provider: externalRefundId) has no entry. Read with the client or inside
 * the caller's transaction (the order delete's guard, under the order's row lock).
 */
export async function processorRefundOutcomes(
  db: Db | Tx,
  tenantId: string,
  orderId: string,
): Promise<Map<string, ProcessorRefundOutcome>> {
  const refunds = (
    await db.refund.findMany({
      where: { tenantId, orderId, externalRefundId: null },
      select: {
        id: true,
        amountCents: true,
        manualReturnMethod: true,
        manualReturnCents: true,
        payment: { select: { method: true, providerReference: true } },
      },
    })
  ).filter((r) => moneyReturnFor(r.payment) === 'processor' && processorCentsOf(r) > 0);
  const outcomes = new Map<string, ProcessorRefundOutcome>();
  if (!refunds.length) return outcomes;
  const waiting = await refundJobsWaiting(
    db,
    refunds.map((r) => r.id),
  );
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
  for (const r of refunds) {
    const seen = latest.get(r.id);
    if (!seen) outcomes.set(r.id, waiting.has(r.id) ? 'BEING_SENT' : 'UNRECORDED');
    else if (seen.sent && (seen.failedAt === undefined || seen.sent.at > seen.failedAt))
      outcomes.set(r.id, seen.sent.claim ? 'CLAIM_SENT' : 'SENT');
    else outcomes.set(r.id, 'FAILED');
  }
  return outcomes;
}

/**
 * Which of these refunds still have a payment.refund.send job waiting, retrying or running (its last attempt too:
 * graphile-worker counts an attempt when it takes the job), not one that ran out of attempts.
 */
async function refundJobsWaiting(db: Db | Tx, refundIds: readonly string[]): Promise<Set<string>> {
  // "Still to run" is platform/jobs/job-waiting.ts's rule (it reads graphile-worker's own tables), one refund at a time.
  const rows = await db.$queryRaw<{ refundId: string }[]>`
    SELECT r.id AS "refundId" FROM unnest(${[...refundIds]}::text[]) AS r(id)
    WHERE ${jobWaitingSql(PROCESSOR_REFUND_TASK, 'refundId', Prisma.sql`r.id`)}`;
  return new Set(rows.map((r) => r.refundId));
}
