// Settings -> Payments in a real headless Chromium, as a shop owner connects the shop's own accounts: every
// field of each provider's form (PayPal, Square for Cash App Pay, BTCPay) filled and saved, the page reloaded
// and every field read back (secrets only as their last 4, never in full, anywhere on the page); a secret left
// empty on a later save keeps the stored one; "Test connection" shows what the provider (the local fakes)
// answered; and a processor method cannot be switched on in Shop settings while its connection fails. Also
// the panel pieces around it: the "Sign-in attempts" menu entry, the dashboard's status badges and the order
// page's flagged-payment banner, and the dashboard's notice to a shop still on the default time zone (the
// browser runs in Pacific/Pago_Pago, browser-session.ts). Every wait is on page state. Skipped without Chromium unless CI=true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { FakeBtcPay } from '../../src/dev/fakes/fake-btcpay.js';
import { FakePayPal } from '../../src/dev/fakes/fake-paypal.js';
import { FakeSquare } from '../../src/dev/fakes/fake-square.js';
import { adminCtx } from '../helpers/actors.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { CHROMIUM, openBrowser, runBrowserTests, type BrowserSession } from './browser-session.js';

if (!runBrowserTests) console.warn(`[admin-payments-settings] ${CHROMIUM} is missing: browser test skipped`);

const ACCOUNTS = {
  paypal: { clientId: 'AcLbrowser00001', clientSecret: 'EL-browser-secret-9876', webhookId: 'WH-BROWSER-1' },
  square: {
    merchantId: 'MLBROWSER',
    accessToken: 'EAAAl-browser-token-5555',
    locationId: 'LBROWSER1',
    applicationId: 'sandbox-sq0idb-browser',
    webhookSignatureKey: 'sq-sig-key-7777',
  },
  btcpay: { storeId: 'StBrowser1', apiKey: 'btcpay-browser-key-3333', webhookSecret: 'btcpay-hook-secret-2222' },
};

