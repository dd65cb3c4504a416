// The login_attempts table: every admin sign-in attempt, written here and kept LOGIN_ATTEMPT_KEEP_MS for the
// owners to review (sign-in-attempts.routes.ts); daily housekeeping deletes older ones (container.ts hands it
// this retention). A small module of its own so the composition root can read the retention without loading
// the sign-in routes.
import type { Db } from '../../../platform/db/prisma.js';
import type { Logger } from '../../../platform/logger.js';

/** How long sign-in attempts are kept for the owners to review: 90 days, then housekeeping deletes them. */
export const LOGIN_ATTEMPT_KEEP_MS = 90 * 24 * 3600_000;

/** Every attempt is kept for the owners to review (sign-in-attempts.routes.ts); a failure to write it never blocks sign-in. */
export async function recordAttempt(db: Db, logger: Logger, a: { email: string; ip: string; outcome: string }): Promise<void> {
  await db.loginAttempt
    .create({ data: { email: a.email.slice(0, 254), ip: a.ip.slice(0, 64), outcome: a.outcome } })
    .catch((err: unknown) => logger.warn({ err }, 'could not record a sign-in attempt'));
}
