// The refund sweep (checkouts/refund-sweep.ts): a refund made in the owner's PayPal dashboard whose webhook
// never came, on an order nobody refunds again in Ledgerline, stayed PAID for ever. The sweep reads recently
// paid checkouts' refunds from the fake PayPal (GET /v2/checkout/orders/{id}, with each shop's own app) and
// records the ones nothing explains as the webhook would. Time is the app's movable clock (a checkout's first hour and
// its window are read by the instance's) and, for what is read again when, the database's: a read is dated and judged
// due by the database's clock, so the checkouts' dates are moved back instead (timePasses); never by sleeping.
import { describe, expect, it } from 'vitest';
import {
  claimRefundRead,
  dueRefundReadsSql,
  paidCheckoutsDueRefundRead,
  REFUND_SWEEP_RUN_LIMIT,
} from '../../../src/modules/payments-processor/checkouts/refund-sweep.js';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import { Prisma } from '../../../src/platform/db/prisma.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';
import { runCronJob } from './reconcile-job.js';
import { sweepReadsEarlier } from './refund-sweep-reads.js';

const HOUR = 3600;
const DAY = 24 * HOUR;
const clock = new MovableClock();
const db = testDb();
// A read that hangs is given up after a second (the fake answers it after its holdMs, 2 s).
const { env, paidPayPalOrder, dashboardRefund, postWebhook, discordApi } = usePayPalApp(clock, { PROVIDER_TIMEOUT_MS: '1000' });

/** A paid order refunded in the PayPal dashboard (by `value`, or in full) whose webhook PayPal lost, and that webhook. */
async function refundedWithWebhookLost(value?: string) {
  const paid = await paidPayPalOrder();
  env.paypal.dropWebhooks = true;
  let refundId: string;
  try {
    refundId = await dashboardRefund(paid.clientId, paid.clientSecret, paid.captureId, value);
  } finally {
    env.paypal.dropWebhooks = false;
  }
  const lost = env.paypal.sent.filter((w) => w.type === 'PAYMENT.CAPTURE.REFUNDED' && w.body.includes(refundId)).at(-1)!;
  expect((await db.order.findUniqueOrThrow({ where: { id: paid.order.id } })).status).toBe('PAID');
  return { ...paid, refundId, lost };
}

/** The admin-channel titles posted about PayPal dashboard refunds in this shop's channel. */
const dashboardNotices = (channelId: string) =>
  discordApi()
    .find('POST', new RegExp(`/channels/${channelId}/messages$`))
    .map((c) => (c.body as { embeds?: { title?: string }[] }).embeds?.[0]?.title ?? '')
    .filter((t) => t.includes("PayPal's dashboard"));

/** Records a read of the checkout now, as the sweep does (its refundCheckedAt and when it is due again, by the database's clock). */
async function readBySweep(id: string) {
  const { refundCheckedAt } = await db.paymentCheckout.findUniqueOrThrow({ where: { id } });
  expect(await claimRefundRead(db, id, refundCheckedAt)).toBe(true);
}

/**
 * `seconds` of the checkouts' lives pass by the database's clock, by which the sweep dates its reads and judges them
 * due: their createdAt, refundCheckedAt and refundCheckDueAt moved back (of `id` alone when given, else of all).
 */
async function timePasses(seconds: number, id?: string) {
  await db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(secs => ${seconds}::float8),
    "refundCheckedAt" = "refundCheckedAt" - make_interval(secs => ${seconds}::float8),
    "refundCheckDueAt" = "refundCheckDueAt" - make_interval(secs => ${seconds}::float8)
    WHERE ${id ?? null}::text IS NULL OR id = ${id ?? null}`;
}

/** Checkout `id` made `seconds` ago by the database's clock (and the instance's on its time), read now by the sweep. */
async function readBySweepAtAge(id: string, seconds: number) {
  await db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = (now() AT TIME ZONE 'UTC') - make_interval(secs => ${seconds}::float8) WHERE id = ${id}`;
  await readBySweep(id);
}

/**
 * Past every new checkout's first hour (judged by the instance's clock). Not past the intervals of those read before:
 * those are dated by the database's clock (sweepReadsEarlier moves them).
 */
const later = () => clock.advance(2 * HOUR);

