// The plain-SQL client of the order flow (src/platform/db/sql.ts), against the real database: it must
// read and write exactly what Prisma does, roll back and retry like withTransaction, and survive a
// migration that changes a prepared statement's result columns.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, isUniqueViolation } from '../../src/platform/db/prisma.js';
import { queryRows } from '../../src/platform/db/sql.js';
import { closeTestDb, testDatabaseUrl, testDb, testSql } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

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
    let release!: () => void;
    const bothLocked = new Promise<void>((r) => {
      release = r;
    });
    let locked = 0;
    const lockThen = (first: string, second: string) =>
      sql.transaction(async (tx) => {
        attempts += 1;
        await tx.execute(Prisma.sql`UPDATE products SET stock = stock + 1 WHERE id = ${first}`);
        if (++locked === 2) release();
        await bothLocked;
        await tx.execute(Prisma.sql`UPDATE products SET stock = stock + 1 WHERE id = ${second}`);
      });
    await Promise.all([lockThen(a, b), lockThen(b, a)]);
    expect(attempts).toBe(3); // two first attempts, one of them a deadlock victim, retried once
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
