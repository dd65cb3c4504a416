// The service's database access: ONE pg pool, shared by the Prisma client (most of the code) and the
// plain-SQL client (the order flow's hot path, sql.ts), so both count against one DATABASE_POOL_SIZE.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Db } from './prisma.js';
import { createSqlClient, type SqlClient } from './sql.js';

export interface Database {
  db: Db;
  sql: SqlClient;
  /** Disconnects Prisma and ends the pool. */
  close(): Promise<void>;
}

/**
 * `onPoolError`: an idle connection failed (the server restarted, a network drop); the pool drops it and
 * opens a new one when needed.
 */
export function createDatabase(databaseUrl: string, poolSize = 10, onPoolError?: (err: Error) => void): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  pool.on('error', (err) => onPoolError?.(err));
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    sql: createSqlClient(pool),
    async close() {
      await db.$disconnect();
      if (!pool.ended) await pool.end();
    },
  };
}
