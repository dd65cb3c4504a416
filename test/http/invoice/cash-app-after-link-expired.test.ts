// On a phone, Cash App Pay leaves the browser for the Cash App app and comes back to our Cash App Pay page, which
// then posts the approved payment's token to be charged. When the invoice link expired while the buyer was in Cash
// App, the page coming back answered "This invoice link has expired" (410) and the charge was refused: the payment the
// buyer had just approved was never taken, and they were told to get a new link and pay again. A checkout started
// while the link worked is now finished (the page, and its charge); a new press of Pay on the expired link is not.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SQUARE_TEST_TOKENS } from '../../../src/dev/fakes/fake-square.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { MovableClock, unpaidOrderLink } from './invoice-fixtures.js';
import { connectSquare, useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env } = useProvidersApp(clock);

describe('Cash App Pay finished after the invoice link expired', () => {
  it('shows the Cash App Pay page and charges the approved token of a checkout started while the link worked', async () => {
    const shop = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    await connectSquare(env, shop.tenant.id);
    const { order } = await unpaidOrderLink(env.t.services, shop, { method: 'CASHAPP_PAY', cents: 4250 });
    const link = await env.t.services.invoices.createLink({ tenantId: shop.tenant.id, actor: systemActor }, order.id, {
      expiresInSeconds: 60,
    });
    const path = new URL(link.url).pathname;
    const pressed = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
    const cashApp = String(pressed.headers.location);
    const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(cashApp)![1]!;

    // In the Cash App app for five minutes; the link ended meanwhile.
    clock.advance(5 * 60);
    const page = await request(env.t.app).get(cashApp);
    expect(page.status).toBe(200);
    expect(page.text).toContain('with Cash App Pay');
    const paid = await request(env.t.app).post(`${cashApp}/charge`).send({ sourceToken: SQUARE_TEST_TOKENS.ok });
    expect(paid.status).toBe(200);
    expect(paid.body.outcome).toBe('paid');
    await env.square.idle();
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    expect((await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } })).state).toBe('PAID');

    // The expired link itself opens nothing new: its page says the order is paid, and Pay is refused.
    expect((await request(env.t.app).get(path).expect(410)).text).toContain('The order is already paid');
    await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(410);
  });

  it('refuses a Cash App Pay page of an expired link for a checkout it did not start before its end', async () => {
    const shop = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
    await connectSquare(env, shop.tenant.id);
    const { order } = await unpaidOrderLink(env.t.services, shop, { method: 'CASHAPP_PAY', cents: 4250 });
    const old = await env.t.services.invoices.createLink({ tenantId: shop.tenant.id, actor: systemActor }, order.id, {
      expiresInSeconds: 60,
    });
    clock.advance(5 * 60);
    // A checkout started later, from a link that works.
    const { path } = await unpaidOrderLinkPath(shop.tenant.id, order.id);
    const pressed = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
    const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(String(pressed.headers.location))![1]!;
    // Dated after the old link's end (rows are dated by the database's clock; this test's clock is the app's).
    await db.paymentCheckout.update({ where: { id: checkoutId }, data: { createdAt: new Date(old.expiresAt.getTime() + 1000) } });

    const oldPath = new URL(old.url).pathname;
    await request(env.t.app).get(`${oldPath}/cash-app/${checkoutId}`).expect(410);
    await request(env.t.app).post(`${oldPath}/cash-app/${checkoutId}/charge`).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(410);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
});

async function unpaidOrderLinkPath(tenantId: string, orderId: string) {
  const link = await env.t.services.invoices.createLink({ tenantId, actor: systemActor }, orderId);
  return { path: new URL(link.url).pathname };
}
