// A job locked by a worker that died (its instance was SIGKILLed) is freed and run again within two
// minutes, not after graphile-worker's four-hour stale-lock window; a slow job on a live worker keeps its lock.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool } from '../../src/platform/db/database.js';
import { EventBus, enqueueJob } from '../../src/platform/jobs/queue.js';
import { startWorker } from '../../src/platform/jobs/worker.js';
import { createWorkerLiveness, STALE_MS } from '../../src/platform/jobs/worker-liveness.js';
import { createLogger } from '../../src/platform/logger.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';

const db = testDb();
const pool = createPool(testDatabaseUrl(), 3);
const logger = createLogger({ level: 'silent', pretty: false });
afterAll(async () => {
  await pool.end();
});

interface JobRow {
  id: string;
  locked_by: string | null;
  attempts: number;
}
async function job(id: string): Promise<JobRow | undefined> {
  const rows = await db.$queryRaw<
    JobRow[]
  >`SELECT id::text AS id, locked_by, attempts FROM graphile_worker._private_jobs WHERE id = ${BigInt(id)}`;
  return rows[0];
}

/**
 * Adds a job and marks it as taken by `worker` `ageSeconds` ago (what a killed instance leaves behind), in one
 * transaction: a worker already running in the test never sees the job unlocked (it would run it at once, on
 * add_job's notification, before the lock was set: the job then ran twice).
 */
