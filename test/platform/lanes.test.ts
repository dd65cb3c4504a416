// Lanes (src/platform/jobs/lanes.ts): a shop's jobs of one lane run one at a time and in order, a rate limit
// is waited out with no worker slot held and without holding up other shops, a failure retries with backoff
// with the lane behind it, and a drain that died is taken over once its lease runs out. The drain task is run
// directly here (as graphile-worker would run it), against the real database; the Discord side is proven in
// test/scale/admin-channel-lane.test.ts.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Prisma } from '../../src/platform/db/prisma.js';
import type { SqlRunner } from '../../src/platform/db/sql.js';
import { createLogger } from '../../src/platform/logger.js';
import {
  defineLane,
  LANE_DRAIN_TASK,
  LANE_MAX_ATTEMPTS,
  LANE_SWEEP_TASK,
  laneDrainKey,
  registerLaneDrain,
} from '../../src/platform/jobs/lanes.js';
import { EventBus } from '../../src/platform/jobs/queue.js';
import { closeTestDb, testDb, testSql } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';

const db = testDb();
const f = factories(db);
afterAll(() => closeTestDb());
beforeEach(async () => {
  await db.$executeRawUnsafe('DELETE FROM lane_jobs');
  await db.$executeRawUnsafe('DELETE FROM graphile_worker._private_jobs');
});

const LANE = defineLane('test-lane');
const EVENT = 'lane-test.happened';
const payload = z.object({ tenantId: z.string(), n: z.number() });

class RateLimited extends Error {
  constructor(readonly ms: number) {
    super('rate limited');
  }
}

/**
 * A bus whose one subscriber runs in LANE with `run`; `drain(tenantId)` runs the lane's drain task once. The drain
 * uses `opts.sql` (default the test database's) and leases a row for `opts.leaseMs` (default the service's).
 */
function laneBus(run: (p: z.infer<typeof payload>) => Promise<void>, opts: { sql?: SqlRunner; leaseMs?: number } = {}) {
  const bus = new EventBus();
  bus.subscribe(EVENT, 'record', { lane: LANE, schema: payload, run });
  registerLaneDrain(bus, {
    sql: opts.sql ?? testSql(),
    logger: createLogger({ level: 'silent', pretty: false }),
    waitFor: (err) => (err instanceof RateLimited ? err.ms : undefined),
    leaseMs: opts.leaseMs,
  });
  const task = bus.handlers().get(LANE_DRAIN_TASK)!;
  return {
    bus,
    emit: async (tenantId: string, ...ns: number[]) => {
      for (const n of ns) await bus.emit(db, EVENT, { tenantId, n });
    },
    drain: (tenantId: string) => task.run({ tenantId, lane: LANE.name }, { attempt: 1, maxAttempts: 12, jobId: 'test' }),
    sweep: () => bus.handlers().get(LANE_SWEEP_TASK)!.run({}, { attempt: 1, maxAttempts: 12, jobId: 'test' }),
  };
}

/** The lane's rows, oldest first. */
const rows = (tenantId: string) =>
  db.$queryRaw<{ n: number; attempts: number; lastError: string | null; leased: boolean; waitMs: number | null; retryMs: number | null }[]>`
    SELECT (payload->>'n')::int AS n, attempts, "lastError", coalesce("leasedUntil" > now(), false) AS leased,
      (extract(epoch FROM "notBefore" - now()) * 1000)::int AS "waitMs", (extract(epoch FROM "retryAt" - now()) * 1000)::int AS "retryMs"
    FROM lane_jobs WHERE "tenantId" = ${tenantId} ORDER BY id`;

/** The shop's pending drain jobs, with how far ahead (ms) each is to run. */
const drains = (tenantId: string) =>
  db.$queryRaw<{ inMs: number }[]>`
    SELECT (extract(epoch FROM j.run_at - now()) * 1000)::int AS "inMs"
    FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = ${LANE_DRAIN_TASK} AND j.key = ${laneDrainKey(LANE.name, tenantId)} AND j.locked_at IS NULL`;

