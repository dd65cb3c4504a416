import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakePayPal } from '../../../src/dev/fakes/fake-paypal.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { AppError } from '../../../src/platform/errors.js';
import { formatDateTime } from '../../../src/platform/time-format.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { connectPayPal, MovableClock, startPayPalApp, type PayPalApp } from './invoice-fixtures.js';

const f = factories();
const clock = new MovableClock();
let env: PayPalApp;
let t: TestApp;
let paypal: FakePayPal;

beforeAll(async () => {
  env = await startPayPalApp({ clock });
  ({ t, paypal } = env);
});
afterAll(async () => {
  await env.close();
});

/** A pending order of a new shop whose PayPal is connected (enabled methods exactly as given). */
async function pendingOrder(tenantData: Record<string, unknown> = {}, opts: { connect?: boolean } = {}) {
  const tenant = await f.tenant(tenantData);
  const wanted = (tenantData.enabledPaymentMethods as string[] | undefined) ?? ['PAYPAL'];
  // Saving a connection switches PayPal off until its test passes; connectPayPal enables it again if wanted.
  if (opts.connect !== false) await connectPayPal(env, tenant.id, { enable: wanted.includes('PAYPAL') ? ['PAYPAL'] : [] });
  const customer = await f.customer({ tenantId: tenant.id });
  const p1 = await f.product({ tenantId: tenant.id, name: 'Blue <b>Widget</b>' });
  const p2 = await f.product({ tenantId: tenant.id, name: 'Gadget & Co' });
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    lines: [
      { productId: p1.id, name: 'Blue <b>Widget</b>', quantity: 2, unitPriceCents: 1250 },
      { productId: p2.id, name: 'Gadget & Co', quantity: 1, unitPriceCents: 999 },
    ],
    discountCents: 300,
    discountName: 'Welcome',
    shippingCents: 500,
    shippingTypeName: 'Ground',
    taxAmountCents: 271,
    totalCents: 2500 + 999 - 300 + 500 + 271,
    shippingAddress: {
      name: '<script>alert("x")</script> Pat',
      line1: '1 "Quote" St',
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      country: 'US',
    },
  });
  return { tenant, customer, order };
}

async function linkFor(tenantId: string, orderId: string, expiresInSeconds?: number) {
  const link = await t.services.invoices.createLink({ tenantId, actor: systemActor }, orderId, { expiresInSeconds });
  return { ...link, path: new URL(link.url).pathname, token: new URL(link.url).pathname.split('/').at(-1)! };
}

