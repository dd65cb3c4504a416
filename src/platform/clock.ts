/** The one source of "now" for domain code, so tests can move time (session expiry, invoice links). */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
