// Connection faults inside the process: a connection terminated by the server (pg_terminate_backend, as a
// PostgreSQL restart does to all of them) fails only the work that used it, never the process, and a
// transaction that lost its connection before COMMIT is run again on a fresh one.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/platform/db/database.js';
import { isDatabaseUnavailable, isTransientDatabaseFault } from '../../src/platform/db/db-faults.js';
import { LOST_CONNECTION_RETRIES, Prisma, withTransaction } from '../../src/platform/db/prisma.js';
import { testDatabaseUrl } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';

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

/** Terminates the backend `pid` and waits until the server has let it go (its socket is closed then). */
async function terminate(pid: number): Promise<void> {
  await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  for (;;) {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (rowCount === 0) return;
    await new Promise((r) => setImmediate(r));
  }
}

describe('connection faults', () => {
  it('a transaction whose connection is terminated before COMMIT is run again on a fresh connection, and the process lives', async () => {
    let runs = 0;
    const result = await database.sql.transaction(async (tx) => {
      runs += 1;
      const [me] = await tx.query<{ pid: number }>(Prisma.sql`SELECT pg_backend_pid() AS pid`);
      if (runs === 1) {
        // The server closes the idle-in-transaction connection: without a listener, its 'error' event would
        // end the process here (the close has reached this process once the server has let the backend go).
        await terminate(me!.pid);
      }
      const [row] = await tx.query<{ one: number }>(Prisma.sql`SELECT 1 AS one`);
      return row!.one;
    });
    expect(result).toBe(1);
    expect(runs).toBe(2);
  });

  describe('Prisma withTransaction (the one the modules use)', () => {
    const probe = 'lo_tx_probe';
    const pidOf = async (tx: Prisma.TransactionClient) => (await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]!.pid;
    const rowsOf = async (key: string) =>
      (await admin.query(`SELECT count(*)::int AS n FROM ${probe} WHERE key = $1`, [key])).rows[0].n as number;

    it('runs the transaction again, whole, when its connection is terminated before COMMIT: one write, the process lives', async () => {
      await admin.query(`CREATE TABLE IF NOT EXISTS ${probe} (key text NOT NULL, attempt int NOT NULL)`);
      let runs = 0;
      const result = await withTransaction(database.db, async (tx) => {
        runs += 1;
        await tx.$executeRawUnsafe(`INSERT INTO ${probe} (key, attempt) VALUES ('before-commit', $1)`, runs);
        if (runs === 1) await terminate(await pidOf(tx));
        return (await tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`)[0]!.one;
      });
      expect(result).toBe(1);
      expect(runs).toBe(2);
      // The first run's insert died with its connection; the second one's committed.
      expect((await admin.query(`SELECT attempt FROM ${probe} WHERE key = 'before-commit'`)).rows).toEqual([{ attempt: 2 }]);
      // The dead connection went back to the pool to be discarded (Prisma alone leaves it checked out for good:
      // prisma-pg-adapter.ts); nothing else is running, so every connection is idle.
      expect(database.pool.totalCount).toBe(database.pool.idleCount);
    });

    it("is not run again once its work is done and COMMIT is on its way: the outcome is the caller's to find out", async () => {
      await admin.query(`CREATE TABLE IF NOT EXISTS ${probe} (key text NOT NULL, attempt int NOT NULL)`);
      let runs = 0;
      const err = await withTransaction(database.db, async (tx) => {
        runs += 1;
        await tx.$executeRawUnsafe(`INSERT INTO ${probe} (key, attempt) VALUES ('at-commit', $1)`, runs);
        // The connection dies after the last statement: Prisma's COMMIT is the first thing to find it dead.
        await terminate(await pidOf(tx));
      }).catch((e: unknown) => e);
      expect(isDatabaseUnavailable(err)).toBe(true);
      expect(runs).toBe(1);
      expect(await rowsOf('at-commit')).toBe(0);
    });

    it('gives up after a bounded number of runs when every connection it gets is terminated', async () => {
      await admin.query(`CREATE TABLE IF NOT EXISTS ${probe} (key text NOT NULL, attempt int NOT NULL)`);
      let runs = 0;
      const err = await withTransaction(database.db, async (tx) => {
        runs += 1;
        await tx.$executeRawUnsafe(`INSERT INTO ${probe} (key, attempt) VALUES ('always', $1)`, runs);
        await terminate(await pidOf(tx));
        await tx.$queryRaw`SELECT 1`;
      }).catch((e: unknown) => e);
      expect(isDatabaseUnavailable(err)).toBe(true);
      expect(runs).toBe(1 + LOST_CONNECTION_RETRIES);
      expect(await rowsOf('always')).toBe(0);
      expect(database.pool.totalCount).toBe(database.pool.idleCount);
      // And the pool serves again.
      expect(await withTransaction(database.db, async (tx) => (await tx.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok`)[0]!.ok)).toBe(1);
    });
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
    let finished = false;
    const load = Promise.all(Array.from({ length: 6 }, work)).finally(() => (finished = true));
    for (let i = 0; i < 5; i++) {
      // Terminate while the load has statements in flight: once it has finished more since the last round.
      const before = done + failures.length;
      await waitFor('the load to run statements since the last termination', () => finished || done + failures.length > before);
      await terminateOthers();
    }
    await load;
    for (const err of failures)
      expect(
        isTransientDatabaseFault(err),
        JSON.stringify({
          name: (err as Error).name,
          code: (err as { code?: string }).code,
          meta: (err as { meta?: unknown }).meta,
          cause: String((err as Error).cause).slice(0, 300),
          m: (err as Error).message.slice(-600),
        }),
      ).toBe(true);
    expect(done).toBeGreaterThan(0);
    // And it serves again, through both clients.
    expect(await database.db.$queryRaw<{ ok: number }[]>`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
    expect(await database.sql.query(Prisma.sql`SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
  });

  it('waiting for a connection is bounded: an exhausted pool fails fast with a database fault', async () => {
    const small = createDatabase(testDatabaseUrl(), 1, { acquireTimeoutMs: 200 });
    try {
      // The bound also covers opening a connection, which takes longer than 200 ms on a busy machine: the
      // pool's one connection is opened first (retried), so the holder below takes it idle, at once.
      await waitFor('the pool to open its one connection', () =>
        small.sql.query(Prisma.sql`SELECT 1 AS ok`).then(
          () => true,
          () => false,
        ),
      );
      let held!: () => void;
      const holding = new Promise<void>((resolve) => (held = resolve));
      const holder = small.sql.transaction(async (tx) => {
        held();
        return tx.query(Prisma.sql`SELECT pg_sleep(1)`);
      });
      await holding;
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