describe('invoice page: happy path', () => {
  it('shows the order summary with every amount, escaped customer text and security headers', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    const res = await request(t.app).get(path).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain(`Order #${order.number}`);
    expect(res.text).toContain('Blue &lt;b&gt;Widget&lt;/b&gt;');
    expect(res.text).toContain('Gadget &amp; Co');
    expect(res.text).not.toContain('<script>');
    expect(res.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Pat');
    for (const amount of ['$25.00', '$34.99', '$3.00', '$5.00', '$2.71', '$39.70']) expect(res.text).toContain(amount);
    expect(res.text).toContain('Awaiting payment');
    // The tab icon, from this origin (img-src 'self'): a phone's tab shows it instead of asking for a missing one.
    expect(res.text).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
  });

  it("says when to pay by and how long the link works, in the shop's time zone; no deadline once paid", async () => {
    const { tenant, order } = await pendingOrder({ timeZone: 'America/New_York' });
    await testDb().order.update({ where: { id: order.id }, data: { paymentDueAt: new Date('2026-12-05T02:30:00Z') } });
    const { path, expiresAt } = await linkFor(tenant.id, order.id);
    const page = (await request(t.app).get(path).expect(200)).text;
    // 02:30Z on 5 December is 9:30 PM on the 4th in New York.
    expect(page).toContain(
      'Please pay by <time datetime="2026-12-05T02:30:00.000Z">Dec 4, 2026, 9:30 PM EST</time>. An order not paid by then is cancelled.',
    );
    expect(page).toContain(
      `This link works until <time datetime="${expiresAt.toISOString()}">${formatDateTime(expiresAt, 'America/New_York')}</time>.`,
    );
    expect(page).not.toContain('GMT');

    await testDb().order.update({ where: { id: order.id }, data: { status: 'PAID', paidAt: new Date() } });
    const paid = (await request(t.app).get(path).expect(200)).text;
    expect(paid).not.toContain('Please pay by');
    expect(paid).not.toContain('This link works until');
  });

  it('offers only the processor-backed methods the tenant enabled, never the P2P ones', async () => {
    const { tenant, order } = await pendingOrder({
      enabledPaymentMethods: ['PAYPAL', 'BTC_INVOICE', 'VENMO_P2P', 'ZELLE', 'CASHAPP_P2P', 'CHIME', 'PAYPAL_MANUAL', 'BTC_MANUAL'],
    });
    const { path } = await linkFor(tenant.id, order.id);
    const res = await request(t.app).get(path).expect(200);
    const methods = [...res.text.matchAll(/name="method" value="([A-Z_]+)"/g)].map((m) => m[1]);
    // BTC_INVOICE is enabled but has no working connection: not offered (connected AND enabled only).
    expect(methods).toEqual(['PAYPAL']);
    expect(res.text).not.toMatch(/Venmo|Zelle|Chime|VENMO|ZELLE|CHIME|_MANUAL|CASHAPP_P2P/);
  });

  it('tells the customer when the tenant enabled no online method', async () => {
    const { tenant, order } = await pendingOrder({ enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'] });
    const res = await request(t.app)
      .get((await linkFor(tenant.id, order.id)).path)
      .expect(200);
    expect(res.text).not.toContain('name="method"');
    expect(res.text).toContain('does not accept online payment');
  });

  it('shows "Paid — thank you" and no buttons once the order is paid', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    await testDb().order.update({ where: { id: order.id }, data: { status: 'PAID', paidAt: new Date() } });
    const res = await request(t.app).get(path).expect(200);
    expect(res.text).toContain('Paid — thank you');
    expect(res.text).not.toContain('name="method"');
  });

  // Where the DM stands (sent, not sent): invoice-receipt-dm.test.ts.
  it('says on a paid order where its receipt stands, and not before (what it says: invoice-receipt-dm.test.ts)', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    // Marked paid here without the order.paid event: no receipt job, no DM recorded; the page is the receipt.
    const receipt = '<div class="notice" id="receipt" data-state="unknown">This page is your receipt.';
    expect((await request(t.app).get(path).expect(200)).text).not.toContain(receipt);
    await testDb().order.update({ where: { id: order.id }, data: { status: 'PAID', paidAt: new Date() } });
    expect((await request(t.app).get(path).expect(200)).text).toContain(receipt);
    await testDb().order.update({ where: { id: order.id }, data: { status: 'SHIPPED', shippingStatus: 'SHIPPED' } });
    expect((await request(t.app).get(path).expect(200)).text).toContain(receipt);
  });

  it('tells the customer of a cancelled (or expired) order to order again with /order, as Discord does, not to contact the shop', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    await testDb().order.update({ where: { id: order.id }, data: { status: 'CANCELLED' } });
    const res = await request(t.app).get(path).expect(200);
    expect(res.text).toContain('This order was cancelled. Run /order in the shop&#39;s Discord whenever you want to order again.');
    expect(res.text).not.toContain('Contact the shop if you still want it');
    expect(res.text).not.toContain('id="receipt"');
  });

  it('explains a returned or cancelled checkout while the order still waits for payment', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    expect((await request(t.app).get(`${path}?checkout=pending`).expect(200)).text).toContain('has not confirmed your payment yet');
    expect((await request(t.app).get(`${path}?checkout=cancelled`).expect(200)).text).toContain('Payment was not completed');
    expect((await request(t.app).get(`${path}?checkout=changed`).expect(200)).text).toContain('returned automatically');
    expect((await request(t.app).get(`${path}?checkout=<x>`).expect(200)).text).not.toContain('&lt;x&gt;');
  });

  it("POST /pay records a checkout and redirects (303) to PayPal's payer-action link for the order total", async () => {
    const { tenant, order } = await pendingOrder();
    const { path, token } = await linkFor(tenant.id, order.id);
    const res = await request(t.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(303);
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(`${paypal.url}/checkoutnow`);
    const paypalOrderId = location.searchParams.get('token')!;
    const checkout = await testDb().paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } });
    expect(checkout).toMatchObject({
      provider: 'PAYPAL',
      method: 'PAYPAL',
      providerCheckoutId: paypalOrderId,
      amountCents: order.totalCents,
      currency: 'USD',
      orderVersion: 1,
      state: 'OPEN',
    });
    const sent = paypal.orders.get(paypalOrderId)!;
    expect(sent.purchaseUnit).toMatchObject({
      // Each checkout its own invoice_id (accounts that block reused ones), led by the order id.
      invoice_id: `${order.id}:${checkout.id}`,
      custom_id: order.id,
      amount: { currency_code: 'USD', value: '39.70' },
    });
    expect(sent.returnUrl).toBe(`${env.base}/invoice/${token}/return/${checkout.id}`);
    expect(sent.cancelUrl).toBe(`${env.base}/invoice/${token}?checkout=cancelled`);
    // Our checkout id is the PayPal-Request-Id: a retried create makes one PayPal order.
    expect(
      paypal.requests.find((r) => r.method === 'POST' && r.path === '/v2/checkout/orders' && r.requestId === checkout.id),
    ).toBeTruthy();
  });
});

