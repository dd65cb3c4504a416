// Whether a job is still to run: waiting, retrying or running (its last attempt too: graphile-worker counts an attempt
// when it takes the job), not done (its row deleted) and not one that ran out of attempts. graphile-worker's jobs view
// leaves the payload out, so this reads its own tables, as graphile-worker (0.16 and later) lays them out: the one
// place outside the worker's own plumbing that does, for whatever says "being sent" only while something is (a
// processor refund's outcome: payments-processor/processor-refund-outcome.query.ts; a receipt DM's state:
// notifications/receipt-dm-state.ts).
import { Prisma } from '../../generated/prisma/index.js';

/**
 * An SQL boolean: a job of task `task` whose payload's `field` equals `value` (a text SQL expression) is still to run.
 * For an event subscriber's job, `task` is `event>subscriber` (queue.ts).
 */
export function jobWaitingSql(task: string, field: string, value: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = ${task} AND (j.attempts < j.max_attempts OR j.locked_at IS NOT NULL) AND j.payload->>${field} = ${value})`;
}
