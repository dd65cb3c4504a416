// EventBus.jobSpecsSql + addJobsSql: the jobs of an event enqueued inside a caller's statement. One graphile_worker.add_jobs call
// per row of the statement, whatever the number of subscribers (it was one add_job per subscriber: one set of
// inserts and one NOTIFY each, while the order's submit holds the shop's hot rows), and one job per
// subscriber with the row's payload.
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Prisma } from '../../src/platform/db/prisma.js';
import { randomUUID } from 'node:crypto';
import { addJobsSql, EventBus, shardOf, tenantShardQueue } from '../../src/platform/jobs/queue.js';
import { closeTestDb, testDb, testSql } from '../helpers/db.js';
import { listenForJobInserts } from '../helpers/job-inserts.js';

afterAll(() => closeTestDb());

const handler = { schema: z.object({ n: z.number() }), run: async () => undefined };

describe('EventBus.jobSpecsSql with addJobsSql', () => {
  it('enqueues one job per subscriber for each row, with one add_jobs call per row', async () => {
    const bus = new EventBus();
    for (const s of ['alpha', 'beta', 'gamma']) bus.subscribe('bus-test.happened', s, handler);
    const db = testDb();
    const sql = testSql();
    await db.$executeRawUnsafe('DELETE FROM graphile_worker._private_jobs');
    const added = await listenForJobInserts();

    const jobs = addJobsSql(bus.jobSpecsSql('bus-test.happened', Prisma.sql`json_build_object('n', r.n)`), Prisma.sql`r`);
    const [row] = await sql.transaction(async (tx) =>
      tx.query<{ jobs: number }>(Prisma.sql`
        WITH r AS (SELECT n FROM generate_series(1, 2) AS n), jobs AS (${jobs})
        SELECT (SELECT count(*)::int FROM jobs) AS jobs`),
    );
    expect(row!.jobs).toBe(6);

    const queued = await db.$queryRaw<{ identifier: string; payload: { n: number }; max_attempts: number; run_at_ok: boolean }[]>`
      SELECT t.identifier, j.payload, j.max_attempts, j.run_at <= now() AS run_at_ok
      FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier LIKE 'bus-test.happened>%'
      ORDER BY t.identifier, (j.payload->>'n')::int`;
    expect(queued.map((q) => [q.identifier, q.payload.n, q.max_attempts, q.run_at_ok])).toEqual([
      ['bus-test.happened>alpha', 1, 12, true],
      ['bus-test.happened>alpha', 2, 12, true],
      ['bus-test.happened>beta', 1, 12, true],
      ['bus-test.happened>beta', 2, 12, true],
      ['bus-test.happened>gamma', 1, 12, true],
      ['bus-test.happened>gamma', 2, 12, true],
    ]);
    // Two rows: two add_jobs calls of three jobs each (the old add_job per subscriber sent six of one).
    expect(await added.stop()).toEqual([3, 3]);
  });

  it("adds a subscriber's job only where its onlyWhen holds; a row left with no job makes no add_jobs call", async () => {
    const bus = new EventBus();
    bus.subscribe('bus-test.filtered', 'always', handler);
    bus.subscribe('bus-test.filtered', 'from-two', { ...handler, onlyWhen: (p) => Prisma.sql`((${p})->>'n')::int >= 2` });
    bus.subscribe('bus-test.only-three', 'three', { ...handler, onlyWhen: (p) => Prisma.sql`((${p})->>'n')::int = 3` });
    const db = testDb();
    const sql = testSql();
    await db.$executeRawUnsafe('DELETE FROM graphile_worker._private_jobs');
    const added = await listenForJobInserts();

    const mixed = addJobsSql(bus.jobSpecsSql('bus-test.filtered', Prisma.sql`json_build_object('n', r.n)`), Prisma.sql`r`);
    const onlyThree = addJobsSql(bus.jobSpecsSql('bus-test.only-three', Prisma.sql`json_build_object('n', r.n)`), Prisma.sql`r`);
    const [row] = await sql.transaction(async (tx) =>
      tx.query<{ mixed: number; three: number }>(Prisma.sql`
        WITH r AS (SELECT n FROM generate_series(1, 3) AS n), mixed AS (${mixed}), three AS (${onlyThree})
        SELECT (SELECT count(*)::int FROM mixed) AS mixed, (SELECT count(*)::int FROM three) AS three`),
    );
    expect(row).toEqual({ mixed: 5, three: 1 });
    // emit (a JSON payload, not rows) follows the same conditions.
    await sql.transaction(async (tx) => {
      await bus.emit(tx, 'bus-test.filtered', { n: 1 });
      await bus.emit(tx, 'bus-test.only-three', { n: 2 });
      await bus.emit(tx, 'bus-test.only-three', { n: 3 });
    });

    const queued = await db.$queryRaw<{ identifier: string; n: number }[]>`
      SELECT t.identifier, (j.payload->>'n')::int AS n
      FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier LIKE 'bus-test.%' ORDER BY j.id`;
    expect(queued.map((q) => [q.identifier, q.n])).toEqual([
      ['bus-test.filtered>always', 1],
      ['bus-test.filtered>always', 2],
      ['bus-test.filtered>from-two', 2],
      ['bus-test.filtered>always', 3],
      ['bus-test.filtered>from-two', 3],
      ['bus-test.only-three>three', 3],
      ['bus-test.filtered>always', 1],
      ['bus-test.only-three>three', 3],
    ]);
    // One call per row with a job (rows 1 and 2 of only-three, and the emit of n = 2, make none).
    expect(await added.stop()).toEqual([1, 2, 2, 1, 1, 1]);
  });
});

describe('tenantShardQueue', () => {
  it("puts a subscriber's jobs in the queue of the shop's shard, as shardOf computes it, over every shard", async () => {
    const shards = 8;
    const bus = new EventBus();
    bus.subscribe('bus-test.sharded', 'admin', {
      ...handler,
      schema: z.object({ tenantId: z.string() }),
      queue: tenantShardQueue('bus-test-q', shards),
    });
    const tenants = Array.from({ length: 200 }, () => `tnt_${randomUUID()}`);
    const db = testDb();
    await testSql().transaction(async (tx) => {
      for (const tenantId of tenants) await bus.emit(tx, 'bus-test.sharded', { tenantId });
    });
    const queued = await db.$queryRaw<{ tenantId: string; queue: string }[]>`
      SELECT j.payload->>'tenantId' AS "tenantId", q.queue_name AS queue
      FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
      WHERE t.identifier = 'bus-test.sharded>admin' AND j.payload->>'tenantId' = ANY(${tenants})`;
    expect(queued).toHaveLength(tenants.length);
    for (const { tenantId, queue } of queued) expect(queue).toBe(`bus-test-q:${shardOf(tenantId, shards)}`);
    // 200 shops over 8 queues: every queue is used, and no more than 8 exist.
    expect(new Set(queued.map((q) => q.queue)).size).toBe(shards);
    const made = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker._private_job_queues WHERE queue_name LIKE 'bus-test-q:%'`;
    expect(made[0]!.n).toBe(shards);
  });

  it('refuses a number of shards that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, 70_000]) expect(() => tenantShardQueue('q', bad)).toThrow(/shards must be/);
  });
});
