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

const formatters = new Map<string, Intl.DateTimeFormat>();

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
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...DATE_TIME_FORMAT, timeZone: zone });
    formatters.set(zone, f);
  }
  return f.format(date);
}
