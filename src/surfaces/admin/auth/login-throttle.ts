// Login throttling on the login_throttles table, per account (email) and per client IP, shared by every
// instance. The attempt is RESERVED before the password is checked, in one transaction holding both rows'
// locks: 30 parallel guesses are counted one after another, and once the limit is reached the rest are
// refused without their password ever being checked (a right password among them does not get in).
//
//   email: 5 attempts within 15 minutes -> a short back-off that grows: 30 s, 1, 2, 4, 8 minutes, at most 15;
//   IP:   20 attempts within 15 minutes -> locked for 15 minutes (higher: many people may share an address).
//
// So a stranger who knows an owner's email cannot lock the owner out: the owner's own browser carries a
// known-device proof from an earlier sign-in (known-device.ts), which skips the account back-off (the
// per-IP limit still applies to it), and without it the back-off is short. A successful sign-in clears the
// email's counter and takes back its one reserved IP attempt only: an attacker with one valid account cannot
// reset their IP's counter.
import { Prisma, withTransaction, type Db } from '../../../platform/db/prisma.js';
import type { Clock } from '../../../platform/clock.js';

export const THROTTLE = {
  windowMinutes: 15,
  ipLockMinutes: 15,
  maxAttemptsPerEmail: 5,
  maxAttemptsPerIp: 20,
  firstBackoffSeconds: 30,
  maxBackoffMinutes: 15,
} as const;

export interface ThrottleKeys {
  ip: string;
  email: string;
  /** The browser proved an earlier sign-in to this account: the account back-off does not apply. */
  knownDevice?: boolean;
}

export type Reservation = { ok: true } | { ok: false; until: Date; reason: 'account' | 'ip' };

const keysOf = (k: ThrottleKeys) => ({ ip: `ip:${k.ip}`, email: `email:${k.email.trim().toLowerCase()}` });

/** The account back-off after `attempts` attempts in the window (none below the limit). */
export function backoffSeconds(attempts: number): number {
  if (attempts < THROTTLE.maxAttemptsPerEmail) return 0;
  return Math.min(THROTTLE.firstBackoffSeconds * 2 ** (attempts - THROTTLE.maxAttemptsPerEmail), THROTTLE.maxBackoffMinutes * 60);
}

export interface LoginThrottle {
  /** Counts this attempt on its keys before the password is checked; refuses it when a key is locked. */
  reserve(keys: ThrottleKeys): Promise<Reservation>;
  /** The password was right: the email's counter is cleared, the IP's reserved attempt given back. */
  recordSuccess(keys: ThrottleKeys): Promise<void>;
}

interface Row {
  key: string;
  failures: number;
  windowStart: Date;
  lockedUntil: Date | null;
}

export function createLoginThrottle(deps: { db: Db; clock: Clock }): LoginThrottle {
  const { db, clock } = deps;

  return {
    async reserve(keys) {
      const k = keysOf(keys);
      const now = clock.now();
      const windowStartAfter = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
      // A known device is not counted against the account (only against its IP).
      const counted = keys.knownDevice ? [k.ip] : [k.ip, k.email].sort();
      // Counters of guessed emails would otherwise pile up: drop the ones idle for a day and not locked.
      const dayAgo = new Date(now.getTime() - 24 * 3600_000);
      await db.loginThrottle.deleteMany({
        where: { windowStart: { lt: dayAgo }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      });
      return withTransaction(db, async (tx) => {
        await tx.loginThrottle.createMany({ data: counted.map((key) => ({ key, failures: 0, windowStart: now })), skipDuplicates: true });
        // Both rows locked, in key order (no deadlock between two attempts): the checks and the counting
        // below see every earlier attempt and no later one.
        const rows = await tx.$queryRaw<
          Row[]
        >`SELECT key, failures, "windowStart", "lockedUntil" FROM login_throttles WHERE key IN (${Prisma.join(counted)}) ORDER BY key FOR UPDATE`;
        const locked = rows
          .filter((r) => r.lockedUntil && r.lockedUntil > now)
          .map((r) => ({ until: r.lockedUntil!, reason: r.key === k.ip ? ('ip' as const) : ('account' as const) }))
          .sort((a, b) => b.until.getTime() - a.until.getTime());
        if (locked[0]) return { ok: false, ...locked[0] };
        for (const row of rows) {
          const fresh = row.windowStart < windowStartAfter;
          const failures = fresh ? 1 : row.failures + 1;
          let lockedUntil: Date | null = null;
          if (row.key === k.ip) {
            if (failures >= THROTTLE.maxAttemptsPerIp) lockedUntil = new Date(now.getTime() + THROTTLE.ipLockMinutes * 60_000);
          } else {
            const wait = backoffSeconds(failures);
            if (wait > 0) lockedUntil = new Date(now.getTime() + wait * 1000);
          }
          await tx.loginThrottle.update({
            where: { key: row.key },
            data: { failures, windowStart: fresh ? now : row.windowStart, lockedUntil },
          });
        }
        return { ok: true };
      });
    },
    async recordSuccess(keys) {
      const k = keysOf(keys);
      await db.loginThrottle.deleteMany({ where: { key: k.email } });
      await db.$executeRaw`UPDATE login_throttles SET failures = GREATEST(failures - 1, 0) WHERE key = ${k.ip}`;
    },
  };
}
