// The one clock of order-session expiry: a session lives ORDER_SESSION_TTL_MINUTES after its last activity.
// Every step, review, resume and submit asks this object (instead of each doing its own `now + ttl` and
// `expiresAt <= now`), so "when does a session expire" has one answer.
import type { Clock } from '../../../platform/clock.js';

export interface SessionClock {
  now(): Date;
  /** The expiry a session touched at `now` gets. */
  expiresAt(now: Date): Date;
  /** Whether a session with this expiry is over at `now`. */
  isExpired(session: { expiresAt: Date }, now: Date): boolean;
  /** The oldest moment still within one TTL of `now` (a repeat submit returns an order submitted since). */
  withinTtlSince(now: Date): Date;
}

export function createSessionClock(clock: Clock, ttlMinutes: number): SessionClock {
  const ttlMs = ttlMinutes * 60_000;
  return {
    now: () => clock.now(),
    expiresAt: (now) => new Date(now.getTime() + ttlMs),
    isExpired: (s, now) => s.expiresAt <= now,
    withinTtlSince: (now) => new Date(now.getTime() - ttlMs),
  };
}
