// The test file's own database (created by test/setup-file.ts), and a Prisma client and the plain-SQL
// client on it (one pool, as the service has: src/platform/db/database.ts).
import { createDatabase, type Database } from '../../src/platform/db/database.js';
import type { Db } from '../../src/platform/db/prisma.js';
import type { SqlClient } from '../../src/platform/db/sql.js';

let database: Database | undefined;

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run tests through vitest (test/setup-file.ts)');
  return url;
}

/** One shared client per test file. `poolSize` only applies to the first call (of testDb or testSql). */
export function testDb(poolSize = 20): Db {
  database ??= createDatabase(testDatabaseUrl(), poolSize);
  return database.db;
}

/** The plain-SQL client on testDb's pool. */
export function testSql(poolSize = 20): SqlClient {
  database ??= createDatabase(testDatabaseUrl(), poolSize);
  return database.sql;
}

/** The checkout submits' client on testDb's database: statements on its pool, transactions on the pipelining checkout pool. */
export function testCheckoutSql(poolSize = 20): SqlClient {
  database ??= createDatabase(testDatabaseUrl(), poolSize);
  return database.checkoutSql;
}

export async function closeTestDb(): Promise<void> {
  await database?.close();
  database = undefined;
}

/** Deletes every row of the application tables (not the job queue's schema), for tests sharing a file. */
export async function truncateAll(db: Db = testDb()): Promise<void> {
  const rows = await db.$queryRaw<
    { tablename: string }[]
  >`SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (rows.length) await db.$executeRawUnsafe(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} CASCADE`);
  await db.$executeRawUnsafe('DELETE FROM graphile_worker._private_jobs');
}
