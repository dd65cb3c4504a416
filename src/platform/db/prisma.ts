import { Prisma, PrismaClient } from '../../generated/prisma/index.js';
import { hasErrorCode, hasErrorMessage, isDatabaseTimeout, isDatabaseUnavailable } from './db-faults.js';
import { FaultTolerantPrismaPg } from './prisma-pg-adapter.js';

export { Prisma, PrismaClient };
export type Db = PrismaClient;
/** The client inside an interactive transaction. Services accept it so callers can compose one transaction. */
export type Tx = Prisma.TransactionClient;

/** A Prisma client on its own pool, for scripts and tests that need nothing else (the service uses createDatabase). */
export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const adapter = new FaultTolerantPrismaPg({ connectionString: databaseUrl, max: poolSize });
  return new PrismaClient({ adapter });
}

/** Serialization failures and deadlocks are safe to retry: the transaction did nothing. Prisma's errors or pg's. */
const RETRYABLE_TX_CODES = new Set(['P2034', '40001', '40P01']);

/**
 * A serialization failure or a deadlock: the transaction did nothing and may run again. Read from the error's
 * codes (Prisma's P2034; pg's SQLSTATE, also inside Prisma's driver-adapter error) and its own message, never
 * from Prisma's code frame (db-faults.ts ownMessage).
 */
export function isRetryableTxError(err: unknown): boolean {
  return hasErrorCode(err, RETRYABLE_TX_CODES) || hasErrorMessage(err, /could not serialize access|deadlock detected/i);
}

/** True when the error (Prisma's or pg's) is a unique-constraint violation (optionally on a given constraint/field). */
export function isUniqueViolation(err: unknown, target?: string): boolean {
  const e = err as
    { code?: string; meta?: { target?: unknown; driverAdapterError?: unknown }; message?: string; constraint?: string } | undefined;
  if (!e) return false;
  const unique = e.code === 'P2002' || e.code === '23505' || /23505|Unique constraint/i.test(e.message ?? '');
  if (!unique || !target) return unique;
  return JSON.stringify(e.meta ?? {}).includes(target) || (e.message ?? '').includes(target) || (e.constraint ?? '').includes(target);
}

/** The pause before retrying a transaction: short, growing, jittered so the retried rivals do not collide again. */
export function retryPause(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
}

/** How often a transaction whose connection was lost before COMMIT is run again, and the pauses before each. */
export const LOST_CONNECTION_RETRIES = 2;
function lostConnectionPause(attempt: number): Promise<void> {
  // 50 ms then 200 ms (jittered): long enough for the pool to open a fresh connection after a terminated
  // backend, short enough that a request's time budget is not spent waiting on a database that is down.
  return new Promise((r) => setTimeout(r, 50 * 4 ** attempt * (0.75 + Math.random() / 2)));
}

/**
 * Runs `fn` in an interactive transaction, retrying on serialization failure or deadlock, and retrying it
 * whole (at most LOST_CONNECTION_RETRIES times, with a growing pause) when the connection died before COMMIT
 * was sent: PostgreSQL then rolled the transaction back, so nothing of it happened. Never after `fn`
 * returned: Prisma sends COMMIT then, and a connection lost during COMMIT leaves the outcome unknown (the
 * server may have committed before the connection died), so running `fn` again could apply it twice; that
 * error goes to the caller, as sql.transaction does (sql.ts).
 * Preconditions must be checked inside `fn` (row locks / conditional updates), never before it. `fn` may run
 * more than once, so it must not have effects outside the transaction.
 */
export async function withTransaction<T>(
  db: PrismaClient,
  fn: (tx: Tx) => Promise<T>,
  opts: { isolationLevel?: Prisma.TransactionIsolationLevel; retries?: number; timeoutMs?: number } = {},
): Promise<T> {
  const retries = opts.retries ?? 5;
  let lostConnections = 0;
  for (let attempt = 0; ; attempt++) {
    // Set once `fn` has returned: from then on Prisma may have sent COMMIT.
    let committing = false;
    try {
      return await db.$transaction(
        async (tx) => {
          const result = await fn(tx);
          committing = true;
          return result;
        },
        {
          // Unset means PostgreSQL's default, Read Committed, without the extra SET TRANSACTION round trip.
          ...(opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : {}),
          timeout: opts.timeoutMs ?? 15_000,
          maxWait: 10_000,
        },
      );
    } catch (err) {
      if (!committing && lostConnections < LOST_CONNECTION_RETRIES && isConnectionLost(err)) {
        await lostConnectionPause(lostConnections++);
        continue;
      }
      if (attempt < retries && isRetryableTxError(err)) {
        await retryPause(attempt);
        continue;
      }
      throw err;
    }
  }
}

/**
 * The connection under the transaction died or could not be had (server terminated it, restarted, or is
 * not reachable): the transaction did not commit. Not statement timeouts: the work may be too slow, and
 * running it again would only wait as long once more.
 */
function isConnectionLost(err: unknown): boolean {
  return isDatabaseUnavailable(err) && !isDatabaseTimeout(err) && !waitedForConnection(err);
}

/** A connection could not be had in time (pool exhausted or server slow to accept): waiting again only doubles the wait. */
function waitedForConnection(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return e?.code === 'P2024' || /timeout exceeded when trying to connect|Timed out fetching a new connection/i.test(e?.message ?? '');
}
