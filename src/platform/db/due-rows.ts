// Reading rows that are due at the injected clock's now: the now as SQL, the rule "asked again after a share of
// its age" (as a test of a row at a given now, and as the instant a row asked at a given time is due again, for
// a table that stores it and reads it by index), and the rows (read by id after the query chose them) put back
// in the order the query chose.
import { Prisma } from './prisma.js';

/** The injected clock's now as a timestamp in UTC (the zone of the tables' timestamp columns), for SQL. */
export const sqlUtcNow = (now: Date): Prisma.Sql => Prisma.sql`(to_timestamp(${now.getTime()}::float8 / 1000) AT TIME ZONE 'UTC')`;

/**
 * SQL true when row `c`'s `column` still holds `seen`, the value a selection read (null: never set), compared at the
 * millisecond it was stored: the compare-and-set of a claim, which of two runs at once only one passes. `column` is a
 * column name, a constant of the caller.
 */
export function stillAsRead(column: string, seen: Date | null): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(`c."${column}"`)} IS NOT DISTINCT FROM ${seen ? sqlUtcNow(seen) : null}`;
}

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

/**
 * SQL: the instant at which row `c` (made at c."createdAt"), asked at `checked` (an SQL timestamp), is due again
 * by the same rule as dueAgainByAge: for any `t`, dueAgainByAge(t) holds exactly when this is <= t. Since the
 * time since the ask, d, must reach clamp((age at the ask + d) / ageDivisor), and d - (age + d) / k grows with d,
 * the first d that does is clamp(age at the ask / (ageDivisor - 1)) (test/platform/due-rows.test.ts walks both
 * forms over a grid). For tables that store when a row is due and read the due ones by an index.
 */
export function nextDueByAge(checked: Prisma.Sql, every: AgeRecheck): Prisma.Sql {
  return Prisma.sql`(${checked} + make_interval(secs =>
    LEAST(${every.maxSeconds}::int, GREATEST(${every.minSeconds}::int,
      EXTRACT(EPOCH FROM (${checked} - c."createdAt")) / ${every.ageDivisor - 1}::int))))`;
}
