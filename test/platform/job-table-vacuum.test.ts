// A worker vacuums graphile-worker's job table after a burst of jobs (platform/jobs/job-table-vacuum.ts), so
// the dead rows the burst left do not slow every fetch of the next job until autovacuum comes by.
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool } from '../../src/platform/db/database.js';
import { createJobTableVacuum } from '../../src/platform/jobs/job-table-vacuum.js';
import { EventBus, enqueueJob } from '../../src/platform/jobs/queue.js';
import { startWorker } from '../../src/platform/jobs/worker.js';
import { createLogger } from '../../src/platform/logger.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';

const db = testDb();
const pool = createPool(testDatabaseUrl(), 2);
const logger = createLogger({ level: 'silent', pretty: false });
afterAll(async () => {
  await pool.end();
});

/** How many times the job table was vacuumed by hand (VACUUM, not autovacuum) since the cluster started. */
async function vacuums(): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT vacuum_count::int AS n FROM pg_stat_all_tables WHERE schemaname = 'graphile_worker' AND relname = '_private_jobs'`;
  return row!.n;
}

describe('job table vacuum', () => {
  it('vacuums only once enough jobs finished since the last time, and counts again from zero', async () => {
    const vacuum = createJobTableVacuum({ pool, logger, everyMs: 0, minJobs: 3 });
    const before = await vacuums();
    vacuum.finished();
    vacuum.finished();
    expect(await vacuum.tick()).toBe(false);
    vacuum.finished();
    expect(await vacuum.tick()).toBe(true);
    await waitFor('the vacuum to be counted', async () => (await vacuums()) > before);
    expect(await vacuum.tick()).toBe(false); // the count starts again
  });

  it('a failed vacuum keeps the count, is tried again at the next tick, and is logged once per run of failures', async () => {
    // A pool whose queries fail while `down` (a database outage), then reach the real database again.
    let down = true;
    let attempts = 0;
    const flaky = {
      query: async (sql: string) => {
        attempts++;
        if (down) throw new Error('connection refused');
        return pool.query(sql);
      },
    } as unknown as typeof pool;
    const warnings: string[] = [];
    const counting = { ...logger, warn: (_o: unknown, msg: string) => void warnings.push(msg) } as unknown as typeof logger;
    const vacuum = createJobTableVacuum({ pool: flaky, logger: counting, everyMs: 0, minJobs: 2 });
    vacuum.finished();
    vacuum.finished();
    expect(await vacuum.tick()).toBe(false);
    expect(await vacuum.tick()).toBe(false);
    expect(attempts).toBe(2); // the finished jobs were kept, so the second tick tried again
    expect(warnings).toHaveLength(1);
    down = false;
    expect(await vacuum.tick()).toBe(true);
    down = true;
    vacuum.finished();
    vacuum.finished();
    expect(await vacuum.tick()).toBe(false);
    expect(warnings).toHaveLength(2); // a new run of failures is logged again
  });

  it('a running worker vacuums the table after a burst of jobs', async () => {
    const bus = new EventBus();
    let ran = 0;
    bus.registerTask('test.vacuum', { schema: z.object({ n: z.number() }), run: async () => void ran++ });
    for (let n = 0; n < 12; n++) await enqueueJob(db, 'test.vacuum', { n });
    const before = await vacuums();
    const worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus,
      logger,
      concurrency: 2,
      pollIntervalMs: 50,
      vacuumEveryMs: 100,
      vacuumMinJobs: 10,
    });
    try {
      await waitFor('the burst to run and the table to be vacuumed', async () => ran >= 12 && (await vacuums()) > before);
    } finally {
      await worker.stop();
    }
  });
});