/** Deletes the shop's pending drain jobs (a test that runs the drain task itself, to see what a run schedules). */
const clearDrains = (tenantId: string) =>
  db.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE key = ${laneDrainKey(LANE.name, tenantId)}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a lane', () => {
  it("runs a shop's jobs one at a time and in order, however many drains run at once", async () => {
    const shop = await f.tenant();
    const ran: number[] = [];
    let active = 0;
    let mostActive = 0;
    const { emit, drain } = laneBus(async ({ n }) => {
      mostActive = Math.max(mostActive, ++active);
      await sleep(5); // a handler that takes a moment: the window in which a second drain could run a job too
      ran.push(n);
      active -= 1;
    });
    await emit(shop.id, ...Array.from({ length: 12 }, (_, i) => i + 1));
    // Twelve jobs in the lane, and one drain job for it (its key replaced, not added twice).
    expect(await rows(shop.id)).toHaveLength(12);
    expect(await drains(shop.id)).toHaveLength(1);

    await Promise.all([drain(shop.id), drain(shop.id), drain(shop.id), drain(shop.id)]);
    expect(mostActive).toBe(1);
    expect(ran).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await rows(shop.id)).toEqual([]);
  });

  it('waits out a rate limit without counting it as an attempt; a new job does not bring its drain forward; other shops go on', async () => {
    const [shop, other] = [await f.tenant(), await f.tenant()];
    const ran: string[] = [];
    let limited = false;
    const { emit, drain } = laneBus(async ({ tenantId, n }) => {
      if (tenantId === shop.id && n === 2 && !limited) {
        limited = true;
        throw new RateLimited(1500);
      }
      ran.push(`${tenantId === shop.id ? 'shop' : 'other'}:${n}`);
    });
    await emit(shop.id, 1, 2, 3);
    await drain(shop.id);
    expect(ran).toEqual(['shop:1']);
    const [second, third] = await rows(shop.id);
    expect(second).toMatchObject({ n: 2, attempts: 0, leased: false });
    expect(second!.waitMs).toBeGreaterThan(500);
    expect(second!.waitMs).toBeLessThanOrEqual(1500);
    expect(third).toMatchObject({ n: 3, attempts: 0 });
    // The lane's drain is to run at the reset...
    const [pending] = await drains(shop.id);
    expect(pending!.inMs).toBeGreaterThan(500);
    // ...and a job that joins the lane meanwhile does not bring it forward (it would only find the lane waiting).
    await emit(shop.id, 4);
    const after = await drains(shop.id);
    expect(after).toHaveLength(1);
    expect(after[0]!.inMs).toBeGreaterThan(500);

    // Run early, the drain does nothing; another shop's lane goes on.
    await drain(shop.id);
    await emit(other.id, 1);
    await drain(other.id);
    expect(ran).toEqual(['shop:1', 'other:1']);

    // Once the database's clock has passed the reset (what the drain compares), run it again.
    await waitFor('the rate limit to reset', async () => (await rows(shop.id)).every((r) => r.waitMs === null || r.waitMs < 0));
    await drain(shop.id);
    expect(ran).toEqual(['shop:1', 'other:1', 'shop:2', 'shop:3', 'shop:4']);
    expect(await rows(shop.id)).toEqual([]);
  });

  it('retries a failing job with backoff while the lane goes on past it, and keeps it as failed after its last attempt', async () => {
    const shop = await f.tenant();
    const ran: number[] = [];
    let failing = true;
    const { emit, drain } = laneBus(async ({ n }) => {
      if (n === 1 && failing) throw new Error('Discord is down');
      ran.push(n);
    });
    await emit(shop.id, 1, 2, 3);
    await drain(shop.id);
    // The shop's other jobs did not wait for the failing one (it could keep failing for hours).
    expect(ran).toEqual([2, 3]);
    const [first, ...others] = await rows(shop.id);
    expect(others).toEqual([]);
    expect(first).toMatchObject({ n: 1, attempts: 1, leased: false, waitMs: null });
    expect(first!.lastError).toContain('Discord is down');
    // graphile-worker's backoff after a first failure: e^1 s; the lane's drain is scheduled for it.
    expect(first!.retryMs).toBeGreaterThan(2000);
    expect(first!.retryMs).toBeLessThanOrEqual(2719);
    expect((await drains(shop.id))[0]!.inMs).toBeGreaterThan(2000);

    // A job that joins meanwhile runs at once, ahead of the retry.
    await emit(shop.id, 4);
    expect((await drains(shop.id))[0]!.inMs).toBeLessThanOrEqual(0);
    await drain(shop.id);
    expect(ran).toEqual([2, 3, 4]);

    // Run again when due, it succeeds. Due a second ago, not now(): the column keeps milliseconds (TIMESTAMPTZ(3))
    // and rounds, so now() can be stored up to half a millisecond ahead, and a drain that quick found the row not
    // due yet and scheduled a drain for it instead (which this test does not run): CI, 2026-12-05, ran [2, 3, 4].
    await db.$executeRaw`UPDATE lane_jobs SET "retryAt" = now() - interval '1 second' WHERE "tenantId" = ${shop.id}`;
    failing = false;
    await drain(shop.id);
    expect(ran).toEqual([2, 3, 4, 1]);
    expect(await rows(shop.id)).toEqual([]);

    // At its last attempt a failing job is kept as failed, with its error, for the Jobs page; the lane goes on.
    failing = true;
    await emit(shop.id, 1);
    await db.$executeRaw`UPDATE lane_jobs SET attempts = ${LANE_MAX_ATTEMPTS - 1} WHERE "tenantId" = ${shop.id}`;
    await clearDrains(shop.id); // the one the emit added (this test runs the drain task itself)
    await drain(shop.id);
    const [failed] = await db.$queryRaw<{ id: bigint; failed: boolean; retryAt: Date | null; attempts: number; lastError: string }[]>`
      SELECT id, "failedAt" IS NOT NULL AS failed, "retryAt", attempts, "lastError" FROM lane_jobs WHERE "tenantId" = ${shop.id}`;
    expect(failed).toMatchObject({ failed: true, retryAt: null, attempts: LANE_MAX_ATTEMPTS });
    expect(failed!.lastError).toContain('Discord is down');
    // The drain scheduled no successor for it; a job joining later runs at once, and the drain leaves the failed one alone.
    expect(await drains(shop.id)).toEqual([]);
    await emit(shop.id, 5);
    expect((await drains(shop.id))[0]!.inMs).toBeLessThanOrEqual(0);
    await clearDrains(shop.id);
    await drain(shop.id);
    expect(ran).toEqual([2, 3, 4, 1, 5]);
    expect((await rows(shop.id)).map((r) => r.n)).toEqual([1]);
    expect(await drains(shop.id)).toEqual([]);
  });

  it('waits out a rate limit met behind a job that waits for its retry', async () => {
    const shop = await f.tenant();
    const ran: number[] = [];
    let limited = true;
    const { emit, drain } = laneBus(async ({ n }) => {
      if (n === 1) throw new Error('Discord is down');
      if (n === 2 && limited) {
        limited = false;
        throw new RateLimited(60_000);
      }
      ran.push(n);
    });
    await emit(shop.id, 1, 2, 3);
    await drain(shop.id);
    await drain(shop.id);
    // Job 1 waits for its retry, job 2 met the channel's limit: job 3 waits for the reset too.
    expect(ran).toEqual([]);
    expect((await rows(shop.id)).map((r) => [r.n, r.retryMs !== null, r.waitMs !== null])).toEqual([
      [1, true, false],
      [2, false, true],
      [3, false, false],
    ]);
    expect((await drains(shop.id))[0]!.inMs).toBeGreaterThan(50_000);
  });

  it('takes over the job of a drain that died once its lease has run out', async () => {
    const shop = await f.tenant();
    const ran: number[] = [];
    const { emit, drain } = laneBus(async ({ n }) => void ran.push(n));
    await emit(shop.id, 1);
    // A drain took the job and died (its process killed): the row is leased, counted once.
    await db.$executeRaw`UPDATE lane_jobs SET attempts = 1, "leasedUntil" = now() + interval '30 seconds' WHERE "tenantId" = ${shop.id}`;
    await drain(shop.id);
    expect(ran).toEqual([]);
    // The next drain is to run when the lease runs out.
    const [pending] = await drains(shop.id);
    expect(pending!.inMs).toBeGreaterThan(25_000);

    await db.$executeRaw`UPDATE lane_jobs SET "leasedUntil" = now() - interval '1 second' WHERE "tenantId" = ${shop.id}`;
    await drain(shop.id);
    expect(ran).toEqual([1]);
    expect(await rows(shop.id)).toEqual([]);
  });

  it("holds the lane no longer than its lease when a drain's release of the row is lost (its connection broke)", async () => {
    // The fault the chaos suite injects: the handler ran, then the connection died under the DELETE that ends
    // the job. The lease, the job worker's staleness (1 s here), is all that holds the lane; it used to be a
    // fixed 60 s whatever the staleness, so a shop's admin posts stalled a minute after an instance's fault.
    const shop = await f.tenant();
    const ran: number[] = [];
    const sql = testSql();
    let breakNextDelete = true;
    const broken: SqlRunner = {
      query: (statement) => sql.query(statement),
      execute: (statement) => {
        if (breakNextDelete && statement.sql.trimStart().startsWith('DELETE FROM lane_jobs')) {
          breakNextDelete = false;
          return Promise.reject(new Error('Connection terminated unexpectedly'));
        }
        return sql.execute(statement);
      },
    };
    const { emit, drain } = laneBus(async ({ n }) => void ran.push(n), { sql: broken, leaseMs: 1_000 });
    await emit(shop.id, 1, 2);
    await expect(drain(shop.id)).rejects.toThrow('Connection terminated');
    expect(ran).toEqual([1]);
    expect((await rows(shop.id)).map((r) => r.leased)).toEqual([true, false]);

    // The drain run again (its job retried) finds the lane leased and schedules the next run for the lease's end.
    await clearDrains(shop.id);
    await drain(shop.id);
    expect(ran).toEqual([1]);
    const [next] = await drains(shop.id);
    expect(next!.inMs).toBeLessThanOrEqual(1_000);

    await waitFor('the lost lease to run out', async () => (await rows(shop.id)).every((r) => !r.leased));
    await drain(shop.id);
    // At least once: the job whose outcome was lost runs again (the handlers are idempotent), then the rest.
    expect(ran).toEqual([1, 1, 2]);
    expect(await rows(shop.id)).toEqual([]);
  });

  it('keeps its lease while a handler runs longer than the lease: a second drain does not run the job again', async () => {
    const shop = await f.tenant();
    const ran: number[] = [];
    let finish!: () => void;
    const held = new Promise<void>((r) => (finish = r));
    const { emit, drain } = laneBus(
      async ({ n }) => {
        ran.push(n);
        if (n === 1) await held;
      },
      { leaseMs: 2_000 },
    );
    await emit(shop.id, 1);
    const first = drain(shop.id);
    // Two and a half leases: the renewals (every 500 ms) keep the row leased throughout, with room for a busy
    // machine's event-loop stalls (a lapse needs 1.5 s without one landing).
    await sleep(5_000);
    expect((await rows(shop.id))[0]!.leased).toBe(true);
    await clearDrains(shop.id);
    await drain(shop.id);
    expect(ran).toEqual([1]);
    finish();
    await first;
    expect(ran).toEqual([1]);
    expect(await rows(shop.id)).toEqual([]);
  });

  it('drops a job whose payload its handler refuses, retries one it has no handler for, and goes on', async () => {
    const shop = await f.tenant();
    const ran: number[] = [];
    const { emit, drain } = laneBus(async ({ n }) => void ran.push(n));
    // A task this worker does not know (a newer version's, in a rolling upgrade): failed, to be retried by a
    // worker that knows it. A payload the handler refuses is a bug: dropped, as for every job.
    await db.$executeRaw`INSERT INTO lane_jobs ("tenantId", lane, task, payload) VALUES
      (${shop.id}, ${LANE.name}, 'no-such-task', '{"n": 1}'), (${shop.id}, ${LANE.name}, ${`${EVENT}>record`}, '{"n": "one"}')`;
    await emit(shop.id, 3);
    await drain(shop.id);
    expect(ran).toEqual([3]);
    const left = await db.$queryRaw<{ task: string; attempts: number; lastError: string; retrying: boolean }[]>`
      SELECT task, attempts, "lastError", "retryAt" > now() AS retrying FROM lane_jobs WHERE "tenantId" = ${shop.id}`;
    expect(left).toEqual([{ task: 'no-such-task', attempts: 1, lastError: expect.stringContaining('No handler'), retrying: true }]);
  });

  it('is swept every minute: drains that gave up are deleted, and a lane with jobs and no drain gets one', async () => {
    const [shop, other, idle] = [await f.tenant(), await f.tenant(), await f.tenant()];
    const { bus, emit, sweep } = laneBus(async () => undefined);
    expect(bus.crontab()).toContain(`* * * * * ${LANE_SWEEP_TASK}`);
    await emit(shop.id, 1, 2);
    await emit(other.id, 1);
    // The shop's drain was discarded by an operator, and a drain that lost its key to a newer one while it
    // ran then failed (graphile-worker marked it as on its last attempt): it shows as a job that gave up.
    await db.$executeRaw`SELECT graphile_worker.remove_job(${laneDrainKey(LANE.name, shop.id)})`;
    await db.$executeRaw`SELECT graphile_worker.add_job(${LANE_DRAIN_TASK}, json_build_object('tenantId', ${idle.id}::text, 'lane', ${LANE.name}::text), max_attempts => 1)`;
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = max_attempts, last_error = 'terminating connection' WHERE key IS NULL`;
    expect(await drains(shop.id)).toEqual([]);

    await sweep();
    const left = await db.$queryRaw<{ key: string | null; failed: boolean }[]>`
      SELECT key, attempts >= max_attempts AS failed FROM graphile_worker.jobs WHERE task_identifier = ${LANE_DRAIN_TASK} ORDER BY key`;
    expect(left).toEqual(
      [laneDrainKey(LANE.name, shop.id), laneDrainKey(LANE.name, other.id)].sort().map((key) => ({ key, failed: false })),
    );
    // A second sweep finds nothing to do.
    await sweep();
    expect(await drains(shop.id)).toHaveLength(1);
    expect(await drains(other.id)).toHaveLength(1);

    // A lane holding only a job failed for good needs no drain.
    await db.$executeRaw`INSERT INTO lane_jobs ("tenantId", lane, task, payload, attempts, "failedAt")
      VALUES (${idle.id}, ${LANE.name}, ${`${EVENT}>record`}, '{"n": 1}', ${LANE_MAX_ATTEMPTS}, now())`;
    await sweep();
    expect(await drains(idle.id)).toEqual([]);
  });

  it("adds one job for a key while a job of that key waits in the lane, at the first's place with the last payload; once it started, one again", async () => {
    const shop = await f.tenant();
    const ran: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { bus, drain } = laneBus(async ({ n }) => {
      ran.push(n);
      if (n === 4) await held;
    });
    const emitKeyed = (n: number, jobKey: string) => bus.emit(db, EVENT, { tenantId: shop.id, n }, { jobKey });

    // Two emits of one key while its job waits: one job, where the first emit put it (ahead of job 2, emitted in
    // between), with the last emit's payload (graphile-worker's preserve_run_at); one drain job still.
    await emitKeyed(1, 'post:a');
    await emitKeyed(2, 'post:b');
    await emitKeyed(3, 'post:a');
    expect((await rows(shop.id)).map((r) => r.n)).toEqual([3, 2]);
    expect(await drains(shop.id)).toHaveLength(1);
    // The key is the shop's: another shop's job of that key is its own.
    const other = await f.tenant();
    await bus.emit(db, EVENT, { tenantId: other.id, n: 1 }, { jobKey: 'post:a' });
    expect((await rows(other.id)).map((r) => r.n)).toEqual([1]);
    await drain(shop.id);
    expect(ran).toEqual([3, 2]);

    // After it ran, the key adds a job again; while that one runs (started), a new emit adds one behind it, which
    // the next emit then joins.
    await emitKeyed(4, 'post:a');
    const running = drain(shop.id);
    await waitFor('job 4 to run', () => ran.includes(4));
    await emitKeyed(5, 'post:a');
    await emitKeyed(6, 'post:a');
    expect((await rows(shop.id)).map((r) => [r.n, r.leased])).toEqual([
      [4, true],
      [6, false],
    ]);
    release();
    await running;
    expect(ran).toEqual([3, 2, 4, 6]);
    expect(await rows(shop.id)).toEqual([]);
  });

  it('keeps a job of a key that failed and waits for its retry as it is: a new emit of the key joins the lane behind it', async () => {
    const shop = await f.tenant();
    const ran: number[] = [];
    const { bus, drain } = laneBus(async ({ n }) => {
      if (n === 1) throw new Error('Discord is down');
      ran.push(n);
    });
    await bus.emit(db, EVENT, { tenantId: shop.id, n: 1 }, { jobKey: 'post:a' });
    await drain(shop.id);
    await bus.emit(db, EVENT, { tenantId: shop.id, n: 2 }, { jobKey: 'post:a' });
    await bus.emit(db, EVENT, { tenantId: shop.id, n: 3 }, { jobKey: 'post:a' });
    expect((await rows(shop.id)).map((r) => [r.n, r.attempts])).toEqual([
      [1, 1],
      [3, 0],
    ]);
    // The new job runs now, not after the failed one's backoff.
    await drain(shop.id);
    expect(ran).toEqual([3]);
  });

  it('leaves a waiting job of a key as it was when the change that emitted the key again rolled back', async () => {
    const shop = await f.tenant();
    const { bus } = laneBus(async () => undefined);
    await bus.emit(db, EVENT, { tenantId: shop.id, n: 1 }, { jobKey: 'post:a' });
    await expect(
      db.$transaction(async (tx) => {
        await bus.emit(tx, EVENT, { tenantId: shop.id, n: 2 }, { jobKey: 'post:a' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await rows(shop.id)).map((r) => r.n)).toEqual([1]);
  });

  it('holds a job if and only if the change that emitted it committed', async () => {
    const shop = await f.tenant();
    const { bus } = laneBus(async () => undefined);
    await expect(
      db.$transaction(async (tx) => {
        await bus.emit(tx, EVENT, { tenantId: shop.id, n: 1 });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await rows(shop.id)).toEqual([]);
    expect(await drains(shop.id)).toEqual([]);
  });

  it('is refused to a second subscriber of the same event, and to a delayed job', () => {
    const { bus } = laneBus(async () => undefined);
    expect(() => bus.subscribe(EVENT, 'again', { lane: LANE, schema: payload, run: async () => undefined })).toThrow(
      /lane test-lane already/,
    );
    expect(() => bus.jobSpecsSql(EVENT, Prisma.sql`'{}'`, { runAt: new Date() })).toThrow(/cannot be delayed/);
    expect(() => defineLane('Not A Lane')).toThrow(/lowercase/);
  });
});
