// The reconciliation keeps asking the provider about closed checkouts that can still take money, and about a deleted
// order's kept ones, each again after an eighth of its age (late-money.ts, lateCheckedAt). Several instances run it,
// and each read was dated by the running instance's clock and judged due by it: one whose clock ran hours behind the
// database's dated the checkout it had just read hours in the past, so the next run (on an instance on the database's
// time) found it due at once and asked again; one whose clock ran ahead found due a checkout another had just read.
// The read is now dated by the database's clock, and judged due by it, as every row instances compare is
// (platform/db/database-now.ts). Against the fake PayPal: a cancelled order's voided checkout, and a deleted one's.
import { describe, expect, it } from 'vitest';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';
import { databaseClockAsStored, payPalReadsDuring } from './reconcile-job.js';

const HOUR = 3600;
const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout } = usePayPalApp(clock);

/**
 * A PayPal checkout made 12 hours ago by the database's clock (asked again 1.5 hours after a read), its order
 * cancelled (the checkout VOIDED, nothing at PayPal) and, when `deleted`, deleted (the checkout kept for late money).
 */
async function closedCheckout(opts: { deleted: boolean }) {
  const { tenant, order, path } = await payPalOrder({ paymentStatus: 'pending' });
  const { checkout, paypalOrderId } = await startCheckout(path);
  await env.t.services.orderAdmin.cancel(adminCtx(tenant.id), order.id, {});
  await waitFor(
    'the checkout voided',
    async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).state === 'VOIDED',
  );
  await db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(hours => 12) WHERE id = ${checkout.id}`;
  if (opts.deleted) await env.t.services.orderAdmin.delete(adminCtx(tenant.id), order.id);
  return { id: checkout.id, paypalOrderId };
}

/** When the reconciliation last asked about `c`: its lateCheckedAt, live or kept of a deleted order. */
async function lateCheckedAt(c: { id: string }): Promise<Date | null> {
  const live = await db.paymentCheckout.findUnique({ where: { id: c.id } });
  return live ? live.lateCheckedAt : (await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: c.id } })).lateCheckedAt;
}

/** Sets the app's clock to the database's now plus `secs` (behind when negative). */
async function appClockOffFromDatabase(secs: number) {
  clock.advance(((await databaseNow(db)).getTime() - clock.now().getTime()) / 1000 + secs);
}

/** The PayPal orders among `ours` that a reconciliation run (open checkouts asked after 5 minutes) read, in its order. */
const readByRun = (ours: string[]) => payPalReadsDuring(env.paypal, ours, () => env.t.services.checkouts.reconcile(5));

describe("an instance whose clock is off the database's", () => {
  it('three hours behind: dates its reads by the database, so the next run does not ask about them again', async () => {
    await appClockOffFromDatabase(0);
    const closed = await closedCheckout({ deleted: false });
    const kept = await closedCheckout({ deleted: true });
    expect(await db.deletedOrderCheckout.count({ where: { id: kept.id } })).toBe(1);
    const ours = [closed.paypalOrderId, kept.paypalOrderId];

    await appClockOffFromDatabase(-3 * HOUR);
    const from = await databaseClockAsStored(db);
    expect(await readByRun(ours)).toEqual(ours);
    const to = await databaseClockAsStored(db);

    // The next run, on an instance on the database's time (this one, its clock set right), asks about neither: read
    // just now, they are due again in an hour and a half. Dated by the instance's clock, three hours back, both were
    // due at once and read again, run after run, while that instance ran.
    await appClockOffFromDatabase(0);
    expect(await readByRun(ours)).toEqual([]);
    for (const c of [closed, kept]) {
      const at = (await lateCheckedAt(c))!;
      expect(at.getTime()).toBeGreaterThanOrEqual(from.getTime());
      expect(at.getTime()).toBeLessThanOrEqual(to.getTime());
    }
    // Nor does the instance behind.
    await appClockOffFromDatabase(-3 * HOUR);
    expect(await readByRun(ours)).toEqual([]);
  });

  it('three hours ahead: does not find due what another instance has just read', async () => {
    await appClockOffFromDatabase(0);
    const closed = await closedCheckout({ deleted: false });
    const kept = await closedCheckout({ deleted: true });
    const ours = [closed.paypalOrderId, kept.paypalOrderId];
    expect(await readByRun(ours)).toEqual(ours);

    // Judged by its own clock, three hours on, the checkouts read just now were due again (after an hour and a half
    // and some): it asked again.
    await appClockOffFromDatabase(3 * HOUR);
    expect(await readByRun(ours)).toEqual([]);
  });
});