async function lockedJob(task: string, worker: string, ageSeconds: number): Promise<string> {
  return db.$transaction(async (tx) => {
    await enqueueJob(tx, task, { n: 1 });
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      UPDATE graphile_worker._private_jobs SET locked_by = ${worker}, locked_at = now() - make_interval(secs => ${ageSeconds}), attempts = 1
      WHERE id = (SELECT max(id) FROM graphile_worker._private_jobs WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = ${task}))
      RETURNING id::text AS id`;
    return row!.id;
  });
}

/**
 * Registers `test.marker` on `bus`; `marker()` adds one and resolves once a worker has run it, or once `stop()`
 * says to look no further. graphile-worker takes the jobs it may run oldest first, so when a marker added after a
 * job has run on a free slot, that job was either taken before it or passed over: a check that a job did not
 * run, made after it, can fail (a fixed sleep could end before the worker had looked).
 */
function markers(bus: EventBus) {
  let done = 0;
  bus.registerTask('test.marker', { schema: z.object({}), run: async () => void (done += 1) });
  return async (stop: () => boolean = () => false) => {
    const before = done;
    await enqueueJob(db, 'test.marker', {});
    await waitFor('a marker job to run after it', () => done > before || stop());
  };
}

describe('worker liveness', () => {
  it('frees the job locks nobody refreshed for more than a minute, and only those', async () => {
    const liveness = createWorkerLiveness({ pool, instanceId: 'test', logger });
    const dead = `pool-dead-${randomUUID()}`;
    const alive = `pool-alive-${randomUUID()}`;
    const fresh = `pool-fresh-${randomUUID()}`;
    const orphan = await lockedJob('test.liveness', dead, STALE_MS / 1000 + 30);
    // A slow job running on this instance: locked long ago, its lock refreshed by the heartbeat.
    const slow = await lockedJob('test.liveness', alive, 600);
    liveness.add(alive);
    liveness.running({ id: slow, queueId: null, lockedBy: alive });
    await liveness.heartbeat();
    // Locked a moment ago.
    const young = await lockedJob('test.liveness', fresh, 5);
    // Locked long ago by a pool that heartbeats but does not run it (its outcome was never recorded).
    const unrecorded = await lockedJob('test.liveness', alive, STALE_MS / 1000 + 30);

    const freed = await liveness.sweep();
    expect(freed.sort()).toEqual([alive, dead].sort());
    expect((await job(orphan))!.locked_by).toBeNull();
    expect((await job(unrecorded))!.locked_by).toBeNull();
    expect((await job(slow))!.locked_by).toBe(alive);
    expect((await job(young))!.locked_by).toBe(fresh);
    // Once it finished, the slow job's lock is no longer refreshed.
    liveness.finished(slow);
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '10 minutes' WHERE id = ${BigInt(slow)}`;
    await liveness.heartbeat();
    await liveness.sweep();
    expect((await job(slow))!.locked_by).toBeNull();
    await liveness.stop();
  });

  it('a freed job runs on a live worker', async () => {
    const bus = new EventBus();
    const ran: number[] = [];
    bus.registerTask('test.rerun', {
      schema: z.object({ n: z.number() }),
      run: async (p) => {
        ran.push(p.n);
      },
    });
    const marker = markers(bus);
    const orphan = await lockedJob('test.rerun', `worker-killed-${randomUUID()}`, 120);
    const worker = await startWorker({ connectionString: testDatabaseUrl(), bus, logger, concurrency: 1, pollIntervalMs: 50 });
    try {
      // Nothing runs it while it is locked: a job added after it runs on the one slot, the locked one passed over...
      await marker();
      expect(ran).toEqual([]);
      // ...until the sweeper (normally on a timer) frees it.
      await createWorkerLiveness({ pool, instanceId: 'sweeper', logger }).sweep();
      // graphile-worker records a finished job a moment after it ran (completions are batched), so wait for the
      // row to go, not only for the task to have run.
      await waitFor('the freed job to run and its row to go', async () => ran.length > 0 && !(await job(orphan)));
      expect(ran).toEqual([1]);
      expect(await job(orphan)).toBeUndefined(); // done and removed
    } finally {
      await worker.stop();
    }
  });

  it('a job running for longer than the stale time keeps its lock through sweeps (it is not run twice)', async () => {
    // graphile-worker 0.17 locks a job with its worker *pool*'s id; the running instance keeps that lock fresh.
    const bus = new EventBus();
    let starts = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    bus.registerTask('test.long', {
      schema: z.object({ n: z.number() }),
      run: async () => {
        starts += 1;
        await released;
      },
    });
    const marker = markers(bus);
    const staleMs = 2_000;
    const worker = await startWorker({ connectionString: testDatabaseUrl(), bus, logger, concurrency: 2, pollIntervalMs: 50, staleMs });
    try {
      await enqueueJob(db, 'test.long', { n: 1 });
      const running = await waitFor('the job to start', async () => {
        const rows = await db.$queryRaw<JobRow[]>`
          SELECT id::text AS id, locked_by, attempts FROM graphile_worker._private_jobs
          WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'test.long') AND locked_by IS NOT NULL`;
        return starts === 1 && rows[0];
      });
      expect(running.locked_by).toMatch(/^pool-/);
      // As if it had been running for ten minutes: the next heartbeat (every staleMs / 4) refreshes the lock.
      await db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '10 minutes' WHERE id = ${BigInt(running.id)}`;
      await waitFor('the lock to be refreshed', async () => {
        const [row] = await db.$queryRaw<{ fresh: boolean }[]>`
          SELECT locked_at > now() - interval '2 seconds' AS fresh FROM graphile_worker._private_jobs WHERE id = ${BigInt(running.id)}`;
        return row?.fresh;
      });
      const freed = await createWorkerLiveness({ pool, instanceId: 'sweeper', logger, staleMs }).sweep();
      expect(freed).not.toContain(running.locked_by);
      expect((await job(running.id))!.locked_by).toBe(running.locked_by);
      // Had the sweep freed it, the free slot would take it again before a job added after it.
      await marker(() => starts > 1);
      expect(starts).toBe(1);
    } finally {
      release();
      await worker.stop();
    }
  });

  it('a job its live pool holds but no longer runs (its outcome was not recorded) is freed and runs again', async () => {
    const bus = new EventBus();
    const ran: number[] = [];
    bus.registerTask('test.unrecorded', {
      schema: z.object({ n: z.number() }),
      run: async (p) => {
        ran.push(p.n);
      },
    });
    const staleMs = 2_000;
    const worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus,
      logger,
      concurrency: 1,
      pollIntervalMs: 50,
      staleMs,
      instanceId: 'unrecorded-test',
    });
    try {
      const { workerId: poolId } = await waitFor('the pool heartbeat', () =>
        db.jobWorkerHeartbeat.findFirst({ where: { instanceId: 'unrecorded-test' } }),
      );
      // What graphile-worker 0.17 leaves when the write of a job's outcome fails: the job locked by the pool.
      const orphan = await lockedJob('test.unrecorded', poolId, 30);
      await createWorkerLiveness({ pool, instanceId: 'sweeper', logger, staleMs }).sweep();
      await waitFor('the job to run and its row to go', async () => ran.length > 0 && !(await job(orphan)));
      expect(ran).toEqual([1]);
    } finally {
      await worker.stop();
    }
  });

  it('a running worker heartbeats: its rows exist while it runs and are gone after a clean stop', async () => {
    const worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: new EventBus(),
      logger,
      concurrency: 2,
      pollIntervalMs: 50,
      instanceId: 'hb-test',
    });
    try {
      // One row for the worker pool: its id is what locks the jobs its two slots run.
      const rows = await waitFor('a heartbeat row for the worker pool', async () => {
        const found = await db.jobWorkerHeartbeat.findMany({ where: { instanceId: 'hb-test' } });
        return found.length >= 1 && found;
      });
      expect(rows.map((r) => r.workerId)).toEqual([expect.stringMatching(/^pool-/)]);
    } finally {
      await worker.stop();
    }
    expect(await db.jobWorkerHeartbeat.count({ where: { instanceId: 'hb-test' } })).toBe(0);
  });
});
