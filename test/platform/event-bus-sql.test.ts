// EventBus.emitSql: the jobs of an event enqueued inside a caller's statement. One graphile_worker.add_jobs call
// per row of the statement, whatever the number of subscribers (it was one add_job per subscriber: one set of
// inserts and one NOTIFY each, while the order's submit holds the shop's hot rows), and one job per
// subscriber with the row's payload.
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Prisma } from '../../src/platform/db/prisma.js';
import { EventBus } from '../../src/platform/jobs/queue.js';
import { closeTestDb, testDb, testSql } from '../helpers/db.js';
import { listenForJobInserts } from '../helpers/job-inserts.js';

afterAll(() => closeTestDb());

const handler = { schema: z.object({ n: z.number() }), run: async () => undefined };

describe('EventBus.emitSql', () => {
  it('enqueues one job per subscriber for each row, with one add_jobs call per row', async () => {
    const bus = new EventBus();
    for (const s of ['alpha', 'beta', 'gamma']) bus.subscribe('bus-test.happened', s, handler);
    const db = testDb();
    const sql = testSql();
    await db.$executeRawUnsafe('DELETE FROM graphile_worker._private_jobs');
    const added = await listenForJobInserts();

    const jobs = bus.emitSql('bus-test.happened', Prisma.sql`json_build_object('n', r.n)`, Prisma.sql`r`);
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
});