describe('invoice page: errors', () => {
  it('answers a tampered link with a friendly 403 page', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    const other = await pendingOrder();
    const [payloadPart, sig] = path.split('/').at(-1)!.split('.');
    const swapped = JSON.parse(Buffer.from(payloadPart!, 'base64url').toString());
    swapped.orderId = other.order.id;
    swapped.tenantId = other.tenant.id;
    const res = await request(t.app)
      .get(`/invoice/${Buffer.from(JSON.stringify(swapped)).toString('base64url')}.${sig}`)
      .expect(403);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('This link is not valid');
    expect(res.text).not.toContain(`#${other.order.number}`);
    await request(t.app)
      .post(`/invoice/${Buffer.from(JSON.stringify(swapped)).toString('base64url')}.${sig}/pay`)
      .type('form')
      .send({ method: 'PAYPAL' })
      .expect(403);
  });

  it('answers a mangled link (percent-encoding cut short) with the friendly page, not the JSON error body', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    // A chat app that cut the link inside an escape, one that mangled a character, and the same under /pay.
    const answers = [
      await request(t.app).get('/invoice/%E0%A4%A'),
      await request(t.app).get(`${path.slice(0, 20)}%ZZ${path.slice(20)}`),
      await request(t.app).post('/invoice/%E0%A4%A/pay').type('form').send({ method: 'PAYPAL' }),
    ];
    for (const [i, res] of answers.entries()) {
      expect(res.status, `answer ${i}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('<h1>This link is not valid</h1>');
      expect(res.text).toContain('This invoice link is not valid. Ask the shop for a new link.');
      // The page's own layout: readable on the customer's phone, with the invoice pages' headers.
      expect(res.text).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(res.text).not.toContain('VALIDATION_FAILED');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('answers what the parsers refuse on an invoice address (bad JSON, NUL in the query, a body too large) with a page and its headers', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    const answers = [
      [400, await request(t.app).post(`${path}/pay`).set('Content-Type', 'application/json').send('{')],
      [400, await request(t.app).get(`${path}?checkout=%00`)],
      [
        413,
        await request(t.app)
          .post(`${path}/pay`)
          .type('form')
          .send({ method: 'PAYPAL', pad: 'x'.repeat(4000) }),
      ],
    ] as const;
    for (const [i, [status, res]] of answers.entries()) {
      // Before: the API's JSON error body with the generic headers (Referrer-Policy same-origin).
      expect(res.status, `answer ${i}`).toBe(status);
      expect(res.headers['content-type'], `answer ${i}`).toMatch(/text\/html/);
      expect(res.text).toContain('<h1>This request could not be read</h1>');
      expect(res.text).not.toContain('VALIDATION_FAILED');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['cache-control']).toBe('no-store');
    }
    // The REST API keeps its JSON.
    const api = await request(t.app).post('/api/orders').set('Content-Type', 'application/json').send('{');
    expect(api.headers['content-type']).toMatch(/application\/json/);
  });

  it('answers an address under /invoice that is no page (a link cut short, a piece added) with the friendly page, 404', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    for (const url of ['/invoice', '/invoice/', `${path}/extra`, `${path}/return`]) {
      const res = await request(t.app).get(url);
      expect(res.status, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/text\/html/);
      expect(res.text, url).toContain('This invoice link is not valid. Ask the shop for a new link.');
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    // The API keeps its JSON.
    const api = await request(t.app).get('/api/nothing-here');
    expect(api.headers['content-type']).toMatch(/json/);
  });

  it('answers an expired link with a friendly 410 page (time moved past the expiry)', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id, 60);
    await request(t.app).get(path).expect(200);
    clock.advance(61);
    try {
      const res = await request(t.app).get(path).expect(410);
      expect(res.text).toContain('This link has expired');
      await request(t.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(410);
    } finally {
      clock.advance(-61);
    }
  });

  it('an expired link of an order paid by Venmo still says to ask the shop', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id, 60);
    clock.advance(61);
    try {
      const res = await request(t.app).get(path).expect(410);
      expect(res.text).toContain('This invoice link has expired. Ask the shop for a new link.');
      expect(res.text).not.toContain('/orders');
    } finally {
      clock.advance(-61);
    }
  });

  // Before, every expired link said "Ask the shop for a new link", though for an order paid with PayPal, Cash App
  // Pay or Bitcoin the customer gets a fresh one at once from /orders' "Pay now".
  it('an expired link of a PayPal order waiting for payment says where in Discord to get a new one (page and Pay)', async () => {
    const { tenant, order } = await pendingOrder();
    await testDb().order.update({ where: { id: order.id }, data: { paymentMethod: 'PAYPAL' } });
    const { path, token } = await linkFor(tenant.id, order.id, 60);
    clock.advance(61);
    try {
      const words = `This invoice link for order #${order.number} at ${tenant.name} has expired. Get a new one in the shop&#39;s Discord: run /orders, press &quot;View #${order.number}&quot;, then &quot;Pay now&quot;.`;
      const page = await request(t.app).get(path).expect(410);
      expect(page.text).toContain('This link has expired');
      expect(page.text).toContain(words);
      const pay = await request(t.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(410);
      expect(pay.text).toContain(words);
      // The same order and expiry under a signature that does not check: nothing of it is read or shown.
      const [payloadPart, signature] = token.split('.') as [string, string];
      const forged = `${payloadPart}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
      const bad = await request(t.app).get(`/invoice/${forged}`).expect(403);
      expect(bad.text).toContain('This invoice link is not valid. Ask the shop for a new link.');
      expect(bad.text).not.toContain(`#${order.number}`);
    } finally {
      clock.advance(-61);
    }
  });

  // Before, an expired link of an order already paid said "Ask the shop for a new link": the customer was sent to
  // the shop for a link to pay what they had paid (and the shop cannot make one: links are for unpaid orders only).
  it('an expired link of an order already paid says it is paid, and its status, not to ask for a new link', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id, 60);
    await testDb().order.update({
      where: { id: order.id },
      data: { paymentMethod: 'PAYPAL', status: 'SHIPPED', shippingStatus: 'SHIPPED' },
    });
    clock.advance(61);
    try {
      const words = `This invoice link for order #${order.number} at ${tenant.name} has expired. The order is already paid: there is nothing more to pay. Its status: Shipped.`;
      const page = await request(t.app).get(path).expect(410);
      expect(page.text).toContain('This link has expired');
      expect(page.text).toContain(words);
      expect(page.text).not.toContain('Ask the shop');
      const pay = await request(t.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(410);
      expect(pay.text).toContain(words);

      // Cancelled: nothing to pay either.
      await testDb().order.update({ where: { id: order.id }, data: { status: 'CANCELLED', shippingStatus: 'PENDING' } });
      const cancelled = await request(t.app).get(path).expect(410);
      expect(cancelled.text).toContain(
        `This invoice link for order #${order.number} at ${tenant.name} has expired. The order was cancelled: there is nothing to pay. Run /order in the shop&#39;s Discord whenever you want to order again.`,
      );
      expect(cancelled.text).not.toContain('Ask the shop');

      // Refunded, whole or in part: paid, and said so with the refund (it read "already paid… Its status: Refunded").
      await testDb().order.update({ where: { id: order.id }, data: { status: 'REFUNDED' } });
      expect((await request(t.app).get(path).expect(410)).text).toContain(
        `has expired. The order was paid and then refunded: there is nothing to pay.`,
      );
      await testDb().order.update({ where: { id: order.id }, data: { status: 'PARTIALLY_REFUNDED' } });
      expect((await request(t.app).get(path).expect(410)).text).toContain(
        `has expired. The order is already paid (part of it was refunded): there is nothing more to pay.`,
      );
    } finally {
      clock.advance(-61);
    }
  });

  it('refuses a method the tenant did not enable, or a P2P method, with 400 and creates no checkout', async () => {
    const { tenant, order } = await pendingOrder({ enabledPaymentMethods: ['PAYPAL', 'VENMO_P2P'] });
    const { path } = await linkFor(tenant.id, order.id);
    const before = paypal.orders.size;
    for (const method of ['BTC_INVOICE', 'CASHAPP_PAY', 'VENMO_P2P', 'nonsense']) {
      const res = await request(t.app).post(`${path}/pay`).type('form').send({ method }).expect(400);
      expect(res.text).toContain('not available');
    }
    await request(t.app).post(`${path}/pay`).type('form').send({}).expect(400);
    expect(paypal.orders.size).toBe(before);
    expect(await testDb().paymentCheckout.count({ where: { orderId: order.id } })).toBe(0);
  });

  it('a shop that does not sell in US dollars shows no Cash App Pay button, and refuses a forged Cash App Pay press', async () => {
    // Square connected and Cash App Pay still switched on (before the rule, or the currency changed since).
    const { tenant, order } = await pendingOrder(
      { currency: 'JPY', enabledPaymentMethods: ['CASHAPP_PAY', 'BTC_INVOICE'] },
      { connect: false },
    );
    for (const provider of ['SQUARE', 'BTCPAY'] as const)
      await testDb().paymentConnection.create({
        data: { tenantId: tenant.id, provider, environment: 'production', status: 'CONNECTED', secrets: 'sealed' },
      });
    await testDb().order.update({ where: { id: order.id }, data: { currency: 'JPY' } });
    const { path } = await linkFor(tenant.id, order.id);
    const page = await request(t.app).get(path).expect(200);
    expect(page.text).toContain('value="BTC_INVOICE"');
    expect(page.text).not.toContain('value="CASHAPP_PAY"');
    expect(page.text).not.toContain('Cash App Pay');
    const res = await request(t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(400);
    expect(res.text).toContain('not available');
    expect(await testDb().paymentCheckout.count({ where: { orderId: order.id } })).toBe(0);
  });

  it('sends the customer back to the page when the order was paid meanwhile', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    await testDb().order.update({ where: { id: order.id }, data: { status: 'PAID' } });
    const res = await request(t.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(303);
    expect(res.headers.location).toBe(path);
  });

  it('shows a 503 page when the processor is down', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    paypal.failNext = 1;
    const res = await request(t.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(503);
    expect(res.text).toContain('Payment is temporarily unavailable');
    expect(await testDb().paymentCheckout.findFirst({ where: { orderId: order.id } })).toMatchObject({ state: 'FAILED' });
  });

  it('answers 404 when the order was deleted', async () => {
    const { tenant, order } = await pendingOrder();
    const { path } = await linkFor(tenant.id, order.id);
    await testDb().order.delete({ where: { id: order.id } });
    await request(t.app).get(path).expect(404);
  });
});

