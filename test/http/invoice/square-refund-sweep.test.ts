// The refund sweep (checkouts/refund-sweep.ts) for Cash App Pay: a refund made in the seller's Square dashboard
// whose notifications (refund.created, payment.updated, refund.updated) were all lost is read from the fake
// Square (GetPayment's refund_ids, then GetPaymentRefund) with the shop's own access token and recorded as the
// notification would; Square's one-year refund window is the sweep's. Time is the app's movable clock.
import { describe, expect, it } from 'vitest';
import { paidCheckoutsDueRefundRead } from '../../../src/modules/payments-processor/checkouts/refund-sweep.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { sweepReadsEarlier } from './refund-sweep-reads.js';
import { paidSquareOrder, squareDashboardRefund, useProvidersApp } from './square-btcpay-fixtures.js';

const DAY = 24 * 3600;
const clock = new MovableClock();
const db = testDb();
const { env, discordApi } = useProvidersApp(clock);

/** A paid Cash App Pay order refunded by `amount` in Square's dashboard with every notification lost, and those. */
async function refundedWithNotificationsLost(amount: number) {
  const paid = await paidSquareOrder(env);
  const from = env.square.outbox.deliveries.length;
  env.square.outbox.dropNext(3);
  const refundId = await squareDashboardRefund(env, paid.paymentId, amount);
  const lost = env.square.outbox.deliveries.slice(from).filter((d) => d.dropped);
  expect(lost).toHaveLength(3);
  expect((await db.order.findUniqueOrThrow({ where: { id: paid.order.id } })).status).toBe('PAID');
  return { ...paid, refundId, lost };
}

describe('the refund sweep, Square', () => {
  it('records a dashboard refund whose notifications were lost; they arriving afterwards change nothing', async () => {
    const { tenant, order, refundId, lost } = await refundedWithNotificationsLost(1000);
    clock.advance(2 * 3600);
    await env.t.services.refundSweep.run();

    expect(await db.refund.findMany({ where: { orderId: order.id } })).toEqual([
      expect.objectContaining({ mode: 'PARTIAL_AMOUNT', amountCents: 1000, externalRefundId: refundId }),
    ]);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedTotalCents: 1000,
    });
    const notices = () =>
      discordApi()
        .find('POST', new RegExp(`/channels/${tenant.adminChannelId}/messages$`))
        .map((c) => (c.body as { embeds?: { title?: string }[] }).embeds?.[0]?.title ?? '')
        .filter((t) => t.includes("Square's dashboard"));
    expect(await waitFor('the admin notice', async () => notices()[0])).toContain("refunded in Square's dashboard: recorded");

    // Square's retries of the lost notifications, signed for our URL, come after the sweep recorded the refund.
    for (const d of lost) {
      const res = await fetch(d.url, { method: 'POST', headers: { 'content-type': 'application/json', ...d.headers }, body: d.body });
      expect(res.status).toBe(200);
    }
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(1000);
    expect(notices()).toHaveLength(1);
  });

  it('a Square answering 500 for one shop leaves the run going for the other', async () => {
    const failing = await refundedWithNotificationsLost(500);
    const fine = await refundedWithNotificationsLost(700);
    env.square.fail(new RegExp(`^/v2/payments/${failing.paymentId}$`), 500);
    clock.advance(2 * 3600);
    const result = await env.t.services.refundSweep.run();
    expect(result.failed).toBe(1);
    expect(await db.refund.findFirst({ where: { orderId: fine.order.id } })).toMatchObject({
      amountCents: 700,
      externalRefundId: fine.refundId,
    });
    expect(await db.refund.count({ where: { orderId: failing.order.id } })).toBe(0);
    // Read again once its interval has passed (by the database's clock, which dates the reads).
    clock.advance(DAY);
    await sweepReadsEarlier(db, DAY, [failing.checkoutId]);
    await env.t.services.refundSweep.run();
    expect(await db.refund.findFirst({ where: { orderId: failing.order.id } })).toMatchObject({ amountCents: 500 });
  });

  it("follows Square's one-year refund window, past PayPal's", async () => {
    const { checkoutId } = await paidSquareOrder(env);
    const made = (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).createdAt.getTime();
    const due = async (days: number) =>
      (await paidCheckoutsDueRefundRead(db, new Date(made + days * DAY * 1000), 100_000)).some((c) => c.id === checkoutId);
    expect(await due(300)).toBe(true);
    expect(await due(366)).toBe(true);
    expect(await due(368)).toBe(false);
  });
});
