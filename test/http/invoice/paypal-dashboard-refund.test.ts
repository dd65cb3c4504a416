// A refund the shop owner makes in PayPal's own dashboard, outside Ledgerline, reaches us as PayPal's
// PAYMENT.CAPTURE.REFUNDED webhook (signed as PayPal signs it, posted to our real endpoint by the fake). It is
// recorded as a refund of the order (the spec's cumulative rule: PARTIALLY_REFUNDED, or REFUNDED at the
// total), once however often it is delivered; the admins are told it is recorded, not to return it; and a
// later Full refund from /refund (a signed Discord interaction) sends PayPal only what is left.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { commandInteraction, interact, member, textOf, type Harness } from '../../discord/harness.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, paidPayPalOrder, dashboardRefund, lastEvent, postWebhook, discordApi } = usePayPalApp(clock);

/** The admin-channel messages of the shop (titles and descriptions). */
const adminTexts = (channelId: string) =>
  discordApi()
    .find('POST', new RegExp(`/channels/${channelId}/messages$`))
    .map((c) => (c.body as { embeds?: { title?: string; description?: string }[] }).embeds?.[0])
    .map((e) => `${e?.title ?? ''}\n${e?.description ?? ''}`);

describe('a refund made in the PayPal dashboard, outside Ledgerline', () => {
  it('a partial one is recorded (PARTIALLY_REFUNDED, once per refund id); a Full refund from /refund then sends PayPal only the rest', async () => {
    const { tenant, order, clientId, clientSecret, captureId, connectionId } = await paidPayPalOrder();
    const paypalRefundId = await dashboardRefund(clientId, clientSecret, captureId, '10.00');

    const recorded = await db.refund.findMany({ where: { orderId: order.id } });
    expect(recorded).toEqual([
      expect.objectContaining({ mode: 'PARTIAL_AMOUNT', amountCents: 1000, externalRefundId: paypalRefundId, manualReturnMethod: null }),
    ]);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedTotalCents: 1000,
    });
    expect(await db.payment.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({
      status: 'partially_refunded',
      refundedAmountCents: 1000,
    });
    // Nothing is sent for it: the money is already back.
    expect(env.paypal.refundRequests(captureId)).toHaveLength(1);

    // The same PayPal refund delivered again under another event id (a resend): recorded once.
    const first = lastEvent('PAYMENT.CAPTURE.REFUNDED', (w) => w.body.includes(paypalRefundId));
    const resource = (JSON.parse(first.body) as { resource: unknown }).resource;
    const again = env.paypal.signedEvent(clientId, 'PAYMENT.CAPTURE.REFUNDED', 'refund', resource);
    await postWebhook(again, connectionId).expect(200);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);

    // The admins read that it is recorded, never that they must return it.
    const notice = await waitFor('the admin notice', async () =>
      adminTexts(tenant.adminChannelId!).find((t) => t.includes("refunded in PayPal's dashboard")),
    );
    expect(notice).toContain("refunded in PayPal's dashboard: recorded");
    expect(notice).toContain('$10.00 of $42.50 refunded');
    expect(adminTexts(tenant.adminChannelId!).join('\n')).not.toContain('could NOT be returned');

    // A Full refund through /refund: the remaining balance, $32.50, goes to PayPal, not $42.50.
    const asAdmin = { guildId: order.guildId!, user: member({ roles: [tenant.adminRoleIds[0]!] }) };
    const reply = await interact({ t: env.t } as Harness, commandInteraction(asAdmin, 'refund', { order: order.id }));
    expect(textOf(reply)).toContain('Refund of $32.50 recorded');
    const sent = await waitFor('the refund job outcome', () =>
      db.auditLog.findFirst({ where: { entityId: order.id, action: { in: ['payment.refund_sent', 'payment.refund_failed'] } } }),
    );
    expect(sent).toMatchObject({ action: 'payment.refund_sent', after: { amountCents: 3250, refundState: 'COMPLETED' } });
    const ours = env.paypal.refundRequests(captureId).at(-1)!;
    expect(ours.body).toMatchObject({ amount: { currency_code: 'USD', value: '32.50' } });
    expect(env.paypal.refundedCents(captureId)).toBe(4250);
    await env.paypal.settle();
    // Our own refund's webhook is not a second dashboard refund.
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(2);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 4250 });
  });

  it('a full one is recorded as a Full refund: REFUNDED, every unit refunded, nothing more to send', async () => {
    const { tenant, order, clientId, clientSecret, captureId } = await paidPayPalOrder();
    const paypalRefundId = await dashboardRefund(clientId, clientSecret, captureId);
    const refund = await db.refund.findFirstOrThrow({ where: { orderId: order.id } });
    expect(refund).toMatchObject({ mode: 'FULL', amountCents: 4250, externalRefundId: paypalRefundId });
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 4250 });
    const line = await db.orderItem.findFirstOrThrow({ where: { orderId: order.id } });
    expect(line.refundedQuantity).toBe(line.quantity);
    // Nothing more can be refunded, so nothing more is sent.
    await expect(env.t.services.refunds.refund(adminCtx(tenant.id), order.id, {})).rejects.toMatchObject({ code: 'REFUND_NOTHING_LEFT' });
    const notice = await waitFor('the admin notice', async () =>
      adminTexts(tenant.adminChannelId!).find((t) => t.includes("refunded in PayPal's dashboard")),
    );
    expect(notice).toContain("refunded in PayPal's dashboard: recorded");
    expect(notice).toContain('nothing more to send');
  });

  it('whose webhook was lost, and PayPal could not be read before our refund: the refund then finds the capture fully refunded and records it as returned, not "return it another way"', async () => {
    const { tenant, order, clientId, clientSecret, captureId } = await paidPayPalOrder();
    env.paypal.dropWebhooks = true;
    try {
      await dashboardRefund(clientId, clientSecret, captureId);
    } finally {
      env.paypal.dropWebhooks = false;
    }
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    // The read of the order's refunds before the refund (paypal-refund-reconcile.test.ts) answers 503: skipped.
    env.paypal.failNext = 1;
    const ours = await env.t.services.refunds.refund(adminCtx(tenant.id), order.id, { reason: 'asked' });
    const outcome = await waitFor('the refund job outcome', () =>
      db.auditLog.findFirst({ where: { entityId: order.id, action: { in: ['payment.refund_sent', 'payment.refund_failed'] } } }),
    );
    expect(outcome).toMatchObject({
      action: 'payment.refund_sent',
      after: {
        refundId: ours.refund.id,
        refundState: 'ALREADY_REFUNDED',
        providerStatus: expect.stringContaining('CAPTURE_FULLY_REFUNDED'),
      },
    });
    expect(env.paypal.refundedCents(captureId)).toBe(4250);
  });

  it('of money that could not pay the order and that PayPal refused to refund for us: the order page stops saying "return it by hand"', async () => {
    const { order, path, clientId, clientSecret } = await payPalOrder({ paymentStatus: 'pending' });
    const { paypalOrderId, checkout } = await startCheckout(path);
    // PayPal captured less than the order total, and refuses our automatic refund of it: FLAGGED.
    env.paypal.orders.get(paypalOrderId)!.purchaseUnit.amount.value = '10.00';
    env.paypal.failRefunds('reject');
    const back = new URL(env.paypal.approve(paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await waitFor(
      'the refused automatic refund',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).unappliedAction === 'FLAGGED',
    );
    const captureId = env.paypal.orders.get(paypalOrderId)!.captures[0]!.id;
    await dashboardRefund(clientId, clientSecret, captureId);
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).unappliedAction).toBe('REFUND_SENT');
    // It never paid the order: no refund of the order, which stays unpaid.
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(0);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });

  it('our own refund, returned partly by PayPal and partly by hand: its webhook, before we record it sent, is not a dashboard refund', async () => {
    const { tenant, order, path } = await payPalOrder({ paymentStatus: 'pending' });
    const ctx = adminCtx(tenant.id);
    await env.t.services.payments.recordReceipt(ctx, { orderId: order.id }, { amountCents: 1000, note: 'venmo' });
    const { paypalOrderId } = await startCheckout(path);
    const back = new URL(env.paypal.approve(paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    await env.paypal.settle();
    const captureId = env.paypal.orders.get(paypalOrderId)!.captures[0]!.id;
    // PayPal refunds (and sends its webhook) at once, but answers our job 5 s later.
    env.paypal.holdMs = 5_000;
    env.paypal.failRefunds('timeout');
    try {
      // $40.00 of $42.50: PayPal returns all it took ($32.50), $7.50 goes back by hand, $2.50 is left to refund.
      const ours = await env.t.services.refunds.refund(ctx, order.id, { amountCents: 4000 });
      expect(ours.refund).toMatchObject({ amountCents: 4000, manualReturnMethod: 'PAYPAL_MANUAL', manualReturnCents: 750 });
      await waitFor('PayPal refunded its part', async () => env.paypal.refundedCents(captureId) === 3250);
      await env.paypal.settle();
      expect(await db.auditLog.count({ where: { entityId: order.id, action: 'payment.refund_sent' } })).toBe(0);
      expect(await db.refund.findMany({ where: { orderId: order.id } })).toEqual([expect.objectContaining({ id: ours.refund.id })]);
      await waitFor('our refund recorded as sent', () =>
        db.auditLog.findFirst({ where: { entityId: order.id, action: 'payment.refund_sent' } }),
      );
    } finally {
      env.paypal.holdMs = 2_000;
    }
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedTotalCents: 4000,
    });
  });

  it('returning a refund PayPal refused ("return it another way") in the dashboard: that refund is now returned, no second refund', async () => {
    const { tenant, order, clientId, clientSecret, captureId } = await paidPayPalOrder();
    env.paypal.failRefunds('reject');
    const ours = await env.t.services.refunds.refund(adminCtx(tenant.id), order.id, { amountCents: 1000, reason: 'Broken' });
    await waitFor('the refusal', () => db.auditLog.findFirst({ where: { entityId: order.id, action: 'payment.refund_failed' } }));
    const paypalRefundId = await dashboardRefund(clientId, clientSecret, captureId, '10.00');

    expect(await db.refund.findMany({ where: { orderId: order.id } })).toEqual([expect.objectContaining({ id: ours.refund.id })]);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedTotalCents: 1000,
    });
    const sent = await db.auditLog.findFirst({ where: { entityId: order.id, action: 'payment.refund_sent' } });
    expect(sent?.after).toMatchObject({ refundId: ours.refund.id, providerRefundId: paypalRefundId, amountCents: 1000 });
    const notice = await waitFor('the admin notice', async () =>
      adminTexts(tenant.adminChannelId!).find((t) => t.includes("refunded in PayPal's dashboard")),
    );
    expect(notice).toContain(`the money of refund ${ours.refund.id}`);
  });
});