describe('invoice links (module)', () => {
  const codeOf = async (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e) => (e instanceof AppError ? e.code : String(e)),
    );

  it('expire after 7 days by default, and expiresInSeconds overrides it', async () => {
    const { tenant, order } = await pendingOrder();
    const before = Date.now();
    const def = await linkFor(tenant.id, order.id);
    const delta = def.expiresAt.getTime() - before;
    expect(delta).toBeGreaterThan(7 * 86400_000 - 5_000);
    expect(delta).toBeLessThanOrEqual(7 * 86400_000 + 1_000);
    const short = await linkFor(tenant.id, order.id, 3600);
    expect(Math.abs(short.expiresAt.getTime() - before - 3600_000)).toBeLessThan(5_000);
    expect(def.url.startsWith(`${env.base}/invoice/`)).toBe(true);
  });

  it("refuses invalid lifetimes, other tenants' orders and orders not waiting for payment", async () => {
    const { tenant, order } = await pendingOrder();
    const ctx = { tenantId: tenant.id, actor: systemActor };
    for (const expiresInSeconds of [0, -1, 1.5, 90 * 86400 + 1]) {
      expect(await codeOf(t.services.invoices.createLink(ctx, order.id, { expiresInSeconds }))).toBe('VALIDATION_FAILED');
    }
    const other = await pendingOrder();
    expect(await codeOf(t.services.invoices.createLink(ctx, other.order.id))).toBe('NOT_FOUND');
    for (const status of ['PAID', 'CANCELLED', 'REFUNDED'] as const) {
      await testDb().order.update({ where: { id: order.id }, data: { status } });
      expect(await codeOf(t.services.invoices.createLink(ctx, order.id))).toBe('ILLEGAL_STATE');
    }
  });
});

