// The reconciliation takes the least recently read open checkouts first (reconcileCheckedAt), each claimed and dated
// before it is read (reconcile-reads.ts). Several instances run it, and the claim was dated by the running instance's
// clock: one whose clock ran hours behind the database's dated the checkout it had just read hours in the past, before
// every checkout the others read since, so it came first again in the next run while those waited. The claim is now
// dated by the database's clock, as every row instances compare is (platform/db/database-now.ts), and the checkout
// just read goes to the back of the line whichever instance read it. Against the fake PayPal; the run's limit is
// asked as 1 instead of making 201 checkouts.
import { describe, expect, it } from 'vitest';
import { RECONCILE_RUN_LIMIT } from '../../../src/modules/payments-processor/checkouts/reconcile-reads.js';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import { testDb } from '../../helpers/db.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';
import { databaseClockAsStored, dueForReconcile, payPalReadsDuring } from './reconcile-job.js';

const HOUR = 3600;
const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout } = usePayPalApp(clock);

/** A shop's PayPal order with "Pay with PayPal" pressed, made `daysAgo` days ago by the database's clock. */
async function openCheckoutMade(daysAgo: number) {
  const { checkout, paypalOrderId } = await startCheckout((await payPalOrder({ paymentStatus: 'pending' })).path);
  await db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(days => ${daysAgo}::int) WHERE id = ${checkout.id}`;
  return { id: checkout.id, paypalOrderId };
}

/** Sets the app's clock to the database's now plus `secs` (behind when negative). */
async function appClockOffFromDatabase(secs: number) {
  clock.advance(((await databaseNow(db)).getTime() - clock.now().getTime()) / 1000 + secs);
}

describe("an instance whose clock runs behind the database's", () => {
  it('dates the checkout it just read by the database, so the next run reads the one read longest ago', async () => {
    const first = await openCheckoutMade(2);
    const second = await openCheckoutMade(1);
    const ours = [first.paypalOrderId, second.paypalOrderId];
    const dueOfOurs = async () =>
      (await dueForReconcile(db, clock, RECONCILE_RUN_LIMIT)).filter((id) => id === first.id || id === second.id);

    // An instance on the database's time reads both, the older first: each dated as it was read.
    await appClockOffFromDatabase(0);
    expect(await payPalReadsDuring(env.paypal, ours, () => env.t.services.checkouts.reconcile(5))).toEqual(ours);
    expect(await dueOfOurs()).toEqual([first.id, second.id]);

    // An instance three hours behind the database takes the one read longest ago, `first`.
    await appClockOffFromDatabase(-3 * HOUR);
    const from = await databaseClockAsStored(db);
    expect(await payPalReadsDuring(env.paypal, ours, () => env.t.services.checkouts.reconcile(5, 1))).toEqual([first.paypalOrderId]);
    const to = await databaseClockAsStored(db);

    // Read just now, it goes to the back of the line: the next selection (any instance's) takes `second` first. Dated
    // by that instance's clock, `first` was read three hours ago, and came first again.
    expect(await dueOfOurs()).toEqual([second.id, first.id]);
    const claimed = (await db.paymentCheckout.findUniqueOrThrow({ where: { id: first.id } })).reconcileCheckedAt!;
    expect(claimed.getTime()).toBeGreaterThanOrEqual(from.getTime());
    expect(claimed.getTime()).toBeLessThanOrEqual(to.getTime());

    // The next run, on the same instance, reads `second`, not `first` again.
    expect(await payPalReadsDuring(env.paypal, ours, () => env.t.services.checkouts.reconcile(5, 1))).toEqual([second.paypalOrderId]);
    expect(await dueOfOurs()).toEqual([first.id, second.id]);
  });
});
