// Which open checkouts a reconciliation run (checkout.service.ts reconcile; the cron payment:checkouts:reconcile, every
// 3 minutes) takes, and in which order: at most RECONCILE_RUN_LIMIT a run, the least recently taken first (never taken
// first), then the oldest. Taken oldest first, as they were, a checkout whose read kept failing (the provider answering
// 5xx, a connection that cannot load) or that stays open for days (a PayPal eCheck PENDING for up to a week) was read
// first every run; with a run's worth of those, newer open checkouts were never read by the reconciliation and their
// money was learnt only if their webhook came.
// Every checkout a run takes is claimed before the run does anything with it: its reconcileCheckedAt compared with the
// value the selection read and set to now. So a failed read sends it to the back of the line as a good one does, and
// so does one the run only looked at (still being created, or never charged and inside its window): left unrecorded,
// those would hold the front as the failing ones did. The compare makes two runs at once (one that outlasts its 3
// minutes, 200 reads of up to PROVIDER_TIMEOUT_MS each, beside the next tick's on another worker) read a checkout once;
// a second read would only be a wasted call (the ledger applies a state once), so the claim is kept that simple.
// The claim is dated by the database's clock (clock_timestamp()), not the running instance's: the order compares dates
// that different instances wrote, and an instance whose clock ran hours behind dated the checkout it had just read
// hours in the past, so it came first again in the next run, ahead of every checkout read since
// (platform/db/database-now.ts).
import type { PaymentCheckout } from '../../../generated/prisma/index.js';
import { SQL_DATABASE_CLOCK_NOW } from '../../../platform/db/database-now.js';
import { stillAsRead } from '../../../platform/db/due-rows.js';
import type { Db } from '../../../platform/db/prisma.js';
import { unchargedOpenedBefore } from './checkout-expiry.js';
import { OPEN_CHECKOUT_STATES } from './money-in-flight.query.js';

/** Open checkouts a reconciliation run takes at most (the cron runs every 3 minutes). */
export const RECONCILE_RUN_LIMIT = 200;

/**
 * When a run looks: `cutoff`, made before it the provider is asked about an open checkout (this instance's clock less
 * the operator's CHECKOUT_RECONCILE_AFTER_MINUTES); `dbNow`, the database's now, by which a never-charged checkout's
 * window is judged (checkout-expiry.ts).
 */
export interface ReconcileAt {
  cutoff: Date;
  dbNow: Date;
}

/**
 * The open checkouts a run takes now, at most `limit`, least recently taken first (reconcileCheckedAt, never taken
 * first), then oldest: made before `cutoff`; never charged and past their window; or still being created (CREATING,
 * no provider id), of any age, whether given up on being the database's to say (double-tap.ts abandonedIds).
 */
export async function openCheckoutsDueReconcile(db: Db, at: ReconcileAt, limit: number): Promise<PaymentCheckout[]> {
  return db.paymentCheckout.findMany({
    where: {
      state: { in: [...OPEN_CHECKOUT_STATES] },
      // A never-charged one is retired at the time the admin post states, also where the operator asks the providers
      // later than that (CHECKOUT_RECONCILE_AFTER_MINUTES over the window). One still being created, of any age by
      // this instance's clock: whether it was given up on is the database's to say (the run asks abandonedIds).
      OR: [
        { createdAt: { lt: at.cutoff } },
        { createdAt: { lte: unchargedOpenedBefore(at.dbNow) } },
        { state: 'CREATING', providerCheckoutId: null },
      ],
    },
    orderBy: [{ reconcileCheckedAt: { sort: 'asc', nulls: 'first' } }, { createdAt: 'asc' }],
    take: limit,
  });
}

/**
 * Claims checkout `c`, as openCheckoutsDueReconcile read it, for this run: if it is still open and still last taken
 * at the time the selection read (compared with that exact value, as it was stored), records the take
 * (reconcileCheckedAt) at the database's clock's now. False: another run took it first, or it closed meanwhile
 * (whatever closed it applied its state). Raw SQL, leaving updatedAt as it is: a read changes nothing of the
 * checkout, and the admin post shows updatedAt as "on its way since" for a checkout from before inFlightAt
 * (order-checkout-now.ts).
 */
export async function claimReconcileRead(db: Db, c: Pick<PaymentCheckout, 'id' | 'reconcileCheckedAt'>): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE payment_checkouts c SET "reconcileCheckedAt" = ${SQL_DATABASE_CLOCK_NOW}
    WHERE c.id = ${c.id} AND c.state = ANY (${[...OPEN_CHECKOUT_STATES]}::"CheckoutState"[])
      AND ${stillAsRead('reconcileCheckedAt', c.reconcileCheckedAt)}`;
  return count === 1;
}
