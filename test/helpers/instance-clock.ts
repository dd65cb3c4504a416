// Another instance of the service, whose clock is off from the database's: its injected Clock (skewedClock), or
// everything it does by its own clock, Date included (onInstanceSkewed: Prisma's and new Date()'s "now").
import { vi } from 'vitest';
import type { Clock } from '../../src/platform/clock.js';
import { databaseNow } from '../../src/platform/db/database-now.js';
import type { Db } from '../../src/platform/db/prisma.js';

/** A Clock reading the database's now plus `secs` (behind when negative), moving as real time does. */
export async function skewedClock(db: Db, secs: number): Promise<Clock> {
  const offsetMs = (await databaseNow(db)).getTime() - Date.now() + secs * 1000;
  return { now: () => new Date(Date.now() + offsetMs) };
}

/** Runs `fn` as an instance whose own clock (Date) reads the database's now plus `secs` would. */
export async function onInstanceSkewed<T>(db: Db, secs: number, fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'], now: (await databaseNow(db)).getTime() + secs * 1000 });
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}
