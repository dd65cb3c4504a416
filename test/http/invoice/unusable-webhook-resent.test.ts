// A well-signed webhook we could not use is acknowledged and recorded (outcome "unusable"), and a later delivery of the
// same event id was answered "duplicate" and dropped. When the event was unusable through our own fault (here the
// shop's BTCPay connection named another store id than the store sending it), fixed since, the provider's resend
// of that event (BTCPay's Redeliver: the same originalDeliveryId) could never be applied, and the paid order stayed
// unpaid. An event recorded only as unusable is now processed again, its record becoming what it now is; one used
// is still a duplicate. Against the fake BTCPay Server, signed as BTCPay signs.
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { openBtcPayInvoice, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const { env } = useProvidersApp();

const setStoreId = (connectionId: string, storeId: string) =>
  db.$executeRaw`UPDATE payment_connections SET config = jsonb_set(config, '{storeId}', to_jsonb(${storeId}::text)) WHERE id = ${connectionId}`;

describe('a webhook event first recorded as unusable', () => {
  it('is applied when the provider sends it again after the cause was fixed; then its resend is a duplicate', async () => {
    const { order, invoiceId, storeId, connectionId } = await openBtcPayInvoice(env);
    // Our side is wrong: the connection names another store than the one that sends the shop's events.
    await setStoreId(connectionId, 'StMistypedStore');
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    const settled = env.btcpay.outbox.deliveries.find((d) => d.body.includes('"InvoiceSettled"') && d.body.includes(invoiceId))!;
    expect(settled.status).toBe(200);
    const eventId = JSON.parse(settled.body).deliveryId as string;
    const recorded = () => db.providerWebhookEvent.findMany({ where: { connectionId, eventId }, select: { type: true, outcome: true } });
    expect(await recorded()).toEqual([{ type: 'InvoiceSettled', outcome: 'unusable' }]);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');

    // Fixed; the shop asks BTCPay to send the event again.
    await setStoreId(connectionId, storeId);
    await env.btcpay.redeliver(eventId);
    await env.btcpay.idle();
    const resent = env.btcpay.outbox.deliveries.at(-1)!;
    expect(resent.status).toBe(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    expect(await recorded()).toEqual([{ type: 'InvoiceSettled', outcome: 'applied' }]);

    // Used now: a further resend is a duplicate, applied once.
    await env.btcpay.redeliver(eventId);
    await env.btcpay.idle();
    expect(env.btcpay.outbox.deliveries.at(-1)!.status).toBe(200);
    expect(await recorded()).toEqual([{ type: 'InvoiceSettled', outcome: 'applied' }]);
    expect(await db.payment.count({ where: { orderId: order.id } })).toBe(1);
  });
});
