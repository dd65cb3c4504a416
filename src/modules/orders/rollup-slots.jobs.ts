// The dashboard's rollups (docs/decisions/dashboard-rollups.md) folded down once a day. The order triggers write
// each change into the row of the writing connection's slot (its pid modulo 16), so concurrent checkouts of one
// shop never wait on one row; a busy shop's bucket can so have up to 16 rows. Once a bucket is past its busy
// time nothing needs the slots any more: its rows are summed into slot 0 and rows left at zero are deleted, so
// a dashboard visit reads at most one row per bucket and status of its past (the 30 days' quarter hours: 2,880
// per status and currency, not 16 times as many).
//
// Totals never change: rows move from the slots to slot 0 in one statement. A bucket an order write touches
// meanwhile simply gets a row in its slot again. Each batch reads the table through (no index on the slot),
// once a day. The fold takes only rows no one holds (SKIP LOCKED), and gives
// up on a row lock after LOCK_WAIT_MS instead of making a checkout or a refund wait on it, or lose a deadlock
// to it: what it could not fold is folded the next day.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { Prisma } from '../../platform/db/prisma.js';
import { hasErrorCode } from '../../platform/db/db-faults.js';
import type { SqlClient, TxRunner } from '../../platform/db/sql.js';
import type { EventBus } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logger.js';

/** No dot: crontab task names cannot have one. */
export const ROLLUP_FOLD_TASK = 'order_rollups_fold';
/** Daily at 03:40 UTC (after housekeeping's prune at 03:30). */
export const ROLLUP_FOLD_SCHEDULE = '40 3 * * *';
/** Buckets that ended this long ago are folded. */
export const FOLD_AFTER_MS = 60 * 60_000;
const BATCH = 5000;
const LOCK_WAIT_MS = 200;
/** lock_not_available: the lock_timeout fired. */
const LOCK_NOT_AVAILABLE = new Set(['55P03']);

/**
 * The rollup tables, their bucket column and the columns that key a row besides the tenant, the bucket and the slot
 * (constants, never input). A bucket's rows of different currencies stay apart: their money is never summed.
 */
const TABLES = [
  { table: 'order_daily_rollups', bucket: 'day', bucketEnd: Prisma.sql`"day" + 1`, keys: ['status'] },
  {
    table: 'order_currency_sales_rollups',
    bucket: 'quarterHour',
    bucketEnd: Prisma.sql`"quarterHour" + interval '15 minutes'`,
    keys: ['status', 'currency'],
  },
  // The previous release's sales table, still written for one release (migration sales_rollups_by_currency) and
  // folded as before until a later migration drops it.
  { table: 'order_sales_rollups', bucket: 'quarterHour', bucketEnd: Prisma.sql`"quarterHour" + interval '15 minutes'`, keys: ['status'] },
] as const;

export interface RollupFoldDeps {
  sql: SqlClient;
  clock: Clock;
  logger: Logger;
}

/**
 * One transaction that waits at most LOCK_WAIT_MS for a row lock; undefined when it gave up (the rows stay as they
 * were, to be folded on another run).
 */
async function withShortLockWait<T>(sql: SqlClient, fn: (tx: TxRunner) => Promise<T>): Promise<T | undefined> {
  try {
    return await sql.transaction(async (tx) => {
      await tx.execute(Prisma.sql`SELECT set_config('lock_timeout', ${`${LOCK_WAIT_MS}ms`}, true)`);
      return fn(tx);
    });
  } catch (err) {
    if (hasErrorCode(err, LOCK_NOT_AVAILABLE)) return undefined;
    throw err;
  }
}

/**
 * Folds the slots of every bucket that ended FOLD_AFTER_MS ago: per table, the rows folded away (moved into slot
 * 0, or deleted at zero) and whether a lock wait made it stop early.
 */
export async function foldRollupSlots(
  deps: Omit<RollupFoldDeps, 'logger'>,
): Promise<Record<string, { rows: number; stoppedOnLock: boolean }>> {
  // The buckets hold UTC wall times (timestamp columns), as createdAt does.
  const before = new Date(deps.clock.now().getTime() - FOLD_AFTER_MS).toISOString();
  const result: Record<string, { rows: number; stoppedOnLock: boolean }> = {};
  for (const { table, bucket, bucketEnd, keys } of TABLES) {
    const t = Prisma.raw(table);
    const b = Prisma.raw(`"${bucket}"`);
    const k = Prisma.raw(keys.map((key) => `"${key}"`).join(', '));
    const kGroup = Prisma.raw(keys.map((_, i) => String(i + 3)).join(', '));
    const ended = Prisma.sql`${bucketEnd} <= ${before}::timestamptz AT TIME ZONE 'UTC'`;
    let rows = 0;
    let moved: number | undefined;
    do {
      moved = await withShortLockWait(deps.sql, async (tx) => {
        const [row] = await tx.query<{ moved: number }>(Prisma.sql`
          WITH picked AS (
            SELECT ctid FROM ${t} WHERE slot <> 0 AND ${ended} LIMIT ${BATCH} FOR UPDATE SKIP LOCKED
          ), moved AS (
            DELETE FROM ${t} r USING picked p WHERE r.ctid = p.ctid
            RETURNING r."tenantId", r.${b} AS bucket, ${k}, r.orders, r."totalCents", r."refundedCents"
          ), summed AS (
            INSERT INTO ${t} AS r ("tenantId", ${b}, ${k}, slot, orders, "totalCents", "refundedCents")
            SELECT "tenantId", bucket, ${k}, 0, sum(orders)::int, sum("totalCents")::bigint, sum("refundedCents")::bigint
            FROM moved GROUP BY 1, 2, ${kGroup} ORDER BY 1, 2, ${kGroup}
            ON CONFLICT ("tenantId", ${b}, ${k}, slot) DO UPDATE
              SET orders = r.orders + EXCLUDED.orders, "totalCents" = r."totalCents" + EXCLUDED."totalCents",
                  "refundedCents" = r."refundedCents" + EXCLUDED."refundedCents"
          )
          SELECT count(*)::int AS moved FROM moved`);
        return row?.moved ?? 0;
      });
      rows += moved ?? 0;
    } while (moved === BATCH);
    // Buckets whose orders all moved on (paid, refunded, deleted) keep a row of zeros: nothing to show.
    const emptied =
      moved === undefined
        ? undefined
        : await withShortLockWait(deps.sql, (tx) =>
            tx.execute(Prisma.sql`
              DELETE FROM ${t} WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM ${t} WHERE slot = 0 AND orders = 0 AND "totalCents" = 0 AND "refundedCents" = 0 AND ${ended}
                FOR UPDATE SKIP LOCKED))`),
          );
    result[table] = { rows: rows + (emptied ?? 0), stoppedOnLock: emptied === undefined };
  }
  return result;
}

export function registerRollupJobs(bus: EventBus, deps: RollupFoldDeps): void {
  // graphile-worker's cron adds a `_cron` field to the payload; nothing else is needed.
  bus.registerTask(ROLLUP_FOLD_TASK, {
    schema: z.object({}).loose(),
    async run() {
      const folded = await foldRollupSlots(deps);
      deps.logger.info({ folded }, "dashboard rollups: past buckets' slots folded into one row");
    },
  });
  bus.schedule(ROLLUP_FOLD_TASK, ROLLUP_FOLD_SCHEDULE);
}
