// The invoice page in real headless Chromium on a phone-sized viewport: open the link, pay on the fake
// processor, come back to "Paid — thank you". Skipped with a notice when Chromium is missing outside CI.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakePaymentProcessor } from '../../../src/dev/fake-payment-processor.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import type { TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { startProcessorApp } from './invoice-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) console.warn(`[invoice-browser] ${CHROMIUM} is missing: browser test skipped (apt-get install -y chromium)`);

describe.skipIf(!haveChromium && !process.env.CI)('invoice page in a browser', () => {
  let t: TestApp;
  let processor: FakePaymentProcessor;
  let server: Server;
  let base: string;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    server = (await import('node:http')).createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ t, processor } = await startProcessorApp({ env: { PUBLIC_BASE_URL: base } }));
    server.on('request', t.app);
    processor.webhookUrl = `${base}/api/webhooks/payments`;
    profile = mkdtempSync(join(tmpdir(), 'll-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await processor?.stop();
    await t?.services.close();
  });

  it('shows the invoice on a phone, pays through the processor and comes back paid', async () => {
    const f = factories();
    const tenant = await f.tenant({ name: 'Moonlight Candles', enabledPaymentMethods: ['PAYPAL', 'CASHAPP_PAY', 'BTC_INVOICE', 'VENMO_P2P', 'ZELLE'] });
    const customer = await f.customer({ tenantId: tenant.id });
    const p1 = await f.product({ tenantId: tenant.id, name: 'Lavender Soy Candle (16 oz)' });
    const p2 = await f.product({ tenantId: tenant.id, name: 'Wick Trimmer' });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      lines: [{ productId: p1.id, name: 'Lavender Soy Candle (16 oz)', quantity: 2, unitPriceCents: 2400 }, { productId: p2.id, name: 'Wick Trimmer', quantity: 1, unitPriceCents: 1200 }],
      discountCents: 600,
      discountName: 'WELCOME10',
      shippingCents: 795,
      shippingTypeName: 'USPS Ground',
      taxAmountCents: 437,
      totalCents: 4800 + 1200 - 600 + 795 + 437,
      shippingAddress: { name: 'Jordan <Lee>', line1: '742 Evergreen Terrace', line2: 'Apt 2', city: 'Springfield', state: 'OR', postalCode: '97477', country: 'US' },
    });
    const link = await t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);

    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
    await page.goto(link.url);
    expect(await page.locator('h1').textContent()).toBe(`Order #${order.number}`);
    expect(await page.locator('button[name="method"]').allTextContents()).toEqual(['Pay with PayPal', 'Pay with Cash App Pay', 'Pay with Bitcoin']);
    expect(await page.locator('address').innerText()).toContain('Jordan <Lee>');
    // Fits the phone: nothing wider than the viewport.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    mkdirSync('test-output', { recursive: true });
    await page.screenshot({ path: 'test-output/invoice-phone.png', fullPage: true });
    expect(cspViolations).toEqual([]);

    await page.getByRole('button', { name: 'Pay with PayPal' }).click();
    await page.waitForURL(`${processor.url}/checkout/**`);
    expect(await page.locator('#amount').textContent()).toBe('66.32 USD via PAYPAL');
    await page.click('#pay');
    await page.waitForURL(`${link.url}?checkout=success`);
    expect(await page.locator('#paid').textContent()).toBe('Paid — thank you');
    expect(await page.locator('button[name="method"]').count()).toBe(0);
    await page.screenshot({ path: 'test-output/invoice-phone-paid.png', fullPage: true });

    const paid = await testDb().order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
    expect(paid.status).toBe('PAID');
    expect(paid.payments[0]).toMatchObject({ status: 'paid', method: 'PAYPAL' });
  });
});
