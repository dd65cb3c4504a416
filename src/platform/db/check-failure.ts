// A check made inside a statement that must fail whole when the check does not hold: the statement raises
// (raise_check_failed, migration 20261201200000) instead of reporting it in a column for the caller to roll
// back. Used where the statement is sent together with its COMMIT (sql.ts queryThenCommit), so there is no
// later moment to roll back in.
import { Prisma } from './prisma.js';

/** The SQLSTATE raise_check_failed raises. */
const CHECK_FAILED = 'LL001';

/** A SQL expression that raises check `name`, with `found` (a JSON expression) as detail, when `failed` is true. */
export function raiseIfSql(failed: Prisma.Sql, name: string, found: Prisma.Sql = Prisma.sql`NULL::json`): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${failed} THEN raise_check_failed(${name}::text, (${found})::json) END`;
}

/** The check that failed in `err` (raised by raiseIfSql) and what the statement found, or null for any other error. */
export function checkFailure(err: unknown): { name: string; found: unknown } | null {
  const e = err as { code?: unknown; message?: unknown; detail?: unknown } | null;
  if (e?.code !== CHECK_FAILED || typeof e.message !== 'string') return null;
  let found: unknown = null;
  try {
    found = typeof e.detail === 'string' ? JSON.parse(e.detail) : null;
  } catch {
    found = null;
  }
  return { name: e.message, found };
}
