// Where a refund's processor part stands (processorRefundOutcomes) while its payment.refund.send job ends. The read
// took the order's audit trail first and the jobs still waiting after: a job that ended between the two (its "sent"
// entry committed after the trail was read, its row deleted before the jobs were) read as UNRECORDED, "No record of
// the payment processor sending it: check the payment at the processor", on the order page and on an admin post drawn
// then. The CI of 2026-12-07 saw it once in refund-money-back.test.ts. Here the real job ends (PayPal's held refund
// answer released, the worker records it and deletes the job) right after each of the reads in turn.
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../../src/platform/db/prisma.js';
import { jobWaitingSql } from '../../../src/platform/jobs/job-waiting.js';
import { processorRefundOutcomes } from '../../../src/modules/payments-processor/processor-refund-outcome.query.js';
import { PROCESSOR_REFUND_TASK } from '../../../src/modules/payments-processor/processor-refund.task.js';
import { adminCtx } from '../../helpers/actors.js';
import { runningBetweenReads } from '../../helpers/between-reads.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from '../../http/invoice/invoice-fixtures.js';
import { usePayPalApp } from '../../http/invoice/paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
// The held answer must not time out (the 10 s default) on a busy machine: the attempt would be retried later.
const { env, paidPayPalOrder } = usePayPalApp(clock, { PROVIDER_TIMEOUT_MS: '60000' });

/** Whether the refund's job is still to run, by the rule the outcome reads (platform/jobs/job-waiting.ts). */
async function jobWaiting(refundId: string): Promise<boolean> {
  const [row] = await db.$queryRaw<{ waiting: boolean }[]>(
    Prisma.sql`SELECT ${jobWaitingSql(PROCESSOR_REFUND_TASK, 'refundId', Prisma.sql`${refundId}::text`)} AS waiting`,
  );
  return row?.waiting ?? false;
}

describe('a refund whose job ends while its outcome is read', () => {
  // After the refunds: the job is gone and its entry there. After the jobs: it was waiting, and its entry is there
  // by the trail's read. After the trail: it was waiting, nothing recorded yet.
  it.each([
    [1, 'SENT'],
    [2, 'SENT'],
    [3, 'BEING_SENT'],
  ] as const)('ending after read %i reads as %s, never UNRECORDED', async (n, expected) => {
    const shop = await paidPayPalOrder();
    const release = env.paypal.holdNextRefundAnswer();
    let released = false;
    try {
      const refund = await env.t.services.refunds.refund(adminCtx(shop.tenant.id), shop.order.id, { amountCents: 1000 });
      const refundId = refund.refund.id;
      // The job is running, held on PayPal's answer to its refund request.
      await waitFor('the refund asked of PayPal', () => env.paypal.refundRequests(shop.captureId).length > 0 || undefined);
      const ends = async () => {
        released = true;
        release();
        await waitFor('the refund job done', async () => !(await jobWaiting(refundId)) || undefined);
      };
      const outcomes = await processorRefundOutcomes(
        runningBetweenReads(db, ['refund', 'auditLog'], n, ends),
        shop.tenant.id,
        shop.order.id,
      );
      expect(released).toBe(true);
      expect(outcomes.get(refundId)).toBe(expected);
      // Read again once it ended: sent.
      expect((await processorRefundOutcomes(db, shop.tenant.id, shop.order.id)).get(refundId)).toBe('SENT');
    } finally {
      if (!released) release();
    }
  });
});
