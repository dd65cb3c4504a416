// The plain-SQL client of the order flow (src/platform/db/sql.ts), against the real database: it must
// read and write exactly what Prisma does, roll back and retry like withTransaction, and survive a
// migration that changes a prepared statement's result columns; and send a transaction's last statement with
// its COMMIT (queryThenCommit).
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, isUniqueViolation } from '../../src/platform/db/prisma.js';
import { checkFailure, raiseIfSql } from '../../src/platform/db/check-failure.js';
import { createDatabase } from '../../src/platform/db/database.js';
import { queryRows } from '../../src/platform/db/sql.js';
import { closeTestDb, testDatabaseUrl, testDb, testSql } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';

const db = testDb(4);
const sql = testSql();
const f = factories(db);

// Timestamps must not depend on the process's time zone: run this file in one far from UTC.
const savedTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Pacific/Auckland';
});
afterAll(async () => {
  process.env.TZ = savedTz;
  if (savedTz === undefined) delete process.env.TZ;
  await closeTestDb();
});

describe('plain-SQL client', () => {
  it('writes and reads timestamps as Prisma does, whatever the process time zone', async () => {
    expect(new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset()).not.toBe(0);
    const { tenant, customer } = await f.shop();
    const at = new Date('2026-03-04T05:06:07.089Z');
    const [session] = await sql.query<{ id: string; expiresAt: Date }>(Prisma.sql`
      INSERT INTO order_sessions ("tenantId", "customerId", "lastActivityAt", "expiresAt", "updatedAt")
      VALUES (${tenant.id}, ${customer.id}, ${at}, ${at}, ${at}) RETURNING id, "expiresAt"`);
    expect(session!.expiresAt).toEqual(at);
    // Prisma reads what the client wrote...
    const viaPrisma = await db.orderSession.findUniqueOrThrow({ where: { id: session!.id } });
    expect(viaPrisma.expiresAt).toEqual(at);
    // ...and the client reads what Prisma wrote, also as a comparison parameter.
    const later = new Date('2026-07-08T09:10:11.012Z');
    await db.orderSession.update({ where: { id: session!.id }, data: { lastActivityAt: later } });
    const [back] = await sql.query<{ lastActivityAt: Date }>(Prisma.sql`
      SELECT "lastActivityAt" FROM order_sessions WHERE id = ${session!.id} AND "lastActivityAt" = ${later}`);
    expect(back?.lastActivityAt).toEqual(later);
    // The same statement through Prisma gives the same row (queryRows dispatches on the target).
    const [same] = await queryRows<{ lastActivityAt: Date }>(
      db,
      Prisma.sql`
      SELECT "lastActivityAt" FROM order_sessions WHERE id = ${session!.id} AND "lastActivityAt" = ${later}`,
    );
    expect(same?.lastActivityAt).toEqual(later);
  });

  it('rolls a failed transaction back whole and gives its connection back', async () => {
    const { tenant } = await f.shop();
    // More failing transactions than the pool has connections: a leaked connection would hang this.
    for (let i = 0; i < 8; i++) {
      const err = await sql
        .transaction(async (tx) => {
          await tx.execute(Prisma.sql`UPDATE tenants SET name = 'changed' WHERE id = ${tenant.id}`);
          await tx.execute(Prisma.sql`INSERT INTO tenants SELECT * FROM tenants WHERE id = ${tenant.id}`);
        })
        .catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
    }
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).name).toBe(tenant.name);
  });

  it('a transaction stuck behind a lock fails after its timeout instead of hanging, and frees its connection', async () => {
    const { tenant } = await f.shop();
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [tenant.id]);
      const err = await sql
        .transaction((tx) => tx.execute(Prisma.sql`UPDATE tenants SET name = 'blocked' WHERE id = ${tenant.id}`), { timeoutMs: 300 })
        .catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('57014'); // statement_timeout, while the lock is still held
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // The connection went back clean: the next transaction (default timeout) works.
    await sql.transaction((tx) => tx.execute(Prisma.sql`UPDATE tenants SET name = 'after' WHERE id = ${tenant.id}`));
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).name).toBe('after');
  });

  it('retries a transaction chosen as a deadlock victim, so both writers commit', async () => {
    const { products } = await f.shop();
    const [a, b] = [products[0]!.id, products[1]!.id];
    let attempts = 0;
    const failures: unknown[] = [];
    let release!: () => void;
    const bothLocked = new Promise<void>((r) => {
      release = r;
    });
    let locked = 0;
    const lockThen = (first: string, second: string) =>
      sql.transaction(async (tx) => {
        attempts += 1;
        try {
          await tx.execute(Prisma.sql`UPDATE products SET stock = stock + 1 WHERE id = ${first}`);
          if (++locked === 2) release();
          await bothLocked;
          await tx.execute(Prisma.sql`UPDATE products SET stock = stock + 1 WHERE id = ${second}`);
        } catch (err) {
          failures.push(err);
          throw err;
        }
      });
    await Promise.all([lockThen(a, b), lockThen(b, a)]);
    // The first attempts deadlock, so one of them is a victim. Its retry can deadlock again (CI saw four
    // attempts on 2026-12-02): the row the victim held is free as soon as the victim aborts, so its retry can
    // take it before the winner, waiting on the victim and slow to wake on a busy machine, gets to it. So: at
    // least one deadlock, every failure a deadlock, every one retried, both writes kept.
    expect(failures.length).toBeGreaterThanOrEqual(1);
    for (const err of failures) expect((err as { code?: string }).code).toBe('40P01');
    expect(attempts).toBe(2 + failures.length);
    const after = await db.product.findMany({ where: { id: { in: [a, b] } } });
    for (const p of after) expect(p.stock).toBe(products.find((x) => x.id === p.id)!.stock + 2);
  });

  it('re-prepares a statement whose result columns a migration changed, in and out of a transaction', async () => {
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      await admin.query('CREATE TABLE sql_client_probe (id int PRIMARY KEY)');
      await admin.query('INSERT INTO sql_client_probe VALUES (1)');
      const read = Prisma.sql`SELECT * FROM sql_client_probe WHERE id = ${1}`;
      // Prepared on every connection of the pool.
      await Promise.all(Array.from({ length: 4 }, () => sql.query(read)));
      await admin.query("ALTER TABLE sql_client_probe ADD COLUMN label text DEFAULT 'x'");
      expect(await sql.query(read)).toEqual([{ id: 1, label: 'x' }]);
      await admin.query('ALTER TABLE sql_client_probe ADD COLUMN more int DEFAULT 2');
      const inTx = await sql.transaction((tx) => tx.query(read));
      expect(inTx).toEqual([{ id: 1, label: 'x', more: 2 }]);
    } finally {
      await admin.query('DROP TABLE IF EXISTS sql_client_probe');
      await admin.end();
    }
  });
});

