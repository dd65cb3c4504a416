// EventBus.jobSpecsSql + addJobsSql: the jobs of an event enqueued inside a caller's statement. One graphile_worker.add_jobs call
// per row of the statement, whatever the number of subscribers (it was one add_job per subscriber: one set of
// inserts and one NOTIFY each, while the order's submit holds the shop's hot rows), and one job per
// subscriber with the row's payload.
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Prisma } from '../../src/platform/db/prisma.js';
import { defineLane, LANE_DRAIN_TASK, laneDrainKey } from '../../src/platform/jobs/lanes.js';
import { addJobsSql, EventBus } from '../../src/platform/jobs/queue.js';
import { closeTestDb, testDb, testSql } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
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

describe('a subscriber in a lane', () => {
  it("puts each row's job in its shop's lane once, with one drain job per shop and no named queue", async () => {
    const bus = new EventBus();
    const withTenant = { ...handler, schema: z.object({ tenantId: z.string(), n: z.number() }) };
    bus.subscribe('bus-test.laned', 'admin', { ...withTenant, lane: defineLane('bus-test-lane') });
    bus.subscribe('bus-test.laned', 'plain', withTenant);
    const db = testDb();
    const f = factories(db);
    const shops = [(await f.tenant()).id, (await f.tenant()).id, (await f.tenant()).id];
    await db.$executeRawUnsafe('DELETE FROM graphile_worker._private_jobs');
    await db.$executeRawUnsafe('DELETE FROM graphile_worker._private_job_queues');

    const jobs = addJobsSql(
      bus.jobSpecsSql('bus-test.laned', Prisma.sql`json_build_object('tenantId', r.tenant, 'n', r.n)`),
      Prisma.sql`r`,
    );
    await testSql().transaction(async (tx) =>
      tx.query(Prisma.sql`
        WITH r AS (SELECT s.tenant, n FROM unnest(${shops}::text[]) AS s(tenant), generate_series(1, 2) AS n ORDER BY s.tenant, n),
          jobs AS (${jobs})
        SELECT count(*) FROM jobs`),
    );

    // Two jobs in each shop's lane, in order (lane_push ran once per row)...
    const laned = await db.$queryRaw<{ tenantId: string; task: string; n: number }[]>`
      SELECT "tenantId", task, (payload->>'n')::int AS n FROM lane_jobs WHERE lane = 'bus-test-lane' ORDER BY id`;
    expect(laned).toHaveLength(6);
    for (const shop of shops) expect(laned.filter((j) => j.tenantId === shop).map((j) => j.n)).toEqual([1, 2]);
    expect(new Set(laned.map((j) => j.task))).toEqual(new Set(['bus-test.laned>admin']));
    // ...one drain job per shop (the second row's replaced the first's), the other subscriber's jobs as ever,
    // and no named queue.
    const queued = await db.$queryRaw<{ identifier: string; key: string | null }[]>`
      SELECT t.identifier, j.key FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id`;
    expect(
      queued
        .filter((q) => q.identifier === LANE_DRAIN_TASK)
        .map((q) => q.key)
        .sort(),
    ).toEqual(shops.map((s) => laneDrainKey('bus-test-lane', s)).sort());
    expect(queued.filter((q) => q.identifier === 'bus-test.laned>plain')).toHaveLength(6);
    const named = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker._private_job_queues`;
    expect(named[0]!.n).toBe(0);
  });
});

describe('a subscriber in a lane, with a job key', () => {
  it("adds one job per key to the shop's lane from a statement over several rows, at the first row's place with the last row's payload", async () => {
    const bus = new EventBus();
    const withTenant = { ...handler, schema: z.object({ tenantId: z.string(), n: z.number() }) };
    bus.subscribe('bus-test.keyed', 'admin', { ...withTenant, lane: defineLane('bus-test-keyed') });
    const db = testDb();
    const shop = (await factories(db).tenant()).id;

    // Rows 1, 3 and 4 carry key "a", row 2 key "b": the key is an SQL expression over the statement's rows.
    const jobs = addJobsSql(
      bus.jobSpecsSql('bus-test.keyed', Prisma.sql`json_build_object('tenantId', r.tenant, 'n', r.n)`, {
        jobKey: Prisma.sql`CASE WHEN r.n = 2 THEN 'b' ELSE 'a' END`,
      }),
      Prisma.sql`r`,
    );
    await testSql().transaction(async (tx) =>
      tx.query(Prisma.sql`
        WITH r AS (SELECT ${shop}::text AS tenant, n FROM generate_series(1, 4) AS n ORDER BY n), jobs AS (${jobs})
        SELECT count(*) FROM jobs`),
    );
    const laned = await db.$queryRaw<{ n: number; key: string }[]>`
      SELECT (payload->>'n')::int AS n, key FROM lane_jobs WHERE lane = 'bus-test-keyed' AND "tenantId" = ${shop} ORDER BY id`;
    expect(laned).toEqual([
      { n: 4, key: 'a>admin' },
      { n: 2, key: 'b>admin' },
    ]);
  });
});
