// The service's database access: ONE pg pool, shared by the Prisma client (most of the code) and the
// plain-SQL client (the order flow's hot path, sql.ts), so both count against one DATABASE_POOL_SIZE; and a
// second, small pool (DATABASE_CHECKOUT_POOL_SIZE) that only checkout submits' transactions use.
//
// Why a pool of their own: a submit's transaction locks rows other submits of the same shop need (its
// stock, its discount's usage, its order counter), so in a flash sale most submits are waiting on a lock,
// each holding a connection while it waits. On the shared pool they took every connection and the other
// steps (and the admin panel, and /readyz) queued behind them: product-step p99 went from 16 ms to 9-12 s
// while 50 confirms/s ran (issue 16). On their own pool at most DATABASE_CHECKOUT_POOL_SIZE submits hold a
// connection; the rest wait in the pool's queue, in memory, bounded by DATABASE_ACQUIRE_TIMEOUT_MS, and the
// shared pool keeps serving everything else. More connections would not make submits of one shop faster
// (they serialise on the same rows); a few let submits of different shops, which share no rows, overlap.
// The checkout pool's connections pipeline (pg's `pipeline`): a submit sends its last statement and COMMIT
// together (sql.ts queryThenCommit), so the shop's hot rows are held only while PostgreSQL runs them.
//
// Faults (see db-faults.ts): every connection gets an 'error' listener when the pool opens it, so a
// connection dropped while checked out (pg_terminate_backend, a PostgreSQL restart) fails the one query
// that used it instead of emitting an unhandled 'error' that ends the process. Time budgets: waiting for a
// connection is bounded (acquireTimeoutMs) and every statement is bounded server-side (statement_timeout)
// and client-side a little later (query_timeout, for a server that stopped answering at all).
import pg from 'pg';
import { FaultTolerantPrismaPg } from './prisma-pg-adapter.js';
import { PrismaClient, type Db } from './prisma.js';
import { createSqlClient, type SqlClient } from './sql.js';

export interface Database {
  db: Db;
  sql: SqlClient;
  /** Single statements on the shared pool, transactions on the checkout pool: for checkout submits. */
  checkoutSql: SqlClient;
  pool: pg.Pool;
  checkoutPool: pg.Pool;
  /** Disconnects Prisma and ends the pool. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A connection failed (idle, or in use: its query fails on its own); the pool opens a new one when needed. */
  onConnectionError?: (err: Error) => void;
  /** How long a caller waits for a free connection (or a new one to open) before failing. Default 5 s. */
  acquireTimeoutMs?: number;
  /** Server-side bound on each statement, lock waits included. Default 15 s (transactions may set their own). */
  statementTimeoutMs?: number;
  /** Connections of the checkout submit pool (default 4). */
  checkoutPoolSize?: number;
  /** How long an idle connection stays open. Default 10 s (pg's); the checkout pool keeps its connections open. */
  idleTimeoutMs?: number;
}

export function createPool(
  databaseUrl: string,
  max: number,
  opts: DatabaseOptions & { pipeline?: boolean; keepOpen?: boolean } = {},
): pg.Pool {
  const statementTimeout = opts.statementTimeoutMs ?? 15_000;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    pipeline: opts.pipeline ?? false,
    // keepOpen: connections once opened stay open (pg closes idle ones above `min` after idleTimeoutMs), so a burst
    // after a quiet spell does not start on new backends that must load their caches and prepare and plan
    // every statement again.
    ...(opts.keepOpen ? { min: max } : {}),
    connectionTimeoutMillis: opts.acquireTimeoutMs ?? 5_000,
    idleTimeoutMillis: opts.idleTimeoutMs ?? 10_000,
    statement_timeout: statementTimeout,
    // A transaction left open by a caller that died must not hold its locks forever.
    idle_in_transaction_session_timeout: Math.max(statementTimeout, 60_000),
    // The server may be frozen rather than down: give up a little after the server-side bound would have.
    query_timeout: statementTimeout + 5_000,
    keepAlive: true,
  });
  const onError = (err: Error) => opts.onConnectionError?.(err);
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

export function createDatabase(databaseUrl: string, poolSize: number, opts: DatabaseOptions | ((err: Error) => void) = {}): Database {
  const options = typeof opts === 'function' ? { onConnectionError: opts } : opts;
  const pool = createPool(databaseUrl, poolSize, options);
  // Opens connections only when a submit needs one (pg pools are lazy).
  const checkoutPool = createPool(databaseUrl, options.checkoutPoolSize ?? 4, { ...options, pipeline: true, keepOpen: true });
  const db = new PrismaClient({ adapter: new FaultTolerantPrismaPg(pool) });
  return {
    db,
    sql: createSqlClient(pool),
    checkoutSql: createSqlClient(pool, { transactionPool: checkoutPool }),
    pool,
    checkoutPool,
    async close() {
      await db.$disconnect();
      if (!pool.ended) await pool.end();
      if (!checkoutPool.ended) await checkoutPool.end();
    },
  };
}
