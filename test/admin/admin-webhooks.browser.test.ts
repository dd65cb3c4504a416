// Settings -> Webhook endpoints in Chromium: "New webhook endpoint" takes a URL and events (every one of
// WEBHOOK_EVENTS offered) and shows the signing secret once; the endpoint then lists; its edit form adds an event and
// the endpoint reads back with every field; a delivery's page shows its attempt log, and Redeliver queues it; an endpoint
// paused by its circuit breaker says so until when, and "Resume sending" sends it its waiting deliveries now; an
// edit form opened before a colleague disabled the endpoint saves its description and leaves it disabled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS } from '../../src/modules/webhooks/webhook-events.js';
import { createSecretBox } from '../../src/platform/secret-box.js';
import { adminCtx } from '../helpers/actors.js';
import { TEST_SECRETS_KEYS } from '../helpers/app.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';

let app: RunningAdmin;
let browser: BrowserSession;

describe.runIf(runBrowserTests)('webhook endpoints in the panel (Chromium)', () => {
  beforeAll(async () => {
    app = await startAdminApp();
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
    await browser.signInForNextPage(app.baseUrl, owner.email);
    await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/actions/createEndpoint`);
    await page.waitForSelector('[data-testid="webhook-endpoint-form"]');
    await page.fill('#webhook-url', 'https://hooks.example.com/ledgerline');
    await page.fill('#webhook-description', 'Accounting');
    // Every event of WEBHOOK_EVENTS is offered, chosen to start (the form had its own list of the first four).
    const offered = await page
      .locator('[data-testid="webhook-endpoint-form"] input[type="checkbox"]')
      .evaluateAll((boxes) => boxes.map((b) => [b.id, (b as HTMLInputElement).checked]));
    expect(offered).toEqual(WEBHOOK_EVENTS.map((e) => [`event-${e}`, true]));
    await page.click('label[for="event-order.created"]');
    await page.click('label[for="event-order.delivered"]');
    await page.click('[data-testid="webhook-endpoint-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="webhook-endpoint-created"]');
    const secret = await page.inputValue('[data-testid="webhook-secret"]');
    expect(secret).toMatch(/^whsec_/);
    await browser.shot('created');
    const row = await testDb().webhookEndpoint.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(row).toMatchObject({
      url: 'https://hooks.example.com/ledgerline',
      description: 'Accounting',
      events: ['order.cancelled', 'order.deleted', 'order.paid', 'order.refunded', 'order.shipped'],
      enabled: true,
    });

    await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint`);
    await page.waitForSelector('text=https://hooks.example.com/ledgerline');
    expect(await page.content()).not.toContain(secret);

    // The edit form's events (a select per event, from WEBHOOK_EVENTS) offer the new ones too: order.delivered added.
    await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/records/${row.id}/edit`);
    await page.locator('[name="url"]').first().waitFor();
    await page.getByRole('button', { name: 'Add new item' }).click();
    await page.getByTestId('events.5').locator('input').first().fill('order.delivered');
    await page.getByRole('option', { name: 'order.delivered', exact: true }).click();
    await page.locator('[data-testid="button-save"]').first().click();
    await page.waitForSelector('[data-testid="notice-wrapper"] >> text=Webhook endpoint saved.');
    await browser.shot('edited-new-events');
    // Read back, every column: the events (the new ones sorted in), the rest as created, the same sealed secret.
    const saved = await testDb().webhookEndpoint.findUniqueOrThrow({ where: { id: row.id } });
    expect(saved).toEqual({
      ...row,
      events: ['order.cancelled', 'order.deleted', 'order.delivered', 'order.paid', 'order.refunded', 'order.shipped'],
      updatedAt: expect.any(Date),
    });
    expect(createSecretBox(TEST_SECRETS_KEYS).decrypt(saved.secret)).toBe(secret);
    // And its page shows them as the wire names them.
    await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/records/${row.id}/show`);
    for (const e of ['order.shipped', 'order.delivered', 'order.deleted']) await page.locator(`section >> text=${e}`).first().waitFor();

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

    // Redeliver is a button: AdminJS sends it as a GET once its question is confirmed (it did nothing on a GET).
    await page.getByText('Redeliver', { exact: true }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForSelector('[data-testid="notice-wrapper"] >> text=Queued: it is sent again in a few seconds');
    expect(await testDb().webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: 'PENDING' });
    const [job] = await testDb().$queryRaw<
      { due: boolean }[]
    >`SELECT run_at <= now() AS due FROM graphile_worker.jobs WHERE key = ${`webhook:${delivery.id}`}`;
    expect(job).toEqual({ due: true });
    // No failed panel request, no console error (the outside font host's refusal is not collected).
    expect(trail).toEqual([]);
  });

  it(
    'an edit form opened before a colleague disabled the endpoint saves the description and keeps it disabled',
    { timeout: 600_000 },
    async () => {
      const tenant = await factories().tenant();
      const owner = await factories().adminUser({ tenantId: tenant.id });
      const { page, trail } = browser;
      browser.reportFailure('webhook-stale-edit');
      await browser.signInForNextPage(app.baseUrl, owner.email);
      const { endpoint } = await app.services.webhooks.create(adminCtx(tenant.id), {
        url: 'https://erp.example.com/orders',
        events: ['order.paid', 'order.refunded'],
      });
      await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/records/${endpoint.id}/edit`);
      const description = page.locator('[name="description"]');
      await description.waitFor();
      // Another admin disables it while this form is open.
      await app.services.webhooks.update(adminCtx(tenant.id), endpoint.id, { enabled: false });
      const before = await testDb().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });

      await description.fill('ERP');
      const resp = await pressSave(page, `/records/${endpoint.id}/edit`);
      expect(((await resp.json()) as { notice?: unknown }).notice).toEqual({
        type: 'success',
        message: 'Webhook endpoint saved. It is disabled: nothing is sent to it.',
      });
      await page.waitForSelector('[data-testid="notice-wrapper"] >> text=Webhook endpoint saved. It is disabled');
      await page.waitForSelector('section >> text=No: disabled');
      await browser.shot('stale-edit-saved');

      // Every column read back: only the description changed; the endpoint stays disabled.
      const after = await testDb().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      expect({ ...after, updatedAt: before.updatedAt }).toEqual({ ...before, description: 'ERP' });
      expect(after).toMatchObject({ enabled: false, url: 'https://erp.example.com/orders', events: ['order.paid', 'order.refunded'] });
      expect(trail).toEqual([]);
    },
  );

  it('shows an endpoint paused by its breaker, and Resume sending sends it the waiting deliveries now', { timeout: 600_000 }, async () => {
    const tenant = await factories().tenant();
    const owner = await factories().adminUser({ tenantId: tenant.id });
    const { page, trail } = browser;
    await browser.signInForNextPage(app.baseUrl, owner.email);
    const until = new Date(Date.now() + 4 * 60_000);
    const endpoint = await testDb().webhookEndpoint.create({
      data: {
        tenantId: tenant.id,
        url: 'https://erp.example.com/hook',
        events: ['order.paid'],
        secret: 'unused',
        consecutiveFailures: 5,
        pausedUntil: until,
      },
    });
    const delivery = await testDb().webhookDelivery.create({
      data: {
        tenantId: tenant.id,
        endpointId: endpoint.id,
        eventType: 'order.paid',
        eventKey: 'order.paid:pay_p',
        body: '{}',
        attempts: 5,
      },
    });
    await testDb().$executeRaw`SELECT graphile_worker.add_job('webhook.deliver', json_build_object('deliveryId', ${delivery.id}::text),
      job_key => ${`webhook:${delivery.id}`}, run_at => now() + interval '2 hours')`;
    const pausedWords = `Paused until ${until.toISOString().slice(0, 19).replace('T', ' ')} UTC: 5 attempts in a row failed.`;

    await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint`);
    await page.waitForSelector(`tr[data-id="${endpoint.id}"] >> text=${pausedWords}`);
    await page.goto(`${app.baseUrl}/admin/resources/WebhookEndpoint/records/${endpoint.id}/show`);
    await page.waitForSelector(`text=${pausedWords}`);
    await browser.shot('paused');
    await page.getByText('Resume sending', { exact: true }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForSelector('[data-testid="notice-wrapper"] >> text=Sending resumed: its waiting delivery is sent now.');
    await page.waitForSelector('section >> text=Yes');
    expect(await page.content()).not.toContain('Paused until');
    await browser.shot('resumed');

    // Read back: the breaker closed, the delivery's retry due now, the resume audited.
    expect(await testDb().webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      consecutiveFailures: 0,
      pausedUntil: null,
      enabled: true,
      url: 'https://erp.example.com/hook',
      events: ['order.paid'],
    });
    const [job] = await testDb().$queryRaw<
      { due: boolean }[]
    >`SELECT run_at <= now() AS due FROM graphile_worker.jobs WHERE key = ${`webhook:${delivery.id}`}`;
    expect(job).toEqual({ due: true });
    expect(await testDb().auditLog.count({ where: { entityId: endpoint.id, action: 'webhook_endpoint.resumed' } })).toBe(1);
    expect(trail).toEqual([]);
  });
});
