// The one date format of the admin surfaces: "Nov 30, 2026, 3:51 PM NZDT", in the shop's time zone (an IANA
// name, Tenant.timeZone). Stored times stay UTC; only display converts.
/** The format's options (also handed to the panel's browser code, which formats with the same rule). */
export const DATE_TIME_FORMAT: Readonly<Intl.DateTimeFormatOptions> = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** A day alone, "Dec 16, 2026": where a row has room for the date but not the time (the orders list on a phone). */
export const DATE_FORMAT: Readonly<Intl.DateTimeFormatOptions> = { year: 'numeric', month: 'short', day: 'numeric' };

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * True for a time zone name a shop may be given: one the runtime knows that is a tz database region name
 * ("Europe/Berlin", "America/New_York", "Etc/GMT+5") or UTC / GMT. Not an abbreviation ("IST", "BST", "PST", "AST"),
 * though the runtime takes some: ICU reads "IST" as India and "BST" as Bangladesh, while PostgreSQL (the exports'
 * and the tax report's days, `AT TIME ZONE`) reads them as Israel and British Summer Time, and "PST" as UTC-8 all
 * year where ICU follows Los Angeles' daylight saving: the panel and the reports would count different days.
 * A name stored before this rule still formats (isValidTimeZone).
 */
export function isShopTimeZone(name: string): boolean {
  return (name.includes('/') || /^(UTC|GMT)$/i.test(name)) && isValidTimeZone(name);
}

/** What isShopTimeZone asks for, as Settings and the operator's shop:create say it. */
export const SHOP_TIME_ZONE_MESSAGE =
  'an IANA time zone name, e.g. America/New_York or Europe/Berlin (not an abbreviation such as IST or PST)';

/** True for a time zone name the runtime knows ("Europe/Berlin", "UTC"). */
export function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function formatDateTime(value: Date | string | number | null | undefined, timeZone = 'UTC'): string {
  return format(value, timeZone, 'date-time');
}

/** The shop's day of an instant, "Dec 16, 2026" (DATE_FORMAT): the day in the shop's zone, not the server's or the admin's. */
export function formatDate(value: Date | string | number | null | undefined, timeZone = 'UTC'): string {
  return format(value, timeZone, 'date');
}

function format(value: Date | string | number | null | undefined, timeZone: string, kind: 'date' | 'date-time'): string {
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const key = `${kind} ${zone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...(kind === 'date' ? DATE_FORMAT : DATE_TIME_FORMAT), timeZone: zone });
    formatters.set(key, f);
  }
  return f.format(date);
}
