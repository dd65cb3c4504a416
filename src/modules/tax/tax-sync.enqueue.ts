// tax.transactions.sync: brings what TaxJar holds for one order in line with the order (tax-sync.job.ts).
// Enqueued in the transaction of every change TaxJar must hear about (paid, refunded, cancelled, deleted),
// so the report exists exactly when the change committed. One job per order at a time: the job key merges
// a pending job with a new request (the job reads the order when it runs, so nothing is lost) and the
// queue name runs one order's syncs one after the other. Only for shops with TaxJar on, or with
// transactions already filed for the order (they must still be removed if it goes away).
import { z } from 'zod';
import { Prisma } from '../../platform/db/prisma.js';
import { executeSql, type SqlTarget } from '../../platform/db/sql.js';

export const TAX_SYNC_TASK = 'tax.transactions.sync';
export const taxSyncPayload = z.object({ tenantId: z.string(), orderId: z.string() });
export type TaxSyncPayload = z.infer<typeof taxSyncPayload>;

/** A TaxJar outage delays a report by up to a day or so of backoff before the job gives up (then: the jobs page). */
export const TAX_SYNC_MAX_ATTEMPTS = 20;

export async function enqueueTaxSync(tx: SqlTarget, tenantId: string, orderId: string): Promise<void> {
  const payload: TaxSyncPayload = { tenantId, orderId };
  await executeSql(
    tx,
    Prisma.sql`SELECT graphile_worker.add_job(
      ${TAX_SYNC_TASK}::text,
      ${JSON.stringify(payload)}::json,
      queue_name => ${`tax:${orderId}`}::text,
      max_attempts => ${TAX_SYNC_MAX_ATTEMPTS}::int,
      job_key => ${`tax-sync:${orderId}`}::text
    )
    FROM tenants t
    WHERE t.id = ${tenantId}
      AND ((t."taxjarEnabled" AND t."taxjarApiKey" IS NOT NULL)
        OR EXISTS (SELECT 1 FROM tax_transactions x WHERE x."tenantId" = ${tenantId} AND x."orderId" = ${orderId} AND x."removedAt" IS NULL))`,
  );
}
