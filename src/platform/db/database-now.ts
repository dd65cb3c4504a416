// The database's clock: the one every rule that compares a time the database wrote (a row's createdAt, a deadline)
// with "now" reads it by. Several instances of the service run, and their clocks differ from each other and from
// PostgreSQL's by seconds or more; read by an instance's own clock (new Date(), the injected Clock), the same row
// was judged one way on one instance and the other way on the next. A deadline another rule judges by it is set by
// it too: counted from its now (an extension's extra minutes, a renewal's start, a late deadline's floor) and checked
// against it (an "until" in the future, a reminder's "now if already due"). The injected Clock stays the source of
// times that are only shown or scheduled (a job's run time, a message's date), not of a comparison with a stored time.
// One exception, on purpose: daily housekeeping (modules/housekeeping) cuts its retentions (days to months, and a
// provider's late-money window of days) at the injected clock's now. Seconds or minutes of skew move nothing that
// matters at that scale, and its tests date rows against that clock.
import type { Clock } from '../clock.js';
import { Prisma, type Db, type Tx } from './prisma.js';

/**
 * The database's now. In a transaction, the time it began (PostgreSQL's now()), the same for every statement of it:
 * read once per transaction and used for every decision in it, so a write that acts on a window may be guarded by it.
 */
export async function databaseNow(db: Db | Tx): Promise<Date> {
  const [{ now }] = await db.$queryRaw<[{ now: Date }]>`SELECT now() AS now`;
  return now;
}

/**
 * The database's clock at this very moment (PostgreSQL's clock_timestamp(), not the transaction's start). A row written
 * under a lock (a refund or a receipt, under its order's row lock) is dated by it, so rows written one after the other
 * are dated in that order whatever instance wrote them (a transaction's now() is when it began, which may be before an
 * earlier holder of the lock wrote its row).
 */
export async function databaseClockNow(db: Pick<Tx, '$queryRaw'>): Promise<Date> {
  const [{ now }] = await db.$queryRaw<[{ now: Date }]>`SELECT clock_timestamp() AS now`;
  return now;
}

/**
 * `at`, an instant read on this instance's `clock` (when a command was sent), on the database's clock: the database's
 * clock now minus how long ago `at` was by this instance's clock. The instance's offset from the database's cancels
 * out, so it compares with a row the database dated (databaseClockNow) as two readings of one clock do.
 */
export async function onDatabaseClock(db: Pick<Tx, '$queryRaw'>, at: Date, clock: Clock): Promise<Date> {
  const now = await databaseClockNow(db);
  return new Date(now.getTime() - Math.max(0, clock.now().getTime() - at.getTime()));
}

/** The database's now in SQL, as a timestamp in UTC (the zone of the tables' timestamp columns): databaseNow inside a statement. */
export const SQL_DATABASE_NOW: Prisma.Sql = Prisma.sql`(now() AT TIME ZONE 'UTC')`;

/**
 * The database's clock at this very moment in SQL, as a timestamp in UTC: databaseClockNow inside a statement, for a
 * row dated when it is written (after any lock its statement waited on), whatever instance wrote it.
 */
export const SQL_DATABASE_CLOCK_NOW: Prisma.Sql = Prisma.sql`(clock_timestamp() AT TIME ZONE 'UTC')`;

/**
 * One instant of the database's clock as `n.at`, for `UPDATE … FROM ${DATABASE_CLOCK_INSTANT}` setting several columns
 * (a read's date, updatedAt, the next due date counted from it) to the same value.
 */
export const DATABASE_CLOCK_INSTANT: Prisma.Sql = Prisma.sql`(SELECT ${SQL_DATABASE_CLOCK_NOW} AS at) n`;