describe.skipIf(!runBrowserTests)('Settings -> Payments in a browser', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let paypal: FakePayPal;
  let square: FakeSquare;
  let btcpay: FakeBtcPay;
  const f = factories();
  const db = testDb();

  beforeAll(async () => {
    browser = await openBrowser('admin-payments-settings');
    paypal = await new FakePayPal().start();
    paypal.addApp(ACCOUNTS.paypal.clientId, ACCOUNTS.paypal.clientSecret);
    square = await new FakeSquare({
      merchants: [
        {
          merchantId: ACCOUNTS.square.merchantId,
          accessToken: ACCOUNTS.square.accessToken,
          applicationId: ACCOUNTS.square.applicationId,
          locations: [{ id: ACCOUNTS.square.locationId, name: 'Browser Shop', country: 'US', currency: 'USD' }],
        },
      ],
    }).start();
    btcpay = await new FakeBtcPay({
      stores: [{ id: ACCOUNTS.btcpay.storeId, name: 'Browser store', apiKeys: [ACCOUNTS.btcpay.apiKey], webhooks: [] }],
    }).start();
    app = await startAdminApp({
      env: { PAYPAL_API_BASE_URL: paypal.url, SQUARE_API_BASE_URL: square.url, SQUARE_WEB_PAYMENTS_SDK_URL: square.sdkUrl },
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await paypal?.stop();
    await square?.stop();
    await btcpay?.stop();
  });

  const fail = (name: string) => browser.reportFailure(name);

  const card = (provider: string): Locator => browser.page.locator(`[data-testid="payments-${provider}"]`);
  const result = () => browser.page.locator('[data-testid="payments-result"]');

  async function openPayments() {
    await browser.page.goto(`${app.baseUrl}/admin/resources/PaymentConnection`);
    await card('BTCPAY').waitFor();
  }

  async function chooseEnvironment(provider: string, environment: string) {
    await browser.page.locator(`#${provider}-environment`).fill(environment);
    await browser.page.keyboard.press('Enter');
  }

  /** Presses a card's button and waits for the page's answer (the result message says what happened). */
  async function press(provider: string, button: 'Save' | 'Test connection', expected: RegExp) {
    await card(provider).getByRole('button', { name: button, exact: true }).click();
    await expect.poll(async () => ((await result().count()) ? result().innerText() : ''), { timeout: 45_000 }).toMatch(expected);
  }

  async function fill(provider: string, values: Record<string, string>) {
    for (const [name, value] of Object.entries(values)) await browser.page.fill(`#${provider}-${name}`, value);
  }

  async function expectFields(provider: string, values: Record<string, string>) {
    for (const [name, value] of Object.entries(values))
      expect(await browser.page.inputValue(`#${provider}-${name}`), `${provider} ${name}`).toBe(value);
  }

  /** A secret input after a reload: empty, its placeholder the stored value's last 4. */
  async function expectMaskedSecret(provider: string, name: string, secret: string) {
    const input = browser.page.locator(`#${provider}-${name}`);
    expect(await input.inputValue()).toBe('');
    expect(await input.getAttribute('type')).toBe('password');
    expect(await input.getAttribute('placeholder')).toBe(`stored: ••••${secret.slice(-4)} (leave empty to keep)`);
  }

  it('each card names the methods it settles and its status in words, never their stored names', async () => {
    fail('words');
    const tenant = await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] });
    const owner = await f.adminUser({ tenantId: tenant.id });
    await browser.signInForNextPage(app.baseUrl, owner.email);
    await openPayments();
    const settles = async (p: string) => browser.page.locator(`[data-testid="methods-${p}"]`).innerText();
    expect([await settles('PAYPAL'), await settles('SQUARE'), await settles('BTCPAY')]).toEqual([
      'PayPal',
      'Cash App Pay',
      'Bitcoin (invoice)',
    ]);
    for (const p of ['PAYPAL', 'SQUARE', 'BTCPAY']) {
      expect(await browser.page.locator(`[data-testid="status-${p}"]`).innerText()).toBe('Not connected');
      expect(await card(p).innerText()).not.toMatch(/\b(PAYPAL|CASHAPP_PAY|BTC_INVOICE|SQUARE|BTCPAY|NOT CONNECTED|UNTESTED)\b/);
    }
  });

  it('fills, saves and reads back every field of the three providers; secrets masked; Test connection shows the answer', async () => {
    fail('connect');
    const tenant = await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] });
    const owner = await f.adminUser({ tenantId: tenant.id });
    await browser.signInForNextPage(app.baseUrl, owner.email);
    await openPayments();
    await browser.shot('01-empty');

    // PayPal: environment "live" (the fake answers for both), client id, webhook id, secret.
    await chooseEnvironment('PAYPAL', 'live');
    await fill('PAYPAL', {
      clientId: ACCOUNTS.paypal.clientId,
      webhookId: ACCOUNTS.paypal.webhookId,
      clientSecret: ACCOUNTS.paypal.clientSecret,
    });
    await press('PAYPAL', 'Save', /PayPal saved/);
    // Square: "production", location, application, access token, webhook signature key.
    await chooseEnvironment('SQUARE', 'production');
    await fill('SQUARE', {
      locationId: ACCOUNTS.square.locationId,
      applicationId: ACCOUNTS.square.applicationId,
      accessToken: ACCOUNTS.square.accessToken,
      webhookSignatureKey: ACCOUNTS.square.webhookSignatureKey,
    });
    await press('SQUARE', 'Save', /Square.*saved/);
    // BTCPay: the shop's own server (the fake), store, API key, webhook secret.
    await fill('BTCPAY', {
      serverUrl: btcpay.url,
      storeId: ACCOUNTS.btcpay.storeId,
      apiKey: ACCOUNTS.btcpay.apiKey,
      webhookSecret: ACCOUNTS.btcpay.webhookSecret,
    });
    await press('BTCPAY', 'Save', /BTCPay.*saved/);

    // Reload: every field as saved, secrets only as their last 4.
    await openPayments();
    await browser.shot('02-saved');
    await expectFields('PAYPAL', { clientId: ACCOUNTS.paypal.clientId, webhookId: ACCOUNTS.paypal.webhookId });
    await expectMaskedSecret('PAYPAL', 'clientSecret', ACCOUNTS.paypal.clientSecret);
    await expectFields('SQUARE', { locationId: ACCOUNTS.square.locationId, applicationId: ACCOUNTS.square.applicationId });
    await expectMaskedSecret('SQUARE', 'accessToken', ACCOUNTS.square.accessToken);
    await expectMaskedSecret('SQUARE', 'webhookSignatureKey', ACCOUNTS.square.webhookSignatureKey);
    await expectFields('BTCPAY', { serverUrl: btcpay.url, storeId: ACCOUNTS.btcpay.storeId });
    await expectMaskedSecret('BTCPAY', 'apiKey', ACCOUNTS.btcpay.apiKey);
    await expectMaskedSecret('BTCPAY', 'webhookSecret', ACCOUNTS.btcpay.webhookSecret);
    expect(await card('PAYPAL').innerText()).toMatch(/\blive\b/);
    expect(await card('SQUARE').innerText()).toMatch(/\bproduction\b/);
    for (const p of ['PAYPAL', 'SQUARE', 'BTCPAY']) {
      expect(await browser.page.locator(`[data-testid="status-${p}"]`).innerText()).toBe('Saved, not tested yet');
      expect(await browser.page.locator(`[data-testid="webhook-${p}"]`).innerText()).toMatch(
        new RegExp(`/webhooks/${p.toLowerCase()}/pcn_[0-9a-f]+$`),
      );
    }
    // No secret in full anywhere on the page (nor in what the page was sent).
    const html = await browser.page.content();
    for (const secret of [
      ACCOUNTS.paypal.clientSecret,
      ACCOUNTS.square.accessToken,
      ACCOUNTS.square.webhookSignatureKey,
      ACCOUNTS.btcpay.apiKey,
      ACCOUNTS.btcpay.webhookSecret,
    ])
      expect(html).not.toContain(secret);

    // Test connection: what each provider answered, on the page and kept on the card after a reload.
    await press('PAYPAL', 'Test connection', /Connected to PayPal live/);
    await press('SQUARE', 'Test connection', /Connected to Square production: location "Browser Shop"/);
    await press('BTCPAY', 'Test connection', /Browser store/);
    await openPayments();
    await browser.shot('03-tested');
    for (const p of ['PAYPAL', 'SQUARE', 'BTCPAY'])
      expect(await browser.page.locator(`[data-testid="status-${p}"]`).innerText()).toBe('Connected');
    expect(await card('SQUARE').innerText()).toMatch(/Last test: Connected to Square production/);

    // Saved again with the secret left empty (a new webhook id): the stored secret is kept, so the test passes.
    await fill('PAYPAL', { webhookId: 'WH-BROWSER-2' });
    await press('PAYPAL', 'Save', /PayPal saved/);
    await press('PAYPAL', 'Test connection', /Connected to PayPal live/);
    await openPayments();
    await expectFields('PAYPAL', { clientId: ACCOUNTS.paypal.clientId, webhookId: 'WH-BROWSER-2' });
    await expectMaskedSecret('PAYPAL', 'clientSecret', ACCOUNTS.paypal.clientSecret);
    const stored = await app.services.paymentConnections.load({ tenantId: tenant.id, provider: 'PAYPAL' });
    expect(stored.conn).toMatchObject({
      clientId: ACCOUNTS.paypal.clientId,
      clientSecret: ACCOUNTS.paypal.clientSecret,
      webhookId: 'WH-BROWSER-2',
      environment: 'live',
    });
    const sq = await app.services.paymentConnections.load({ tenantId: tenant.id, provider: 'SQUARE' });
    expect(sq.conn).toMatchObject({
      accessToken: ACCOUNTS.square.accessToken,
      webhookSignatureKey: ACCOUNTS.square.webhookSignatureKey,
      locationId: ACCOUNTS.square.locationId,
      environment: 'production',
    });
    // No panel request failed (the trail also lists console noise such as the blocked font host).
    expect(browser.trail.filter((t) => /^\d{3} /.test(t))).toEqual([]);
  }, 600_000);

  it('a new owner connects PayPal in the order PayPal asks for: credentials, then the webhook URL we show, then its Webhook ID', async () => {
    fail('webhook-after-save');
    const tenant = await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] });
    const owner = await f.adminUser({ tenantId: tenant.id });
    await browser.signInForNextPage(app.baseUrl, owner.email);
    await openPayments();
    // The page is headed by its name, not AdminJS's action name.
    expect(await browser.page.getByRole('heading', { name: 'Payments', exact: true }).count()).toBeGreaterThan(0);
    expect(await browser.page.getByRole('heading', { name: 'List', exact: true }).count()).toBe(0);
    // Before a save there is no URL yet, and the page says where it will be.
    expect(await card('PAYPAL').locator('[data-testid="webhook-later-PAYPAL"]').innerText()).toMatch(/appears here after the first save/);

    // Client ID and secret only: the Webhook ID does not exist until the URL is registered at PayPal. The next
    // step said is that Webhook ID and where PayPal shows it; Test connection only after it.
    await fill('PAYPAL', { clientId: ACCOUNTS.paypal.clientId, clientSecret: ACCOUNTS.paypal.clientSecret });
    await press(
      'PAYPAL',
      'Save',
      /^PayPal saved\. Next, the Webhook ID is still missing: in the PayPal Developer Dashboard, .*Webhook URL shown on this page.*then press Save\. Only then press "Test connection"/,
    );
    await openPayments();
    const row = await db.paymentConnection.findFirstOrThrow({ where: { tenantId: tenant.id, provider: 'PAYPAL' } });
    // The URL to paste into PayPal: whole, with this panel's origin (PUBLIC_BASE_URL is unset here).
    expect(await browser.page.locator('[data-testid="webhook-PAYPAL"]').innerText()).toBe(`${app.baseUrl}/webhooks/paypal/${row.id}`);
    await expectFields('PAYPAL', { clientId: ACCOUNTS.paypal.clientId, webhookId: '' });
    await expectMaskedSecret('PAYPAL', 'clientSecret', ACCOUNTS.paypal.clientSecret);

    // Tested without it: refused, saying what to do; PayPal stays off.
    await press('PAYPAL', 'Test connection', /cannot confirm payments to Ledgerline until its webhook is set up: .*Webhook ID/);
    expect((await db.paymentConnection.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('FAILED');

    // The Webhook ID pasted: saved, tested, connected; every field read back.
    await fill('PAYPAL', { webhookId: ACCOUNTS.paypal.webhookId });
    await press('PAYPAL', 'Save', /^PayPal saved\. Press "Test connection"/);
    await press('PAYPAL', 'Test connection', /Connected to PayPal sandbox/);
    await openPayments();
    await expectFields('PAYPAL', { clientId: ACCOUNTS.paypal.clientId, webhookId: ACCOUNTS.paypal.webhookId });
    await expectMaskedSecret('PAYPAL', 'clientSecret', ACCOUNTS.paypal.clientSecret);
    expect(await browser.page.locator('[data-testid="status-PAYPAL"]').innerText()).toBe('Connected');
    const stored = await app.services.paymentConnections.load({ tenantId: tenant.id, provider: 'PAYPAL' });
    expect(stored.conn).toMatchObject({
      clientId: ACCOUNTS.paypal.clientId,
      clientSecret: ACCOUNTS.paypal.clientSecret,
      webhookId: ACCOUNTS.paypal.webhookId,
      environment: 'sandbox',
    });
  });

  it('refuses to switch on a processor method while its connection fails, and allows it once the test passes', async () => {
    fail('enable');
    const tenant = await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] });
    const owner = await f.adminUser({ tenantId: tenant.id });
    await browser.signInForNextPage(app.baseUrl, owner.email);
    await openPayments();

    // A wrong access token: saved, and the test shows Square's refusal.
    await fill('SQUARE', {
      locationId: ACCOUNTS.square.locationId,
      applicationId: ACCOUNTS.square.applicationId,
      accessToken: 'EAAAl-wrong-token-0000',
      webhookSignatureKey: ACCOUNTS.square.webhookSignatureKey,
    });
    await press('SQUARE', 'Save', /Square.*saved/);
    await press('SQUARE', 'Test connection', /Square refused the access token \(401/);
    expect(await browser.page.locator('[data-testid="status-SQUARE"]').innerText()).toBe('Test failed');

    const enableCashAppPay = async () => {
      await browser.page.goto(`${app.baseUrl}/admin/resources/Tenant/records/${tenant.id}/edit`);
      const box = browser.page.locator('input[name="enabledPaymentMethods"][value="CASHAPP_PAY"]');
      await box.check();
      await browser.page.click('[data-testid="button-save"]');
    };
    await enableCashAppPay();
    const field = browser.page.locator('[data-testid="multi-value-enabledPaymentMethods"]');
    await expect.poll(() => field.innerText(), { timeout: 45_000 }).toMatch(/Square|Cash App Pay|connect/i);
    await browser.shot('04-enable-refused');
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).enabledPaymentMethods).toEqual(['VENMO_P2P']);

    // The right token, tested: now it can be switched on.
    await openPayments();
    await fill('SQUARE', { accessToken: ACCOUNTS.square.accessToken });
    await press('SQUARE', 'Save', /Square.*saved/);
    await press('SQUARE', 'Test connection', /Connected to Square/);
    await enableCashAppPay();
    await expect
      .poll(async () => (await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).enabledPaymentMethods, { timeout: 45_000 })
      .toEqual(['VENMO_P2P', 'CASHAPP_PAY']);
  }, 600_000);

  it('a form opened before a colleague replaced the secret is refused, then saves once reloaded; every field read back', async () => {
    fail('stale-form');
    const tenant = await f.tenant();
    const owner = await f.adminUser({ tenantId: tenant.id });
    const connect = (clientId: string, webhookId: string, clientSecret: string) =>
      app.services.paymentConnections.connect(adminCtx(tenant.id), {
        provider: 'PAYPAL',
        environment: 'sandbox',
        config: { clientId, webhookId },
        secrets: { clientSecret },
      });
    await connect('AcLold', 'WH-1', 'EL-old-secret-1111');
    await browser.signInForNextPage(app.baseUrl, owner.email);
    await openPayments();
    await expectFields('PAYPAL', { clientId: 'AcLold', webhookId: 'WH-1' });

    // A colleague saves a new client ID with its new secret while this page is open.
    await connect('AcLnew', 'WH-1', 'EL-new-secret-2222');
    const stored = async () => {
      const row = await db.paymentConnection.findFirstOrThrow({ where: { tenantId: tenant.id, provider: 'PAYPAL' } });
      const { conn } = await app.services.paymentConnections.load({ tenantId: tenant.id, provider: 'PAYPAL' });
      return { row, conn };
    };
    const before = await stored();

    // The old form, secret left empty: refused, nothing written, the typed value still in the form.
    await fill('PAYPAL', { webhookId: 'WH-2' });
    await press('PAYPAL', 'Save', /changed since you opened it \(client secret ••••1111 -> ••••2222\)/);
    await browser.shot('08-stale-refused');
    expect(await stored()).toEqual(before);
    await expectFields('PAYPAL', { clientId: 'AcLold', webhookId: 'WH-2' });
    // Saved again from the same form: refused again (the form still carries what it loaded).
    await press('PAYPAL', 'Save', /changed since you opened it/);
    expect(await stored()).toEqual(before);

    // Reloaded: the colleague's values; the same change now saves with them.
    await openPayments();
    await expectFields('PAYPAL', { clientId: 'AcLnew', webhookId: 'WH-1' });
    await expectMaskedSecret('PAYPAL', 'clientSecret', 'EL-new-secret-2222');
    await fill('PAYPAL', { webhookId: 'WH-2' });
    await press('PAYPAL', 'Save', /PayPal saved/);
    await openPayments();
    await expectFields('PAYPAL', { clientId: 'AcLnew', webhookId: 'WH-2' });
    await expectMaskedSecret('PAYPAL', 'clientSecret', 'EL-new-secret-2222');
    expect(await card('PAYPAL').innerText()).toMatch(/\bsandbox\b/);
    const after = await stored();
    expect(after.row).toMatchObject({
      environment: 'sandbox',
      config: { clientId: 'AcLnew', webhookId: 'WH-2' },
      secretHints: { clientSecret: '••••2222' },
      status: 'UNTESTED',
    });
    expect(after.conn).toMatchObject({ clientId: 'AcLnew', webhookId: 'WH-2', clientSecret: 'EL-new-secret-2222' });
  }, 300_000);

  it('around it: "Sign-in attempts" in the menu, status badges on the dashboard, the flagged-payment banner on an order', async () => {
    fail('panel');
    const tenant = await f.tenant();
    const owner = await f.adminUser({ tenantId: tenant.id });
    const customer = await f.customer({ tenantId: tenant.id });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      status: 'CANCELLED',
      paymentMethod: 'PAYPAL',
      cancelledAt: new Date(),
    });
    await app.services.paymentConnections.connect(adminCtx(tenant.id), {
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId: ACCOUNTS.paypal.clientId, webhookId: 'WH-X' },
      secrets: { clientSecret: ACCOUNTS.paypal.clientSecret },
    });
    const conn = await db.paymentConnection.findFirstOrThrow({ where: { tenantId: tenant.id, provider: 'PAYPAL' } });
    await db.paymentCheckout.create({
      data: {
        tenantId: tenant.id,
        orderId: order.id,
        connectionId: conn.id,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        currency: 'USD',
        orderVersion: 1,
        state: 'PAID',
        providerCheckoutId: `PP-${order.id}`,
        amountCents: 1500,
        paidAmountCents: 1500,
        paymentReference: 'CAPTURE-BANNER',
        unappliedAction: 'FLAGGED',
        unappliedReason: 'the order is CANCELLED',
      },
    });
    await browser.signIn(app.baseUrl, owner.email);

    await browser.page.waitForSelector('[data-testid="dashboard-status-CANCELLED"]');
    expect(await browser.page.locator('[data-testid="dashboard-status-CANCELLED"]').innerText()).toBe('Cancelled');
    expect(await browser.page.locator('[data-testid="dashboard-status-PENDING_PAYMENT"]').innerText()).toBe('Awaiting payment');
    await browser.shot('05-dashboard');

    await browser.page.getByRole('link', { name: 'Sign-in attempts' }).click();
    await browser.page.waitForSelector('[data-testid="sign-in-attempt"]');
    expect(await browser.page.locator('[data-testid="sign-in-attempts-page"]').innerText()).toContain(owner.email);

    await browser.page.goto(`${app.baseUrl}/admin/resources/Order/records/${order.id}/show`);
    const banner = browser.page.locator('[data-testid="flagged-payment-FLAGGED"]');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/Return \$15\.00 to the customer by hand[\s\S]*PayPal refused the automatic refund/);
    await browser.shot('06-flagged-banner');
  }, 600_000);

  it('the dashboard asks a shop still on UTC to set its time zone, until it is set or kept', async () => {
    fail('time-zone-notice');
    const tenant = await f.tenant();
    expect(tenant.timeZone).toBe('UTC');
    const owner = await f.adminUser({ tenantId: tenant.id });
    const staff = await f.adminUser({ tenantId: tenant.id, role: 'TENANT_STAFF' });
    const notice = browser.page.locator('[data-testid="dashboard-time-zone-notice"]');
    const dashboard = async () => {
      await browser.page.goto(`${app.baseUrl}/admin`);
      await browser.page.waitForSelector('[data-testid="sales-chart"]');
    };

    // Staff cannot change the shop's settings: no notice for them.
    await browser.signInForNextPage(app.baseUrl, staff.email);
    await dashboard();
    expect(await notice.count()).toBe(0);

    await browser.signInForNextPage(app.baseUrl, owner.email);
    await dashboard();
    await notice.waitFor();
    expect(await browser.page.locator('[data-testid="dashboard-browser-time-zone"]').innerText()).toBe('Pacific/Pago_Pago');
    await browser.shot('07-time-zone-notice');
    await browser.page.locator('[data-testid="dashboard-time-zone-set"]').click();
    await browser.page.waitForURL(`**/admin/resources/Tenant/records/${tenant.id}/edit`);
    await browser.page.locator('input[name="timeZone"]').waitFor();

    // "Keep UTC": gone, and still gone after a reload.
    await dashboard();
    await notice.waitFor();
    await browser.page.locator('[data-testid="dashboard-time-zone-keep"]').click();
    await notice.waitFor({ state: 'detached' });
    await dashboard();
    expect(await notice.count()).toBe(0);

    // A shop with its zone set gets no notice, whatever the browser's zone.
    await browser.page.evaluate(() => window.localStorage.clear());
    await dashboard();
    await notice.waitFor();
    await db.tenant.update({ where: { id: tenant.id }, data: { timeZone: 'America/New_York' } });
    await dashboard();
    expect(await browser.page.locator('[data-testid="dashboard"]').innerText()).toContain('America/New_York');
    expect(await notice.count()).toBe(0);
  }, 300_000);
});
