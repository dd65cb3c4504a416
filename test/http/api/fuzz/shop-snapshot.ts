// A digest of everything a shop holds, per table, for the REST fuzz's "a refused request changes nothing" and
// "another shop is never touched" properties. One query: every table with a "tenantId" column (found in the
// database, so a table added later is covered), the order lines through their orders, the shop's own row and the
// job queue. Left out: what every authenticated request writes by design (the API key's lastUsedAt, the
// idempotency record of a kept answer, the rate limiter's counters).
import type { Db } from '../../../../src/platform/db/prisma.js';
import { Prisma } from '../../../../src/platform/db/prisma.js';

const BOOKKEEPING = new Set(['api_keys', 'idempotency_keys', 'rate_limits']);

export type ShopSnapshot = Record<string, string>;

/** Reads the shop tables once; the returned function takes a snapshot of one shop. */
export async function shopSnapshotter(db: Db): Promise<(tenantId: string) => Promise<ShopSnapshot>> {
  const tables = (
    await db.$queryRaw<{ table_name: string }[]>`
      SELECT table_name::text AS table_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name = 'tenantId' ORDER BY table_name`
  )
    .map((r) => r.table_name)
    .filter((name) => !BOOKKEEPING.has(name));
  const digest = (from: string, where: string, label: string) =>
    `SELECT '${label}' AS name, coalesce(md5(string_agg(to_jsonb(x)::text, E'\\n' ORDER BY to_jsonb(x)::text)), '-') || ':' || count(*) AS digest FROM ${from} WHERE ${where}`;
  const parts = [
    ...tables.map((name) => digest(`"${name}" x`, `x."tenantId" = $1`, name)),
    digest(`order_items x JOIN orders o ON o.id = x."orderId"`, `o."tenantId" = $1`, 'order_items'),
    digest(`tenants x`, `x.id = $1`, 'tenants'),
  ];
  const sql = parts.join('\nUNION ALL\n');
  return async (tenantId) => {
    const rows = await db.$queryRawUnsafe<{ name: string; digest: string }[]>(sql, tenantId);
    return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
  };
}

/** The job queue's size: a refused request adds no job (notifications, webhooks...). */
export async function queuedJobs(db: Db): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>(
    Prisma.sql`SELECT ((SELECT count(*) FROM graphile_worker._private_jobs) + (SELECT count(*) FROM lane_jobs))::int AS n`,
  );
  return row!.n;
}
