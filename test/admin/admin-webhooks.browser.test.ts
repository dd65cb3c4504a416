// Settings -> Webhook endpoints in Chromium: "New webhook endpoint" takes a URL and events and shows the
// signing secret once; the endpoint then lists; a delivery's page shows its attempt log and Redeliver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

let app: RunningAdmin;
let browser: BrowserSession;

describe.runIf(runBrowserTests)('webhook endpoints in the panel (Chromium)', () => {
  beforeAll(async () => {
    // Its own bundle directory (browser test files run in parallel; see admin-page-loads.browser.test.ts).
    app = await startAdminApp({ env: { ADMIN_JS_TMP_DIR: 'test-output/admin-bundle-webhooks' } });
    browser = await openBrowser('admin-webhooks');
    // The first panel page builds the component bundle: slow on a busy machine.
    browser.page.setDefaultTimeout(240_000);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('creates an endpoint, shows the secret once, and shows a delivery with its attempts', { timeout: 600_000 }, async () => {
    const tenant = await factories().tenant();
    const owner = await factories().adminUser({ tenantId: tenant.id });
    const { page, trail } = browser;
    await browser.signIn(app.baseUrl, owner.email);
    await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/actions/createEndpoint`);
    await page.waitForSelector('[data-testid="webhook-endpoint-form"]');
    await page.fill('#webhook-url', 'https://hooks.example.com/ledgerline');
    await page.fill('#webhook-description', 'Accounting');
    await page.click('label[for="event-order.created"]');
    await page.click('[data-testid="webhook-endpoint-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="webhook-endpoint-created"]');
    const secret = await page.inputValue('[data-testid="webhook-secret"]');
    expect(secret).toMatch(/^whsec_/);
    await browser.shot('created');
    const row = await testDb().webhookEndpoint.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(row).toMatchObject({
      url: 'https://hooks.example.com/ledgerline',
      description: 'Accounting',
      events: ['order.cancelled', 'order.paid', 'order.refunded'],
    });

    await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint`);
    await page.waitForSelector('text=https://hooks.example.com/ledgerline');
    expect(await page.content()).not.toContain(secret);

    const delivery = await testDb().webhookDelivery.create({
      data: {
        tenantId: tenant.id,
        endpointId: row.id,
        eventType: 'order.paid',
        eventKey: 'order.paid:pay_b',
        body: '{"type":"order.paid"}',
        status: 'FAILED',
        attempts: 1,
        lastStatusCode: 500,
      },
    });
    await testDb().webhookAttempt.create({
      data: {
        tenantId: tenant.id,
        deliveryId: delivery.id,
        attempt: 1,
        statusCode: 500,
        durationMs: 42,
        responseExcerpt: 'upstream exploded',
      },
    });
    await page.goto(`${app.baseUrl}/admin/resources/WebhookDelivery/records/${delivery.id}/show`);
    await page.waitForSelector('text=upstream exploded');
    expect(await page.content()).toContain('42 ms');
    await browser.shot('delivery');
    // Failed panel requests or console errors, except the outside font requests the browser session aborts.
    expect(trail.filter((t) => !t.includes('net::ERR_FAILED'))).toEqual([]);
  });
});