describe('queryThenCommit (a statement sent with its COMMIT)', () => {
  /** Waits, from another process, until backend `pid` no longer waits on a lock: that process runs while this one is blocked. */
  function waitOutsideForLockRelease(pid: number): string {
    const script = `
      const pg = require('pg');
      (async () => {
        const c = new pg.Client({ connectionString: process.env.URL });
        await c.connect();
        const until = Date.now() + 20000;
        let state = 'still waiting';
        while (Date.now() < until) {
          const r = await c.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [Number(process.env.PID)]);
          if (r.rows[0]?.wait_event_type !== 'Lock') { state = 'released'; break; }
          await new Promise((res) => setTimeout(res, 20));
        }
        await c.end();
        process.stdout.write(state);
      })();`;
    return execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, URL: testDatabaseUrl(), PID: String(pid) },
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  it('releases the rows it locked while this process is still busy: the COMMIT does not wait for its event loop', async () => {
    const database = createDatabase(testDatabaseUrl(), 2);
    const waiter = new pg.Client({ connectionString: testDatabaseUrl() });
    await waiter.connect();
    try {
      const { tenant } = await f.shop();
      const [{ pid }] = (await waiter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
      let outside = '';
      const rows = await database.checkoutSql.transaction(async (tx) => {
        await tx.execute(Prisma.sql`UPDATE tenants SET name = 'first' WHERE id = ${tenant.id}`);
        // Another buyer waits on the row this transaction holds.
        const waiting = waiter.query('UPDATE tenants SET name = $2 WHERE id = $1', [tenant.id, 'waiter']);
        await waitForLockWait(pid);
        const done = tx.queryThenCommit<{ name: string }>(
          Prisma.sql`UPDATE tenants SET name = 'last' WHERE id = ${tenant.id} RETURNING name`,
        );
        // From here this process does not run its event loop until the other process has seen the lock go
        // (or gave up after 20 s): only a COMMIT already on the wire can release it.
        outside = waitOutsideForLockRelease(pid);
        const result = await done;
        await waiting;
        return result;
      });
      expect(outside).toBe('released');
      expect(rows).toEqual([{ name: 'last' }]);
      expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).name).toBe('waiter');
    } finally {
      await waiter.end();
      await database.close();
    }
  });

  async function waitForLockWait(pid: number): Promise<void> {
    await waitFor(
      `backend ${pid} to wait on the lock`,
      async () =>
        (await sql.query<{ w: string | null }>(Prisma.sql`SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = ${pid}`))[0]?.w ===
        'Lock',
      { intervalMs: 10 },
    );
  }

  it('the checkout pool keeps its connections through a quiet spell; the shared pool closes idle ones', async () => {
    // Both pools with a short idle timeout (DATABASE_IDLE_TIMEOUT_MS, 10 s by default): the spell's length is not the
    // point, which pool closes its connections is.
    const database = createDatabase(testDatabaseUrl(), 3, { checkoutPoolSize: 3, idleTimeoutMs: 500 });
    try {
      const hold = (client: typeof database.sql) =>
        Promise.all([1, 2, 3].map(() => client.transaction((tx) => tx.query(Prisma.sql`SELECT pg_sleep(0.2)`))));
      let sharedOpened = 0;
      database.pool.on('connect', () => (sharedOpened += 1));
      // The checkout pool's connections go idle first, so with the same timeout any of them that could be closed
      // is closed before the shared pool's: once those are gone, the checkout pool's stayed open on purpose.
      await hold(database.checkoutSql);
      expect(database.checkoutPool.totalCount).toBe(3);
      await hold(database.sql);
      expect(sharedOpened).toBe(3);
      await waitFor('the shared pool to close its idle connections', async () => database.pool.totalCount === 0, { intervalMs: 50 });
      // A burst after the spell starts on backends that have the submit's statements prepared and caches warm.
      expect([database.checkoutPool.totalCount, database.pool.totalCount]).toEqual([3, 0]);
    } finally {
      await database.close();
    }
  });

  it("sends BEGIN, a checkout transaction's statement and its COMMIT in one round trip", async () => {
    const database = createDatabase(testDatabaseUrl(), 1, { checkoutPoolSize: 1 });
    try {
      const { tenant } = await f.shop();
      // What goes over the checkout connection, in order: what was written, and each answer read.
      const wire: string[] = [];
      const watched = new WeakSet<object>();
      database.checkoutPool.on('acquire', (client) => {
        const stream = (client as unknown as { connection: { stream: NodeJS.ReadWriteStream & { write: (...a: unknown[]) => boolean } } })
          .connection.stream;
        if (watched.has(stream)) return;
        watched.add(stream);
        const write = stream.write.bind(stream);
        stream.write = (chunk: unknown, ...rest: unknown[]) => {
          wire.push(`write ${Buffer.from(chunk as Uint8Array).toString('latin1')}`);
          return write(chunk, ...rest);
        };
        stream.on('data', () => wire.push('read'));
      });
      const rows = await database.checkoutSql.transaction((tx) =>
        tx.queryThenCommit<{ name: string }>(Prisma.sql`UPDATE tenants SET name = 'piped' WHERE id = ${tenant.id} RETURNING name`),
      );
      expect(rows).toEqual([{ name: 'piped' }]);
      // BEGIN, the statement and its COMMIT all went out before any answer came back: one round trip.
      const firstRead = wire.indexOf('read');
      const writes = wire.slice(0, firstRead === -1 ? wire.length : firstRead);
      expect(writes[0]).toContain('BEGIN');
      expect(writes.some((w) => w.includes('UPDATE tenants'))).toBe(true);
      expect(writes.some((w) => w.includes('COMMIT'))).toBe(true);
      expect(wire.slice(firstRead).some((w) => w.startsWith('write'))).toBe(false);
    } finally {
      await database.close();
    }
  });

  for (const pipelining of [true, false]) {
    it(`a failed check rolls the whole transaction back and throws the statement's error (${pipelining ? 'pipelining' : 'plain'} pool)`, async () => {
      const database = createDatabase(testDatabaseUrl(), 1, { checkoutPoolSize: 1 });
      try {
        const client = pipelining ? database.checkoutSql : database.sql;
        const { tenant } = await f.shop();
        let attempts = 0;
        const err = await client
          .transaction(async (tx) => {
            attempts += 1;
            await tx.execute(Prisma.sql`UPDATE tenants SET name = 'changed' WHERE id = ${tenant.id}`);
            return tx.queryThenCommit(Prisma.sql`
              WITH u AS (UPDATE tenants SET "nextOrderNumber" = "nextOrderNumber" + 1 WHERE id = ${tenant.id} RETURNING "nextOrderNumber" AS n)
              SELECT ${raiseIfSql(Prisma.sql`(SELECT n FROM u) > 0`, 'probe', Prisma.sql`(SELECT json_build_object('n', n) FROM u)`)} AS checked`);
          })
          .catch((e: unknown) => e);
        expect(checkFailure(err)).toEqual({ name: 'probe', found: { n: tenant.nextOrderNumber + 1 } });
        expect(attempts).toBe(1);
        const after = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
        expect([after.name, after.nextOrderNumber]).toEqual([tenant.name, tenant.nextOrderNumber]);
        // The pool's one connection went back clean and usable.
        for (let i = 0; i < 3; i++) {
          const rows = await client.transaction((tx) =>
            tx.queryThenCommit<{ name: string }>(Prisma.sql`UPDATE tenants SET name = ${`n${i}`} WHERE id = ${tenant.id} RETURNING name`),
          );
          expect(rows).toEqual([{ name: `n${i}` }]);
        }
        expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).name).toBe('n2');
      } finally {
        await database.close();
      }
    });
  }
});
