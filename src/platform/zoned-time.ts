// A time a person typed as the shop's wall clock ("15 Dec 2026, 09:00 in America/New_York") made into the
// instant stored (UTC). The admin panel's date fields send what was typed with the shop's zone attached, in the
// RFC 9557 form "2026-12-15T09:00[America/New_York]"; a value that already names its instant ("...Z",
// "...+01:00") is taken as it is. Temporal (the TC39 reference polyfill) does the parsing and the zone rules.
import { Temporal } from '@js-temporal/polyfill';

/**
 * The instant of `text`, or null if it is not a date-time that names its instant or its zone.
 * A wall time that a daylight-saving change skips (02:30 on a spring-forward night) is moved forward by the
 * gap (03:30); one it repeats (01:30 on a fall-back night) is the first of the two. That is Temporal's
 * 'compatible' rule, the one calendars and RFC 5545 use. A date-time with neither zone nor offset is refused:
 * it could mean any of 24 instants.
 */
export function parseInstant(text: string): Date | null {
  const value = text.trim();
  try {
    const ms = value.includes('[')
      ? Temporal.ZonedDateTime.from(value, { disambiguation: 'compatible', offset: 'reject' }).epochMilliseconds
      : Temporal.Instant.from(value).epochMilliseconds;
    return new Date(ms);
  } catch {
    return null;
  }
}

const DAY_IN_ZONE = /^(\d{4}-\d{2}-\d{2})\[([^\]]+)\]$/;

/** The earliest year a date filter or export range may name (no order is older; PostgreSQL has no year 0). */
export const FIRST_YEAR = 1900;
/** The latest year a stored date may have: the database driver refuses year 10000 (a 500, not a refusal). */
export const LAST_YEAR = 9999;
/** The last instant of LAST_YEAR (UTC): the latest the database driver writes or compares (year 10000 is refused). */
export const LATEST_INSTANT = new Date(`${LAST_YEAR}-12-31T23:59:59.999Z`);

/**
 * True for a calendar day written YYYY-MM-DD that exists (not 2026-02-30, which Date rolls over to 2 March)
 * and is no earlier than FIRST_YEAR. The one check of a day a REST filter or an export range names.
 */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  try {
    return Temporal.PlainDate.from(text, { overflow: 'reject' }).year >= FIRST_YEAR;
  } catch {
    return false;
  }
}

/**
 * One end of a date range filter. A day in a zone, "2026-12-01[America/New_York]", starts at that day's first
 * instant (`edge` 'start') or ends at its last millisecond ('end'), so "from 1 Dec to 1 Dec" is the whole of the
 * shop's 1 December, daylight-saving days included (23 or 25 hours). Anything else is read by `parseInstant`.
 */
export function dayBound(text: string, edge: 'start' | 'end'): Date | null {
  const day = DAY_IN_ZONE.exec(text.trim());
  if (!day) return parseInstant(text);
  try {
    const date = Temporal.PlainDate.from(day[1]!, { overflow: 'reject' });
    const timeZone = day[2]!;
    if (edge === 'start') return new Date(date.toZonedDateTime({ timeZone }).epochMilliseconds);
    return new Date(date.add({ days: 1 }).toZonedDateTime({ timeZone }).epochMilliseconds - 1);
  } catch {
    return null;
  }
}

/** The date it is in `timeZone` at `now`: the shop's today, whatever zone the server or the admin's browser is in. */
export function todayIn(timeZone: string, now: Date = new Date()): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone).toPlainDate();
}