describe('invoice page without a processor or a secret', () => {
  let bare: TestApp;
  let noSecret: TestApp;
  beforeAll(async () => {
    bare = await createTestApp();
    noSecret = await createTestApp({ env: { INVOICE_LINK_SIGNING_SECRET: '' } });
  });
  afterAll(async () => {
    await bare.services.close();
    await noSecret.services.close();
  });

  it('still shows the summary and explains that online payment is not configured', async () => {
    const { tenant, order } = await pendingOrder({}, { connect: false });
    const link = await bare.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id, {
      fallbackBaseUrl: 'http://127.0.0.1:3000',
    });
    expect(link.url.startsWith('http://127.0.0.1:3000/invoice/')).toBe(true);
    expect(link.paymentMethods).toEqual([]);
    const path = new URL(link.url).pathname;
    const res = await request(bare.app).get(path).expect(200);
    expect(res.text).toContain(`Order #${order.number}`);
    expect(res.text).toContain('Online payment is not configured');
    expect(res.text).not.toContain('name="method"');
    await request(bare.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(400);
  });

  it('refuses to create links with INVOICE_LINK_DISABLED when the secret is unset, and the page says so', async () => {
    const { tenant, order } = await pendingOrder();
    const err = await noSecret.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('INVOICE_LINK_DISABLED');
    expect((err as AppError).message).toContain('INVOICE_LINK_SIGNING_SECRET');
    const { path } = await linkFor(tenant.id, order.id);
    await request(noSecret.app).get(path).expect(503);
  });
});
