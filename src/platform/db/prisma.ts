import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../../generated/prisma/index.js';

export { Prisma, PrismaClient };
export type Db = PrismaClient;
/** The client inside an interactive transaction. Services accept it so callers can compose one transaction. */
export type Tx = Prisma.TransactionClient;

/** A Prisma client on its own pool, for scripts and tests that need nothing else (the service uses createDatabase). */
export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  return new PrismaClient({ adapter });
}

/** Serialization failures and deadlocks are safe to retry: the transaction did nothing. Prisma's errors or pg's. */
export function isRetryableTxError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; meta?: { code?: string } } | undefined;
  if (!e) return false;
  if (e.code === 'P2034' || e.code === '40001' || e.code === '40P01') return true;
  const msg = `${e.message ?? ''} ${e.meta?.code ?? ''}`;
  return /40001|40P01|could not serialize|deadlock detected/i.test(msg);
}

/** True when the error (Prisma's or pg's) is a unique-constraint violation (optionally on a given constraint/field). */
export function isUniqueViolation(err: unknown, target?: string): boolean {
  const e = err as { code?: string; meta?: { target?: unknown; driverAdapterError?: unknown }; message?: string; constraint?: string } | undefined;
  if (!e) return false;
  const unique = e.code === 'P2002' || e.code === '23505' || /23505|Unique constraint/i.test(e.message ?? '');
  if (!unique || !target) return unique;
  return JSON.stringify(e.meta ?? {}).includes(target) || (e.message ?? '').includes(target) || (e.constraint ?? '').includes(target);
}

/** The pause before retrying a transaction: short, growing, jittered so the retried rivals do not collide again. */
export function retryPause(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
}

/**
 * Runs `fn` in an interactive transaction, retrying on serialization failure or deadlock.
 * Preconditions must be checked inside `fn` (row locks / conditional updates), never before it.
 */
export async function withTransaction<T>(
  db: PrismaClient,
  fn: (tx: Tx) => Promise<T>,
  opts: { isolationLevel?: Prisma.TransactionIsolationLevel; retries?: number; timeoutMs?: number } = {},
): Promise<T> {
  const retries = opts.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(fn, {
        // Unset means PostgreSQL's default, Read Committed, without the extra SET TRANSACTION round trip.
        ...(opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : {}),
        timeout: opts.timeoutMs ?? 15_000,
        maxWait: 10_000,
      });
    } catch (err) {
      if (attempt < retries && isRetryableTxError(err)) {
        await retryPause(attempt);
        continue;
      }
      throw err;
    }
  }
}