describe('the refund sweep, PayPal', () => {
  it('records a dashboard refund whose webhook was lost (the cron job): the order is REFUNDED, the admins told; the late webhook changes nothing', async () => {
    const { tenant, order, connectionId, refundId, lost } = await refundedWithWebhookLost();
    later();
    await runCronJob(db, 'payment:checkouts:refund_sweep');

    expect(await db.refund.findMany({ where: { orderId: order.id } })).toEqual([
      expect.objectContaining({ mode: 'FULL', amountCents: 4250, externalRefundId: refundId, manualReturnMethod: null }),
    ]);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 4250 });
    const notice = await waitFor('the admin notice', async () => dashboardNotices(tenant.adminChannelId!)[0]);
    expect(notice).toContain("refunded in PayPal's dashboard: recorded");

    // PayPal's retry of the lost webhook arrives after the sweep recorded it.
    await postWebhook(lost, connectionId).expect(200);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 4250 });
    await env.paypal.settle();
    expect(dashboardNotices(tenant.adminChannelId!)).toHaveLength(1);
    expect(await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id, state: 'PAID' } })).toMatchObject({
      refundCheckedAt: expect.any(Date),
    });
  });

  it('adds nothing to a refund whose webhook came first', async () => {
    const { order, clientId, clientSecret, captureId } = await paidPayPalOrder();
    const refundId = await dashboardRefund(clientId, clientSecret, captureId, '10.00');
    expect(await db.refund.findMany({ where: { orderId: order.id } })).toEqual([
      expect.objectContaining({ mode: 'PARTIAL_AMOUNT', amountCents: 1000, externalRefundId: refundId }),
    ]);
    later();
    await env.t.services.refundSweep.run();
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedTotalCents: 1000,
    });
    expect(await db.auditLog.count({ where: { entityId: order.id, action: 'payment.provider_refund' } })).toBe(1);
  });

  it('two sweeps at once, a sweep and the webhook, or a sweep and a refund preview record the refund once', async () => {
    const a = await refundedWithWebhookLost('12.00');
    const b = await refundedWithWebhookLost('7.00');
    const c = await refundedWithWebhookLost('9.00');
    later();
    const from = env.paypal.requests.length;
    const [one, two] = await Promise.all([
      env.t.services.refundSweep.run(),
      env.t.services.refundSweep.run(),
      postWebhook(b.lost, b.connectionId),
      // The preview reads the order's refunds from PayPal too (ProviderRefundReader.learn), past the sweep's claim.
      env.t.services.refunds.preview(adminCtx(c.tenant.id), c.order.id, {}),
    ]);
    // Each checkout read by one of the two runs (the claim), each refund recorded once (the order's row lock).
    expect(one.read + two.read).toBeGreaterThanOrEqual(3);
    for (const { order, refundId, amount } of [
      { ...a, amount: 1200 },
      { ...b, amount: 700 },
      { ...c, amount: 900 },
    ]) {
      expect(await db.refund.findMany({ where: { orderId: order.id } })).toEqual([
        expect.objectContaining({ mode: 'PARTIAL_AMOUNT', amountCents: amount, externalRefundId: refundId }),
      ]);
      expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ refundedTotalCents: amount });
    }
    const reads = (paypalOrderId: string) =>
      env.paypal.requests.slice(from).filter((r) => r.method === 'GET' && r.path === `/v2/checkout/orders/${paypalOrderId}`).length;
    expect(reads(a.checkout.providerCheckoutId!)).toBe(1);
    expect(reads(b.checkout.providerCheckoutId!)).toBe(1);
    expect(reads(c.checkout.providerCheckoutId!)).toBe(2);
    const recordedOnce = await db.auditLog.count({
      where: { entityId: c.order.id, action: 'payment.provider_refund', after: { path: ['providerRefundId'], equals: c.refundId } },
    });
    expect(recordedOnce).toBe(1);
  });

  it("reads each shop's checkouts with that shop's own PayPal app", async () => {
    const a = await refundedWithWebhookLost('5.00');
    const b = await refundedWithWebhookLost('6.00');
    later();
    const from = env.paypal.requests.length;
    await env.t.services.refundSweep.run();
    // The fake answers 404 to an order read with another app's token: both were read, and recorded.
    const reads = env.paypal.requests.slice(from).filter((r) => r.method === 'GET' && r.path.startsWith('/v2/checkout/orders/'));
    expect(reads.filter((r) => [a, b].some((s) => r.path.endsWith(s.checkout.providerCheckoutId!))).map((r) => r.status)).toEqual([
      200, 200,
    ]);
    expect(await db.refund.findFirst({ where: { tenantId: a.tenant.id, externalRefundId: a.refundId } })).toMatchObject({
      amountCents: 500,
    });
    expect(await db.refund.findFirst({ where: { tenantId: b.tenant.id, externalRefundId: b.refundId } })).toMatchObject({
      amountCents: 600,
    });
    expect(await db.refund.count({ where: { tenantId: a.tenant.id, externalRefundId: b.refundId } })).toBe(0);
  });

  it('a PayPal answering 503 for one shop and timing out for another leaves the run going for the third', async () => {
    const failing = await refundedWithWebhookLost('3.00');
    const slow = await refundedWithWebhookLost('4.00');
    const fine = await refundedWithWebhookLost('8.00');
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${failing.checkout.providerCheckoutId}$`), '5xx');
    env.paypal.failReads(new RegExp(`^/v2/checkout/orders/${slow.checkout.providerCheckoutId}$`), 'hang');
    later();
    const result = await env.t.services.refundSweep.run();
    expect(result.failed).toBeGreaterThanOrEqual(2);
    expect(await db.refund.findFirst({ where: { orderId: fine.order.id } })).toMatchObject({
      amountCents: 800,
      externalRefundId: fine.refundId,
    });
    expect(await db.refund.count({ where: { orderId: { in: [failing.order.id, slow.order.id] } } })).toBe(0);
    expect((await db.order.findUniqueOrThrow({ where: { id: failing.order.id } })).status).toBe('PAID');

    // The failed ones wait their interval (a quarter of their age), then are read again and recorded.
    expect((await env.t.services.refundSweep.run()).read).toBe(0);
    clock.advance(DAY);
    await sweepReadsEarlier(db, DAY, [failing.checkout.id, slow.checkout.id]);
    await env.t.services.refundSweep.run();
    expect(await db.refund.findFirst({ where: { orderId: failing.order.id } })).toMatchObject({ amountCents: 300 });
    expect(await db.refund.findFirst({ where: { orderId: slow.order.id } })).toMatchObject({ amountCents: 400 });
  });

  it('selects by window, age and backoff: first after an hour, then after a quarter of its age (1 hour to 14 days), for 210 days', async () => {
    const { order, checkout } = await paidPayPalOrder();
    // Whether the sweep takes the checkout once it is `seconds` old: its dates moved so it is, by the database's now
    // (one transaction's, the same for the move and the selection), on an instance on the database's time.
    const due = (seconds: number) =>
      db.$transaction(async (tx) => {
        const made = Prisma.sql`((now() AT TIME ZONE 'UTC') - make_interval(secs => ${seconds}::float8))`;
        await tx.$executeRaw`UPDATE payment_checkouts SET "createdAt" = ${made},
          "refundCheckedAt" = "refundCheckedAt" + (${made} - "createdAt"), "refundCheckDueAt" = "refundCheckDueAt" + (${made} - "createdAt")
          WHERE id = ${checkout.id}`;
        const now = await databaseNow(tx);
        return (await tx.$queryRaw<{ id: string }[]>(dueRefundReadsSql(now, 100_000))).some((c) => c.id === checkout.id);
      });
    // Read once it is `seconds` old; its age at the read, as its dates say (the read is dated a moment after).
    const readAt = async (seconds: number) => {
      await readBySweepAtAge(checkout.id, seconds);
      const row = await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } });
      return (row.refundCheckedAt!.getTime() - row.createdAt.getTime()) / 1000;
    };

    expect(await due(30 * 60)).toBe(false);
    expect(await due(HOUR + 1)).toBe(true);
    const readAge = await readAt(HOUR + 1);
    // Young: an hour apart.
    expect(await due(readAge + HOUR - 2)).toBe(false);
    expect(await due(readAge + HOUR + 1)).toBe(true);
    // Read at day 8: due again once the time since is a quarter of its age (day 10⅔), not before.
    await readAt(8 * DAY);
    expect(await due(10 * DAY)).toBe(false);
    expect(await due(11 * DAY)).toBe(true);
    // Old: at most 14 days apart.
    await readAt(100 * DAY);
    expect(await due(113 * DAY)).toBe(false);
    expect(await due(114 * DAY + HOUR)).toBe(true);
    // PayPal's window: 180 days after a capture made up to 29 days after the order.
    await readAt(190 * DAY);
    expect(await due(209 * DAY)).toBe(true);
    expect(await due(211 * DAY)).toBe(false);
    // An order refunded in full is still read: its refund of ours may fail at PayPal later, the webhook lost.
    await db.paymentCheckout.update({ where: { id: checkout.id }, data: { refundCheckedAt: null, refundCheckDueAt: null } });
    expect(await due(2 * HOUR)).toBe(true);
    await env.t.services.refunds.refund(adminCtx(order.tenantId), order.id, {});
    expect(await due(2 * HOUR)).toBe(true);
  });

  it('takes the least recently read first, never read before all, at most its limit a run', async () => {
    const older = await paidPayPalOrder();
    const newer = await paidPayPalOrder();
    const ids = async (limit: number) => (await paidCheckoutsDueRefundRead(db, await databaseNow(db), limit)).map((c) => c.id);
    for (const c of await db.paymentCheckout.findMany({ where: { refundCheckedAt: null } })) await readBySweep(c.id);
    await readBySweep(older.checkout.id);
    await db.paymentCheckout.update({ where: { id: newer.checkout.id }, data: { refundCheckedAt: null, refundCheckDueAt: null } });
    // A month later by the database's clock: every one of them due.
    await timePasses(30 * DAY);
    const all = await ids(REFUND_SWEEP_RUN_LIMIT);
    expect(all[0]).toBe(newer.checkout.id);
    expect(all.at(-1)).toBe(older.checkout.id);
    expect(await ids(1)).toEqual([newer.checkout.id]);
  });

  it('the cron job reads the checkouts due and schedules their next read: not one just paid, one read an hour ago at 2 days old, or one past the window', async () => {
    const orders = await Promise.all([0, 1, 2, 3, 4].map(() => paidPayPalOrder()));
    const [justPaid, readHourAgo, readHalfDayAgo, pastWindow, neverRead] = orders.map((o) => o.checkout.id) as [
      string,
      string,
      string,
      string,
      string,
    ];
    // The instance on the database's time (the file's earlier tests moved its clock on).
    clock.advance(((await databaseNow(db)).getTime() - clock.now().getTime()) / 1000);
    const now = clock.now().getTime();
    const madeAgo = (id: string, seconds: number) =>
      db.paymentCheckout.update({ where: { id }, data: { createdAt: new Date(now - seconds * 1000) } });
    await madeAgo(justPaid, 10 * 60);
    // Read at 2 days less an hour old, an hour ago by the database's clock.
    await readBySweepAtAge(readHourAgo, 2 * DAY - HOUR);
    await timePasses(HOUR, readHourAgo);
    await readBySweepAtAge(readHalfDayAgo, 2 * DAY - 13 * HOUR);
    await timePasses(13 * HOUR, readHalfDayAgo); // due after 12 hours (a quarter of 2 days)
    await madeAgo(pastWindow, 211 * DAY);
    await madeAgo(neverRead, 2 * HOUR);
    const before = new Map((await db.paymentCheckout.findMany()).map((c) => [c.id, c]));

    await runCronJob(db, 'payment:checkouts:refund_sweep');

    const after = new Map((await db.paymentCheckout.findMany()).map((c) => [c.id, c]));
    // Of these five (the file's earlier checkouts may be due too).
    const read = [justPaid, readHourAgo, readHalfDayAgo, pastWindow, neverRead].filter(
      (id) => after.get(id)!.refundCheckedAt?.getTime() !== before.get(id)!.refundCheckedAt?.getTime(),
    );
    expect(read.sort()).toEqual([readHalfDayAgo, neverRead].sort());
    for (const id of [justPaid, readHourAgo, pastWindow]) expect(after.get(id)).toEqual(before.get(id));
    // Each read schedules the next after a third of the age it was read at (the first time a quarter of the age
    // has passed since), at least an hour: read at 2 days old -> 16 hours; at 2 hours old -> an hour.
    const nextAfter = (id: string) => (after.get(id)!.refundCheckDueAt!.getTime() - after.get(id)!.refundCheckedAt!.getTime()) / 1000;
    expect(nextAfter(readHalfDayAgo)).toBeCloseTo((2 * DAY) / 3, 0);
    expect(nextAfter(neverRead)).toBe(HOUR);
    // Read now, the next read is not due yet; once due (a second past it by the database's clock), it is (by
    // refundCheckDueAt's index).
    const due = async () => (await paidCheckoutsDueRefundRead(db, clock.now(), 100_000)).map((c) => c.id);
    expect(await due()).not.toContain(readHalfDayAgo);
    await timePasses(
      (after.get(readHalfDayAgo)!.refundCheckDueAt!.getTime() - (await databaseNow(db)).getTime()) / 1000 + 1,
      readHalfDayAgo,
    );
    expect(await due()).toContain(readHalfDayAgo);
    // Near the end of its window, a read whose next one would fall past it schedules none.
    await madeAgo(readHourAgo, 205 * DAY);
    await readBySweep(readHourAgo);
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: readHourAgo } })).toMatchObject({ refundCheckDueAt: null });
  });
});
