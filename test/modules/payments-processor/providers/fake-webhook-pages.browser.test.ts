// The development fakes' webhook pages in a real Chromium, as a shop owner uses them: the fake Square's Developer
// Dashboard -> Webhooks (Add subscription, then copy the signature key it shows) and the fake BTCPay's Store ->
// Settings -> Webhooks -> Create Webhook (payload URL, the secret the form offers, specific events). What the
// form made is what the fake keeps and what it then signs with. Skipped without Chromium unless CI=true.
import { createHmac } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBtcPay } from '../../../../src/dev/fakes/fake-btcpay.js';
import { FakeSquare, SQUARE_TEST_TOKENS } from '../../../../src/dev/fakes/fake-square.js';
import { openBrowser, runBrowserTests, type BrowserSession } from '../../../admin/browser-session.js';

describe.skipIf(!runBrowserTests)("the development fakes' webhook pages in Chromium", () => {
  let square: FakeSquare;
  let btcpay: FakeBtcPay;
  let context: BrowserContext;
  let browser: BrowserSession;

  beforeAll(async () => {
    square = await new FakeSquare().start();
    btcpay = await new FakeBtcPay().start();
    browser = await openBrowser('fake-webhook-pages', { viewport: { width: 1280, height: 900 } });
    context = browser.context;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await square?.stop();
    await btcpay?.stop();
  });

  it("Square's Add subscription keeps the URL and events chosen and shows the key Square signs with", async () => {
    const merchant = square.merchants[0]!;
    // Nothing listens there: the test reads what the fake sent, not what an endpoint answered.
    const url = 'http://127.0.0.1:9/webhooks/square/pcn_mine';
    const page = await context.newPage();
    await page.goto(`${square.url}/developer/webhooks`);
    await page.getByLabel('Notification URL').fill(url);
    await page.getByLabel('refund.created').uncheck();
    await page.getByLabel('refund.updated').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    const key = (await page.locator('#signature-key').textContent())!;
    expect(merchant.subscriptions).toEqual([
      expect.objectContaining({ notification_url: url, event_types: ['payment.created', 'payment.updated'], signature_key: key }),
    ]);
    await expect.poll(() => page.locator('table').first().textContent()).toContain(url);
    await page.close();

    const res = await fetch(`${square.url}/v2/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${merchant.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        idempotency_key: 'pages-1',
        source_id: SQUARE_TEST_TOKENS.ok,
        amount_money: { amount: 100, currency: 'USD' },
      }),
    });
    expect(res.status).toBe(200);
    await square.idle();
    const sent = square.outbox.deliveries.filter((d) => d.url === url);
    expect(sent.map((d) => JSON.parse(d.body).type)).toEqual(['payment.created', 'payment.updated']);
    for (const d of sent)
      expect(d.headers['x-square-hmacsha256-signature']).toBe(
        createHmac('sha256', key)
          .update(url + d.body)
          .digest('base64'),
      );
  });

  it("BTCPay's Create Webhook keeps the payload URL, the secret offered and the specific events chosen", async () => {
    const store = btcpay.stores[0]!;
    const url = 'http://127.0.0.1:9/webhooks/btcpay/pcn_mine';
    const page = await context.newPage();
    await page.goto(`${btcpay.url}/stores/${store.id}/webhooks`);
    await page.getByRole('link', { name: 'Create Webhook' }).click();
    await page.getByLabel('Payload URL').fill(url);
    const secret = await page.getByLabel('Secret').inputValue();
    expect(secret).toMatch(/^\w{20,}$/);
    await page.getByLabel('Send specific events').check();
    await page.getByLabel('InvoiceSettled').check();
    await page.getByRole('button', { name: 'Add webhook' }).click();
    expect(await page.locator('#webhook-secret').textContent()).toBe(secret);
    expect(store.webhooks).toEqual([
      expect.objectContaining({
        url,
        secret,
        enabled: true,
        automaticRedelivery: true,
        authorizedEvents: { everything: false, specificEvents: ['InvoiceSettled'] },
      }),
    ]);
    await page.close();

    const res = await fetch(`${btcpay.url}/api/v1/stores/${store.id}/invoices`, {
      method: 'POST',
      headers: { authorization: `token ${store.apiKeys[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '10.00', currency: 'USD' }),
    });
    const invoice = (await res.json()) as { id: string };
    await btcpay.pay(invoice.id);
    await btcpay.idle();
    const sent = btcpay.outbox.deliveries.filter((d) => d.url === url);
    expect(sent.map((d) => JSON.parse(d.body).type)).toEqual(['InvoiceSettled']);
    expect(sent[0]!.headers['btcpay-sig']).toBe(`sha256=${createHmac('sha256', secret).update(sent[0]!.body).digest('hex')}`);
  });
});
