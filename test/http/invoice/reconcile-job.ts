// Runs the checkouts' reconciliation (or another cron task) as the cron does: a payment:checkouts:reconcile job, taken and run by
// the test's worker; resolves once the job is done (graphile-worker deletes a job that succeeded), throws with
// its error if it failed. And what a run would take now (dueForReconcile), in its order; which PayPal orders a run read
// (payPalReadsDuring); and the database's clock as a run's claim dates a checkout (databaseClockAsStored).
import type { FakePayPal } from '../../../src/dev/fakes/fake-paypal.js';
import { openCheckoutsDueReconcile } from '../../../src/modules/payments-processor/checkouts/reconcile-reads.js';
import type { Clock } from '../../../src/platform/clock.js';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import type { Db } from '../../../src/platform/db/prisma.js';
import { waitFor } from '../../helpers/wait-for.js';

export async function runReconcileJob(db: Db): Promise<void> {
  await runCronJob(db, 'payment:checkouts:reconcile');
}

/** Any task the crontab runs (the refund sweep's payment:checkouts:refund_sweep too), the same way. */
export async function runCronJob(db: Db, task: string): Promise<void> {
  const [job] = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM graphile_worker.add_job(${task}, '{}'::json, max_attempts => 1)`;
  const id = BigInt(job!.id);
  await waitFor(`the ${task} job to finish`, async () => {
    const [row] = await db.$queryRaw<{ last_error: string | null }[]>`
      SELECT last_error FROM graphile_worker._private_jobs WHERE id = ${id}`;
    if (row?.last_error) throw new Error(`the ${task} job failed: ${row.last_error}`);
    return !row;
  });
}

/**
 * The open checkouts a reconciliation run on `clock` would take now, at most `limit`, in its order (ids): its
 * selection (openCheckoutsDueReconcile) with the run's 5 minutes, every open checkout older than that due.
 */
export async function dueForReconcile(db: Db, clock: Clock, limit: number): Promise<string[]> {
  const open = await openCheckoutsDueReconcile(
    db,
    { cutoff: new Date(clock.now().getTime() - 5 * 60_000), dbNow: await databaseNow(db) },
    limit,
  );
  return open.map((c) => c.id);
}

/** The PayPal orders `run` read (GET /v2/checkout/orders/{id}) at `paypal`, among `paypalOrderIds`, in the order it read them. */
export async function payPalReadsDuring(paypal: FakePayPal, paypalOrderIds: string[], run: () => Promise<unknown>): Promise<string[]> {
  const from = paypal.requests.length;
  await run();
  return paypal.requests
    .slice(from)
    .filter((r) => r.method === 'GET')
    .map((r) => /^\/v2\/checkout\/orders\/([^/]+)$/.exec(r.path)?.[1])
    .filter((id): id is string => !!id && paypalOrderIds.includes(id));
}

/**
 * The database's clock now (clock_timestamp(), which dates a run's claim: reconcile-reads.ts), as the claim's column
 * stores it (a UTC timestamp to the millisecond, rounded): read before and after a claim, the two bound the claim's
 * stored date exactly, as the rounding keeps their order.
 */
export async function databaseClockAsStored(db: Db): Promise<Date> {
  const [{ now }] = await db.$queryRaw<[{ now: Date }]>`SELECT (clock_timestamp() AT TIME ZONE 'UTC')::timestamp(3) AS now`;
  return now;
}
