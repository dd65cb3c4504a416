// Connection faults inside the process: a connection terminated by the server (pg_terminate_backend, as a
// PostgreSQL restart does to all of them) fails only the work that used it, never the process, and a
// transaction that lost its connection before COMMIT is run again on a fresh one.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/platform/db/database.js';
import { isDatabaseUnavailable, isTransientDatabaseFault } from '../../src/platform/db/db-faults.js';
import { Prisma } from '../../src/platform/db/prisma.js';
import { testDatabaseUrl } from '../helpers/db.js';

const database = createDatabase(testDatabaseUrl(), 6, { acquireTimeoutMs: 2_000, statementTimeoutMs: 5_000 });
const admin = new pg.Client({ connectionString: testDatabaseUrl() });
admin.on('error', () => undefined);
await admin.connect();
afterAll(async () => {
  await admin.end();
  await database.close();
});

/** Terminates every other backend on this test's database (what a PostgreSQL restart does to them). */
async function terminateOthers(): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return rows[0]!.n;
}

describe('connection faults', () => {
  it('a transaction whose connection is terminated before COMMIT is run again on a fresh connection, and the process lives', async () => {
    let runs = 0;
    const result = await database.sql.transaction(async (tx) => {
      runs += 1;
      const [me] = await tx.query<{ pid: number }>(Prisma.sql`SELECT pg_backend_pid() AS pid`);
      if (runs === 1) {
        await admin.query('SELECT pg_terminate_backend($1)', [me!.pid]);
        // The server closes the idle-in-transaction connection: without a listener, its 'error' event would
        // end the process here.
        await new Promise((r) => setTimeout(r, 200));
      }
      const [row] = await tx.query<{ one: number }>(Prisma.sql`SELECT 1 AS one`);
      return row!.one;
    });
    expect(result).toBe(1);
    expect(runs).toBe(2);
  });

  it('under load: every backend terminated, repeatedly; each failure is a recognisable database fault and the pool serves again', async () => {
    const failures: unknown[] = [];
    let done = 0;
    const work = async () => {
      for (let i = 0; i < 15; i++) {
        try {
          if (i % 2) await database.db.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.02)`;
          else await database.sql.transaction(async (tx) => tx.query(Prisma.sql`SELECT pg_sleep(0.02)`));
          done += 1;
        } catch (err) {
          failures.push(err);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, work));
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 40));
      await terminateOthers();
    }
    await load;
    for (const err of failures) expect(isTransientDatabaseFault(err), JSON.stringify({ name: (err as Error).name, code: (err as { code?: string }).code, meta: (err as { meta?: unknown }).meta, cause: String((err as Error).cause).slice(0, 300), m: (err as Error).message.slice(-600) })).toBe(true);
    expect(done).toBeGreaterThan(0);
    // And it serves again, through both clients.
    expect(await database.db.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
    expect(await database.sql.query(Prisma.sql`SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
  });

  it('waiting for a connection is bounded: an exhausted pool fails fast with a database fault', async () => {
    const small = createDatabase(testDatabaseUrl(), 1, { acquireTimeoutMs: 200 });
    try {
      const holder = small.sql.transaction(async (tx) => tx.query(Prisma.sql`SELECT pg_sleep(1)`));
      const err = await small.sql.query(Prisma.sql`SELECT 1`).catch((e: unknown) => e);
      expect(isDatabaseUnavailable(err)).toBe(true);
      await holder;
    } finally {
      await small.close();
    }
  });

  it('a statement is bounded: a row lock held elsewhere ends in a timeout, not a hang', async () => {
    const bounded = createDatabase(testDatabaseUrl(), 2, { statementTimeoutMs: 300 });
    const locker = new pg.Client({ connectionString: testDatabaseUrl() });
    await locker.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE');
      const err = await bounded.db.$queryRaw`SELECT count(*) FROM tenants`.catch((e: unknown) => e);
      expect(isTransientDatabaseFault(err)).toBe(true);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await bounded.close();
    }
  });
});
