// Reading rows that are due at the injected clock's now: the now as SQL, the rule "asked again after a share of
// its age", and the rows (read by id after the query chose them) put back in the order the query chose.
import { Prisma } from './prisma.js';

/** The injected clock's now as a timestamp in UTC (the zone of the tables' timestamp columns), for SQL. */
export const sqlUtcNow = (now: Date): Prisma.Sql => Prisma.sql`(to_timestamp(${now.getTime()}::float8 / 1000) AT TIME ZONE 'UTC')`;

/** `rows` in the order of `ids` (a findMany by id returns them in no particular order). */
export function inIdOrder<T extends { id: string }>(ids: readonly string[], rows: T[]): T[] {
  const position = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
}

/** How often a row is asked about again: after 1/`ageDivisor` of its age, at least `minSeconds`, at most `maxSeconds`. */
export interface AgeRecheck {
  ageDivisor: number;
  minSeconds: number;
  maxSeconds: number;
}

/**
 * SQL true when row `c`, made at c."createdAt", is due again at `t` (sqlUtcNow): never asked (`checkedColumn` null),
 * or last asked longer ago than its interval (AgeRecheck). `checkedColumn` is a column name, a constant of the caller.
 */
export function dueAgainByAge(t: Prisma.Sql, checkedColumn: string, every: AgeRecheck): Prisma.Sql {
  const checked = Prisma.raw(`c."${checkedColumn}"`);
  return Prisma.sql`(${checked} IS NULL OR ${checked} <= ${t} - make_interval(secs =>
    LEAST(${every.maxSeconds}::int, GREATEST(${every.minSeconds}::int,
      EXTRACT(EPOCH FROM (${t} - c."createdAt")) / ${every.ageDivisor}::int))))`;
}
