// The refund sweep reads the refunds of paid PayPal/Square checkouts, and of deleted orders' late money sent back,
// each again after a quarter of its age (refund-sweep.ts: refundCheckedAt and refundCheckDueAt, a kept row's
// lateCheckedAt). Several instances run it, and each read was dated by the running instance's clock and judged due by
// it: one whose clock ran hours behind the database's dated the checkout it had just read hours in the past, so the
// next run (on an instance on the database's time) found it due at once and read it again; one whose clock ran ahead
// found due a checkout another had just read. The read is now dated, its next one counted, and both judged by the
// database's clock, as every row instances compare is (platform/db/database-now.ts). Against the fake Square: a paid
// Cash App Pay order's checkout, and a deleted order's late money refunded through Square.
import { describe, expect, it } from 'vitest';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import { testDb } from '../../helpers/db.js';
import { chargedAfterDelete } from './deleted-order-fixtures.js';
import { MovableClock } from './invoice-fixtures.js';
import { databaseClockAsStored } from './reconcile-job.js';
import { sweepReadsEarlier } from './refund-sweep-reads.js';
import { paidSquareOrder, useProvidersApp } from './square-btcpay-fixtures.js';

const HOUR = 3600;
const clock = new MovableClock();
const db = testDb();
const { env } = useProvidersApp(clock);

/**
 * A paid checkout and a deleted order's kept one (its late money refunded through Square), both made 6 hours ago by
 * the database's clock: read by the sweep at that age, each is due again 2 hours later (a third of its age), the
 * kept one 1.5 hours later (a quarter of its age since).
 */
async function paidAndKept() {
  const { checkoutId: paid } = await paidSquareOrder(env);
  const { checkoutId: kept } = await chargedAfterDelete(env);
  await db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(hours => 6) WHERE id = ${paid}`;
  await db.$executeRaw`UPDATE deleted_order_checkouts SET "createdAt" = "createdAt" - make_interval(hours => 6) WHERE id = ${kept}`;
  return { paid, kept };
}

/** When the sweep last read each: the paid checkout's refundCheckedAt, the kept one's lateCheckedAt. */
async function lastReads(c: { paid: string; kept: string }) {
  const paid = await db.paymentCheckout.findUniqueOrThrow({ where: { id: c.paid } });
  const kept = await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: c.kept } });
  return { paid: paid.refundCheckedAt?.getTime() ?? null, kept: kept.lateCheckedAt?.getTime() ?? null };
}

/** Which of the two a sweep run read (their last read moved). */
async function readByRun(c: { paid: string; kept: string }): Promise<string[]> {
  const before = await lastReads(c);
  await env.t.services.refundSweep.run();
  const after = await lastReads(c);
  return (['paid', 'kept'] as const).filter((k) => after[k] !== before[k]);
}

/** Sets the app's clock to the database's now plus `secs` (behind when negative). */
async function appClockOffFromDatabase(secs: number) {
  clock.advance(((await databaseNow(db)).getTime() - clock.now().getTime()) / 1000 + secs);
}

describe("the refund sweep on an instance whose clock is off the database's", () => {
  it('three hours behind: dates its reads, and their next, by the database, so the next run does not read them again', async () => {
    await appClockOffFromDatabase(0);
    const ours = await paidAndKept();

    await appClockOffFromDatabase(-3 * HOUR);
    const from = await databaseClockAsStored(db);
    expect(await readByRun(ours)).toEqual(['paid', 'kept']);
    const to = await databaseClockAsStored(db);
    const read = await lastReads(ours);
    for (const at of [read.paid!, read.kept!]) {
      expect(at).toBeGreaterThanOrEqual(from.getTime());
      expect(at).toBeLessThanOrEqual(to.getTime());
    }
    // Its next read counted from the database's clock: 6 hours old when read, due a third of that later. Counted by
    // the instance's (3 hours old, so the hour's floor), it was due an hour after a read dated three hours back.
    const { refundCheckedAt, refundCheckDueAt } = await db.paymentCheckout.findUniqueOrThrow({ where: { id: ours.paid } });
    expect((refundCheckDueAt!.getTime() - refundCheckedAt!.getTime()) / 1000).toBeCloseTo(2 * HOUR, -1);

    // The next run, on an instance on the database's time (this one, its clock set right), reads neither: read just
    // now, they are due again in hours. Dated by the instance's clock, three hours back, both were due at once and
    // read again, run after run, while that instance ran.
    await appClockOffFromDatabase(0);
    expect(await readByRun(ours)).toEqual([]);
    // Nor does the instance behind.
    await appClockOffFromDatabase(-3 * HOUR);
    expect(await readByRun(ours)).toEqual([]);
  });

  it('three hours ahead: does not find due what another instance has just read', async () => {
    await appClockOffFromDatabase(0);
    const ours = await paidAndKept();
    expect(await readByRun(ours)).toEqual(['paid', 'kept']);

    // Judged by its own clock, three hours on, the checkouts read just now were due again (after 2 and 1.5 hours):
    // it read them again.
    await appClockOffFromDatabase(3 * HOUR);
    expect(await readByRun(ours)).toEqual([]);
    // Once they are due by the database's clock (their reads moved back three hours there), that instance reads them.
    await sweepReadsEarlier(db, 3 * HOUR, [ours.paid, ours.kept]);
    expect(await readByRun(ours)).toEqual(['paid', 'kept']);
  });
});
