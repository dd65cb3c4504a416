// Reading rows that are due at the injected clock's now: the now as SQL, and the rows (read by id after the
// query chose them) put back in the order the query chose.
import { Prisma } from './prisma.js';

/** The injected clock's now as a timestamp in UTC (the zone of the tables' timestamp columns), for SQL. */
export const sqlUtcNow = (now: Date): Prisma.Sql => Prisma.sql`(to_timestamp(${now.getTime()}::float8 / 1000) AT TIME ZONE 'UTC')`;

/** `rows` in the order of `ids` (a findMany by id returns them in no particular order). */
export function inIdOrder<T extends { id: string }>(ids: readonly string[], rows: T[]): T[] {
  const position = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
}
