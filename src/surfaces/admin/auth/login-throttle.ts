// Login throttling on the login_throttles table, per client IP and per email:
//   email: 5 failures within 15 minutes -> locked for 15 minutes;
//   IP:   20 failures within 15 minutes -> locked for 15 minutes (higher: many people may share one address).
// Counting locks the key's row, so parallel guesses cannot slip past the limit. A lock is checked
// before the password is, so a correct password does not open a locked account early. A successful login
// clears the email's counter only: an attacker with one valid account cannot reset their IP's counter.
import { withTransaction, type Db } from '../../../platform/db/prisma.js';
import type { Clock } from '../../../platform/clock.js';

export const THROTTLE = {
  windowMinutes: 15,
  lockMinutes: 15,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 20,
} as const;

export interface ThrottleKeys { ip: string; email: string }

const keysOf = (k: ThrottleKeys) => ({ ip: `ip:${k.ip}`, email: `email:${k.email.trim().toLowerCase()}` });

export interface LoginThrottle {
  /** The time the lock ends, when either key is locked now; otherwise null. */
  lockedUntil(keys: ThrottleKeys): Promise<Date | null>;
  /** Counts a failure on both keys; returns the lock end when this failure locked either of them. */
  recordFailure(keys: ThrottleKeys): Promise<Date | null>;
  recordSuccess(keys: ThrottleKeys): Promise<void>;
}

export function createLoginThrottle(deps: { db: Db; clock: Clock }): LoginThrottle {
  const { db, clock } = deps;

  async function bump(key: string, max: number, now: Date): Promise<Date | null> {
    const windowStartAfter = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
    return withTransaction(db, async (tx) => {
      // Make sure the row exists, then lock it: parallel failures on one key are counted one after another.
      await tx.loginThrottle.createMany({ data: [{ key, failures: 0, windowStart: now }], skipDuplicates: true });
      await tx.$queryRaw`SELECT key FROM login_throttles WHERE key = ${key} FOR UPDATE`;
      const row = await tx.loginThrottle.findUniqueOrThrow({ where: { key } });
      const fresh = row.windowStart < windowStartAfter;
      const failures = fresh ? 1 : row.failures + 1;
      const lockedUntil = failures >= max ? new Date(now.getTime() + THROTTLE.lockMinutes * 60_000) : row.lockedUntil;
      await tx.loginThrottle.update({ where: { key }, data: { failures, windowStart: fresh ? now : row.windowStart, lockedUntil } });
      return lockedUntil && lockedUntil > now ? lockedUntil : null;
    });
  }

  return {
    async lockedUntil(keys) {
      const k = keysOf(keys);
      const now = clock.now();
      const rows = await db.loginThrottle.findMany({ where: { key: { in: [k.ip, k.email] }, lockedUntil: { gt: now } } });
      const ends = rows.map((r) => r.lockedUntil!.getTime());
      return ends.length ? new Date(Math.max(...ends)) : null;
    },
    async recordFailure(keys) {
      const k = keysOf(keys);
      const now = clock.now();
      // Counters of guessed emails would otherwise pile up: drop the ones idle for a day and not locked.
      const dayAgo = new Date(now.getTime() - 24 * 3600_000);
      await db.loginThrottle.deleteMany({ where: { windowStart: { lt: dayAgo }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] } });
      const a = await bump(k.email, THROTTLE.maxFailuresPerEmail, now);
      const b = await bump(k.ip, THROTTLE.maxFailuresPerIp, now);
      const ends = [a, b].filter((d): d is Date => !!d).map((d) => d.getTime());
      return ends.length ? new Date(Math.max(...ends)) : null;
    },
    async recordSuccess(keys) {
      await db.loginThrottle.deleteMany({ where: { key: keysOf(keys).email } });
    },
  };
}
