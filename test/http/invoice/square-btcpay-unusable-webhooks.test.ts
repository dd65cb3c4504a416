// The rule for a well-signed provider webhook we cannot use is one for every provider (the checkout service's
// acknowledgeUnusable, after the adapter verified the signature): acknowledged 200 (outcome "unusable"), logged and
// recorded when its event id can be read, never refused. Square's notification not shaped as Square documents it and
// BTCPay's delivery for another store or not shaped as Greenfield documents it were 400 VALIDATION_FAILED, which each
// retries (Square for 3 days, BTCPay by hand) and which can never succeed; PayPal's in
// signed-unusable-paypal-webhook.test.ts. Signed as each provider signs (Square: HMAC-SHA256 of the notification URL
// and body, base64; BTCPay: BTCPay-Sig sha256=hex of the body), at the connection's own URL.
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { factories } from '../../helpers/factories.js';
import { testDb } from '../../helpers/db.js';
import { connectSquare, openBtcPayInvoice, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const { env } = useProvidersApp();

describe('a well-signed Square or BTCPay webhook we cannot use', () => {
  it('Square: a notification not shaped as documented is acknowledged 200 and recorded; a forged one is still 401', async () => {
    const { tenant } = await factories().shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    const { connectionId, signatureKey } = await connectSquare(env, tenant.id);
    const path = `/webhooks/square/${connectionId}`;
    const body = JSON.stringify({ type: 'payment.updated', event_id: 'sq-evt-odd', data: { object: { payment: { id: 7 } } } });
    const sig = createHmac('sha256', signatureKey).update(`${env.base}${path}`).update(body).digest('base64');
    const send = (signature: string) =>
      request(env.t.app).post(path).set({ 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature }).send(body);
    const res = await send(sig).expect(200);
    expect(res.body).toEqual({ received: true, outcome: 'unusable' });
    const rows = await db.providerWebhookEvent.findMany({ where: { connectionId, eventId: 'sq-evt-odd' } });
    expect(rows.map((r) => [r.type, r.outcome])).toEqual([['payment.updated', 'unusable']]);
    expect((await send(sig).expect(200)).body.outcome).toBe('duplicate');
    await send(Buffer.from('forged').toString('base64')).expect(401);
  });

  it('BTCPay: a delivery for another store, or not shaped as documented, is acknowledged 200; the invoice stays open', async () => {
    const { order, connectionId, webhookSecret, invoiceId } = await openBtcPayInvoice(env);
    const path = `/webhooks/btcpay/${connectionId}`;
    const send = (body: string) =>
      request(env.t.app)
        .post(path)
        .set({
          'content-type': 'application/json',
          'btcpay-sig': `sha256=${createHmac('sha256', webhookSecret).update(body).digest('hex')}`,
        })
        .send(body);
    const otherStore = JSON.stringify({ deliveryId: 'bt-other-store', type: 'InvoiceSettled', storeId: 'StSomeoneElse', invoiceId });
    expect((await send(otherStore).expect(200)).body).toEqual({ received: true, outcome: 'unusable' });
    const rows = await db.providerWebhookEvent.findMany({ where: { connectionId, eventId: 'bt-other-store' } });
    expect(rows.map((r) => [r.type, r.outcome])).toEqual([['InvoiceSettled', 'unusable']]);
    // No deliveryId, no type: nothing to record it by, still acknowledged.
    expect((await send(JSON.stringify({ invoiceId })).expect(200)).body.outcome).toBe('unusable');
    expect((await send('not json').expect(200)).body.outcome).toBe('unusable');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
});
