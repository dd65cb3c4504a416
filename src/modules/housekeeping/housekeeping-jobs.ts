// Daily housekeeping: the tables that remember something only for a while (an interaction id against Discord's
// replays, an API answer against a client's retries, a delivered message against a job's re-run) lose their
// rows past that while. Without it they grow with every interaction, API write and notification, forever.
// Each rule's retention belongs to the code that writes the table; the composition root hands the rules in.
//
// Deletes go in batches (one short transaction each, by the table's age index), so a backlog of millions of
// rows never holds locks for long nor bloats one transaction; the tick runs once a day across all workers
// (graphile-worker's crontab), and running it twice deletes nothing more.
import { z } from 'zod';
import { Prisma } from '../../platform/db/prisma.js';
import type { SqlRunner } from '../../platform/db/sql.js';
import type { EventBus } from '../../platform/jobs/queue.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';

/** No dot: crontab task names cannot have one. */
export const HOUSEKEEPING_TASK = 'housekeeping_prune';
/** Daily at 03:30 UTC. */
export const HOUSEKEEPING_SCHEDULE = '30 3 * * *';
const BATCH = 5000;

export interface RetentionRule {
  /** A table and its age column (a `timestamp` holding UTC, with an index): constants, never input. */
  table: string;
  column: string;
  keepMs: number;
}

/**
 * A table whose rows expire by a condition of their own code rather than one age column (deleted orders' kept
 * checkouts: past their provider's late-money window, and only if no money reached them). `prune` deletes the
 * expired rows in batches of `batch` and returns how many.
 */
export interface ConditionalRetentionRule {
  table: string;
  prune(sql: SqlRunner, now: Date, batch: number): Promise<number>;
}

export interface HousekeepingDeps {
  sql: SqlRunner;
  clock: Clock;
  logger: Logger;
  rules: readonly (RetentionRule | ConditionalRetentionRule)[];
}

const IDENTIFIER = /^[a-z_][a-zA-Z0-9_]*$/;

/** Deletes each rule's rows older than its retention; the number deleted per table. */
export async function pruneExpiredRows(deps: Omit<HousekeepingDeps, 'logger'>): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const rule of deps.rules) {
    if ('prune' in rule) {
      deleted[rule.table] = await rule.prune(deps.sql, deps.clock.now(), BATCH);
      continue;
    }
    if (!IDENTIFIER.test(rule.table) || !IDENTIFIER.test(rule.column)) throw new Error(`bad retention rule: ${rule.table}.${rule.column}`);
    const cutoff = new Date(deps.clock.now().getTime() - rule.keepMs);
    const table = Prisma.raw(rule.table);
    const column = Prisma.raw(`"${rule.column}"`);
    let total = 0;
    for (;;) {
      const n = await deps.sql.execute(Prisma.sql`
        DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${column} < ${cutoff} LIMIT ${BATCH}))`);
      total += n;
      if (n < BATCH) break;
    }
    deleted[rule.table] = total;
  }
  return deleted;
}

export function registerHousekeepingJobs(bus: EventBus, deps: HousekeepingDeps): void {
  // graphile-worker's cron adds a `_cron` field to the payload; nothing else is needed.
  bus.registerTask(HOUSEKEEPING_TASK, {
    schema: z.object({}).loose(),
    async run() {
      const deleted = await pruneExpiredRows(deps);
      deps.logger.info({ deleted }, 'housekeeping: expired rows deleted');
    },
  });
  bus.schedule(HOUSEKEEPING_TASK, HOUSEKEEPING_SCHEDULE);
}
