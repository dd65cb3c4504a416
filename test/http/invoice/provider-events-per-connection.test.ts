// Provider webhook events are de-duplicated per connection (each shop's own provider account), not across them:
// a shop holding its own BTCPay webhook secret signs an event carrying an id that another shop's BTCPay will use,
// and the other shop's real event with that id is still applied. A true redelivery to the same connection is
// still a duplicate. Against the fake BTCPay over real HTTP.
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { openBtcPayInvoice, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const { env } = useProvidersApp();

describe('provider webhook events, per connection', () => {
  it("one shop's signed event cannot claim the event id of another shop's BTCPay; a replay to the same shop is a duplicate", async () => {
    const attacker = await openBtcPayInvoice(env);
    const victim = await openBtcPayInvoice(env);

    // The victim's payment is made while its deliveries do not reach us yet (BTCPay retries them later).
    const victimWebhook = env.btcpay.stores.find((s) => s.id === victim.storeId)!.webhooks[0]!;
    const realUrl = victimWebhook.url;
    victimWebhook.url = `${env.base}/not-reachable-yet`;
    await env.btcpay.pay(victim.invoiceId);
    await env.btcpay.idle();
    victimWebhook.url = realUrl;
    const settled = env.btcpay.outbox.deliveries.find((d) => d.body.includes('"InvoiceSettled"') && d.body.includes(victim.invoiceId))!;
    const eventId = JSON.parse(settled.body).deliveryId as string;
    expect((await db.order.findUniqueOrThrow({ where: { id: victim.order.id } })).status).toBe('PENDING_PAYMENT');

    // The attacker claims that id first, signed with its own connection's secret, at its own webhook URL.
    const claim = JSON.stringify({
      deliveryId: eventId,
      originalDeliveryId: eventId,
      isRedelivery: false,
      type: 'StoreUpdated',
      timestamp: Math.floor(Date.now() / 1000),
      storeId: attacker.storeId,
    });
    const sig = createHmac('sha256', attacker.webhookSecret).update(claim, 'utf8').digest('hex');
    const claimed = await request(env.t.app)
      .post(`/webhooks/btcpay/${attacker.connectionId}`)
      .set({ 'content-type': 'application/json', 'btcpay-sig': `sha256=${sig}` })
      .send(claim)
      .expect(200);
    expect(claimed.body.outcome).toBe('ignored');

    // The victim's BTCPay redelivers (same original id): applied, the order is paid.
    await env.btcpay.redeliver(eventId);
    await env.btcpay.idle();
    const redelivery = env.btcpay.outbox.deliveries.at(-1)!;
    expect(redelivery.status).toBe(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: victim.order.id } })).status).toBe('PAID');
    const rows = await db.providerWebhookEvent.findMany({ where: { provider: 'BTCPAY', eventId }, orderBy: { receivedAt: 'asc' } });
    expect(rows.map((r) => [r.connectionId, r.outcome])).toEqual([
      [attacker.connectionId, 'ignored'],
      [victim.connectionId, 'applied'],
    ]);

    // The same delivery again at the victim's URL: a duplicate, nothing paid twice.
    const again = await request(env.t.app)
      .post(`/webhooks/btcpay/${victim.connectionId}`)
      .set({ 'content-type': 'application/json', ...redelivery.headers })
      .send(redelivery.body)
      .expect(200);
    expect(again.body.outcome).toBe('duplicate');
    expect(await db.payment.count({ where: { orderId: victim.order.id, status: 'paid' } })).toBe(1);
    expect(await db.providerWebhookEvent.count({ where: { provider: 'BTCPAY', eventId } })).toBe(2);
  });
});
