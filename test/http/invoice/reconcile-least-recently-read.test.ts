// The reconciliation (payment:checkouts:reconcile, every 3 minutes) reads open checkouts from their provider, at most
// RECONCILE_RUN_LIMIT a run. It took the oldest open ones: a checkout whose read keeps failing (PayPal answering 5xx)
// or that stays open for days (an eCheck PENDING for up to a week) was read first every run, and with a run's worth of
// those, newer open checkouts were never read (their money learnt only if the webhook came). It now takes the least
// recently read first (reconcileCheckedAt, recorded by every read, success or failure; never read first), then the
// oldest. Against the fake PayPal; the run's limit is asked as 1 instead of making 201 checkouts.
import { describe, expect, it } from 'vitest';
import { claimReconcileRead, RECONCILE_RUN_LIMIT } from '../../../src/modules/payments-processor/checkouts/reconcile-reads.js';
import { testDb } from '../../helpers/db.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';
import { databaseClockAsStored, dueForReconcile, payPalReadsDuring, runReconcileJob } from './reconcile-job.js';

const HOUR = 3600;
const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout } = usePayPalApp(clock);

/** A shop's PayPal order with "Pay with PayPal" pressed: an OPEN checkout nobody approved yet. */
async function openCheckout() {
  const { path } = await payPalOrder({ paymentStatus: 'pending' });
  return startCheckout(path);
}

/** A full run (an hour later, all due): every open checkout of the file read, none left never read. */
async function readEveryOpenCheckout() {
  clock.advance(HOUR);
  await env.t.services.checkouts.reconcile(5);
}

/** The run's selection now: every open checkout older than the run's 5 minutes is due. */
const due = (limit: number) => dueForReconcile(db, clock, limit);

/** The PayPal orders `run` read (GET /v2/checkout/orders/{id}), among `paypalOrderIds`, in the order it read them. */
const readsDuring = (paypalOrderIds: string[], run: () => Promise<unknown>) => payPalReadsDuring(env.paypal, paypalOrderIds, run);

const checkoutRow = (id: string) => db.paymentCheckout.findUniqueOrThrow({ where: { id } });

describe('the reconciliation reads the least recently read open checkouts first', () => {
  it('with a limit of one, takes a checkout never read before an older one read before', async () => {
    const older = await openCheckout();
    await readEveryOpenCheckout();
    expect((await checkoutRow(older.checkout.id)).reconcileCheckedAt).not.toBeNull();
    const newer = await openCheckout();
    clock.advance(HOUR);

    expect(await due(1)).toEqual([newer.checkout.id]);
    const all = await due(RECONCILE_RUN_LIMIT);
    expect(all[0]).toBe(newer.checkout.id);
    expect(all).toContain(older.checkout.id);
  });

  it('a checkout whose read failed is not read first again: the next run reads the one never read', async () => {
    await readEveryOpenCheckout();
    const failing = await openCheckout();
    const other = await openCheckout();
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${failing.paypalOrderId}$`), '5xx', 100);
    clock.advance(HOUR);
    const ours = [failing.paypalOrderId, other.paypalOrderId];

    let run: Awaited<ReturnType<typeof env.t.services.checkouts.reconcile>> | undefined;
    expect(await readsDuring(ours, async () => (run = await env.t.services.checkouts.reconcile(5, 1)))).toEqual([failing.paypalOrderId]);
    expect(run).toMatchObject({ errors: 1, changed: 0 });
    expect((await checkoutRow(failing.checkout.id)).reconcileCheckedAt).not.toBeNull();
    expect(await due(1)).toEqual([other.checkout.id]);

    clock.advance(3 * 60);
    expect(await readsDuring(ours, () => env.t.services.checkouts.reconcile(5, 1))).toEqual([other.paypalOrderId]);
    // Both read now: the failing one, read first, comes first again, after every one read before it.
    const all = await due(RECONCILE_RUN_LIMIT);
    expect(all.indexOf(failing.checkout.id)).toBeLessThan(all.indexOf(other.checkout.id));
    expect(all.at(-1)).toBe(other.checkout.id);
  });

  it('two runs at once: the checkout is claimed by the one whose selection saw its last read, once', async () => {
    const { checkout } = await openCheckout();
    await readEveryOpenCheckout();
    const seen = await checkoutRow(checkout.id);
    expect(seen.reconcileCheckedAt).not.toBeNull();
    // The claim compares the exact date the selection read (written by the database's clock, as stored) and dates
    // the checkout by the database's clock.
    const from = await databaseClockAsStored(db);
    expect(await claimReconcileRead(db, seen)).toBe(true);
    const to = await databaseClockAsStored(db);
    const at = (await checkoutRow(checkout.id)).reconcileCheckedAt!;
    expect(at.getTime()).toBeGreaterThanOrEqual(from.getTime());
    expect(at.getTime()).toBeLessThanOrEqual(to.getTime());
    // The other run selected it before that claim: it sees another last read and leaves it.
    expect(await claimReconcileRead(db, seen)).toBe(false);
    expect((await checkoutRow(checkout.id)).reconcileCheckedAt).toEqual(at);
    // Closed meanwhile: nothing to claim.
    await db.paymentCheckout.update({ where: { id: checkout.id }, data: { state: 'VOIDED' } });
    expect(await claimReconcileRead(db, await checkoutRow(checkout.id))).toBe(false);
    expect((await checkoutRow(checkout.id)).reconcileCheckedAt).toEqual(at);
  });

  it('the cron job records when it read each checkout, the failed read too, which changes nothing else of it', async () => {
    const ok = await openCheckout();
    const failing = await openCheckout();
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${failing.paypalOrderId}$`), '5xx', 100);
    clock.advance(HOUR);
    const before = { ok: await checkoutRow(ok.checkout.id), failing: await checkoutRow(failing.checkout.id) };
    expect(before.ok.reconcileCheckedAt).toBeNull();
    expect(before.failing.reconcileCheckedAt).toBeNull();

    // Dated by the database's clock (the claim's), between its readings before and after the run.
    const start = (await databaseClockAsStored(db)).getTime();
    expect(await readsDuring([ok.paypalOrderId, failing.paypalOrderId], () => runReconcileJob(db))).toEqual([
      ok.paypalOrderId,
      failing.paypalOrderId,
    ]);
    const end = (await databaseClockAsStored(db)).getTime();

    for (const [name, row] of Object.entries(before)) {
      const after = await checkoutRow(row.id);
      expect(after.reconcileCheckedAt!.getTime(), name).toBeGreaterThanOrEqual(start);
      expect(after.reconcileCheckedAt!.getTime(), name).toBeLessThanOrEqual(end);
    }
    // The failed read changed nothing else of its checkout, updatedAt included (the admin post's "on its way since"
    // for a checkout from before inFlightAt): recording the read is not a change of the checkout.
    const failed = await checkoutRow(failing.checkout.id);
    expect({ ...failed, reconcileCheckedAt: null }).toEqual(before.failing);
  });
});
