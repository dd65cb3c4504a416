// Runs the checkouts' reconciliation as the cron does: a payment:checkouts:reconcile job, taken and run by
// the test's worker; resolves once the job is done (graphile-worker deletes a job that succeeded), throws with
// its error if it failed.
import type { Db } from '../../../src/platform/db/prisma.js';
import { waitFor } from '../../helpers/wait-for.js';

export async function runReconcileJob(db: Db): Promise<void> {
  const [job] = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM graphile_worker.add_job('payment:checkouts:reconcile', '{}'::json, max_attempts => 1)`;
  const id = BigInt(job!.id);
  await waitFor('the reconciliation job to finish', async () => {
    const [row] = await db.$queryRaw<{ last_error: string | null }[]>`
      SELECT last_error FROM graphile_worker._private_jobs WHERE id = ${id}`;
    if (row?.last_error) throw new Error(`the reconciliation job failed: ${row.last_error}`);
    return !row;
  });
}
