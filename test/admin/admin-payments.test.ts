// Settings -> Payments through the AdminJS API as the panel's component calls it: a tenant admin connects
// PayPal (the fake), the secret is write-only (last 4 shown), "Test connection" shows PayPal's answer, and
// PayPal can be enabled in Shop settings only while the connection works; a wrong secret fails the test
// and switches the method off; staff cannot open the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBtcPay } from '../../src/dev/fakes/fake-btcpay.js';
import { FakePayPal } from '../../src/dev/fakes/fake-paypal.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let paypal: FakePayPal;
let btcpay: FakeBtcPay;
let admin: AdminAgent;
let staff: AdminAgent;
let tenantId: string;
const f = factories();

beforeAll(async () => {
  paypal = await new FakePayPal().start();
  paypal.addApp('AcLpanel0001', 'EL-panel-secret-4321');
  btcpay = await new FakeBtcPay({
    stores: [{ id: 'PanelStore', name: 'Panel store', apiKeys: ['panel-btcpay-key'], webhooks: [] }],
  }).start();
  app = await startAdminApp({ env: { PAYPAL_API_BASE_URL: paypal.url } });
  tenantId = (await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] })).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  staff = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId, role: 'TENANT_STAFF' })).email);
});
afterAll(async () => {
  await app?.close();
  await paypal?.stop();
  await btcpay?.stop();
});

const page = (who: AdminAgent, data?: Record<string, unknown>) =>
  data
    ? who.agent.post('/admin/api/resources/PaymentConnection/actions/list').set(who.headers()).send(data)
    : who.agent.get('/admin/api/resources/PaymentConnection/actions/list').set(who.headers());
/** The PayPal form as the page loads it (what the component posts back as `shown`). */
const loadedPayPal = async (who: AdminAgent): Promise<string> => {
  const res = await page(who).expect(200);
  const conn = (res.body.payments.connections as { provider: string; loaded: unknown }[]).find((c) => c.provider === 'PAYPAL');
  return conn ? JSON.stringify(conn.loaded) : '';
};
const enable = async (methods: string[], who = admin, shopId = tenantId, currency = 'USD') => {
  const loaded = await loadedRow(who, 'Tenant', shopId);
  let req = who.agent.post(`/admin/api/resources/Tenant/records/${shopId}/edit`).set(who.headers());
  const fields: Record<string, string> = {
    name: 'Shop',
    currency,
    adminChannelId: '',
    inventoryTracking: 'true',
    taxjarEnabled: 'false',
    taxjarApiKeyNew: '',
    addressValidation: 'false',
  };
  methods.forEach((m, i) => {
    fields[`enabledPaymentMethods.${i}`] = m;
  });
  for (const [k, v] of Object.entries({ ...fields, ...loaded })) req = req.field(k, v);
  return req;
};

describe('Settings -> Payments', () => {
  it('connects PayPal, tests it, and only then lets PayPal be enabled', async () => {
    const empty = await page(admin).expect(200);
    expect(empty.body.payments.forms.map((x: { provider: string }) => x.provider)).toEqual(['PAYPAL', 'SQUARE', 'BTCPAY']);
    expect(empty.body.payments.connections).toEqual([]);

    // Not connected: the tenant save refuses PayPal (enforced on the server, not only in the UI).
    const refused = await enable(['VENMO_P2P', 'PAYPAL']);
    expect(refused.body.record.errors.enabledPaymentMethods.message).toMatch(/Settings -> Payments/);
    expect((await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } })).enabledPaymentMethods).toEqual(['VENMO_P2P']);

    const saved = await page(admin, {
      op: 'save',
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId: 'AcLpanel0001', webhookId: 'WH-PANEL' },
      secrets: { clientSecret: 'EL-panel-secret-4321' },
    }).expect(200);
    expect(saved.body.payments.result.ok).toBe(true);
    expect(JSON.stringify(saved.body)).not.toContain('EL-panel-secret');
    const conn = saved.body.payments.connections[0];
    expect(conn).toMatchObject({ provider: 'PAYPAL', status: 'UNTESTED', secretHints: { clientSecret: '••••4321' } });
    expect(conn.webhookUrl).toMatch(new RegExp(`/webhooks/paypal/${conn.id}$`));

    const tested = await page(admin, { op: 'test', provider: 'PAYPAL' }).expect(200);
    expect(tested.body.payments.result).toMatchObject({ ok: true, message: expect.stringMatching(/Connected to PayPal sandbox/) });
    expect(tested.body.payments.connections[0]).toMatchObject({ status: 'CONNECTED', lastTestOk: true });

    const ok = await enable(['VENMO_P2P', 'PAYPAL']);
    expect(ok.body.notice.type).toBe('success');
    expect((await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } })).enabledPaymentMethods).toEqual(['VENMO_P2P', 'PAYPAL']);

    // A wrong secret: saved (untested, PayPal switched off), the test shows PayPal's refusal.
    await page(admin, {
      op: 'save',
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId: 'AcLpanel0001', webhookId: 'WH-PANEL' },
      secrets: { clientSecret: 'wrong-secret-0000' },
      shown: await loadedPayPal(admin),
    }).expect(200);
    expect((await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } })).enabledPaymentMethods).toEqual(['VENMO_P2P']);
    const failed = await page(admin, { op: 'test', provider: 'PAYPAL' }).expect(200);
    expect(failed.body.payments.result).toMatchObject({ ok: false, message: expect.stringMatching(/invalid_client/) });
    expect(failed.body.payments.connections[0]).toMatchObject({ status: 'FAILED', secretHints: { clientSecret: '••••0000' } });

    const gone = await page(admin, { op: 'disconnect', provider: 'PAYPAL' }).expect(200);
    expect(gone.body.payments.connections[0]).toMatchObject({ status: 'DISCONNECTED', secretHints: {} });
    expect((await testDb().paymentConnection.findFirstOrThrow({ where: { tenantId } })).secrets).toBeNull();
    const audit = await testDb().auditLog.findMany({ where: { tenantId, entityType: 'PaymentConnection' }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((e) => e.action)).toEqual([
      'payment_connection.created',
      'payment_connection.tested',
      'payment_connection.updated',
      'payment_connection.tested',
      'payment_connection.disconnected',
    ]);
  });

  it('an unchanged Save changes nothing; after a changed one, a passing test switches the method back on', async () => {
    const shopId = (await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] })).id;
    const owner = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: shopId })).email);
    const form = async (clientSecret = '') => ({
      op: 'save',
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId: 'AcLpanel0001', webhookId: 'WH-PANEL' },
      secrets: { clientSecret },
      shown: await loadedPayPal(owner),
    });
    const methods = async () => (await testDb().tenant.findUniqueOrThrow({ where: { id: shopId } })).enabledPaymentMethods;
    await page(owner, await form('EL-panel-secret-4321')).expect(200);
    await page(owner, { op: 'test', provider: 'PAYPAL' }).expect(200);
    await testDb().tenant.update({ where: { id: shopId }, data: { enabledPaymentMethods: ['VENMO_P2P', 'PAYPAL'] } });

    // The form saved as the page shows it (secret left empty): nothing written, PayPal stays on.
    const same = await page(owner, await form()).expect(200);
    expect(same.body.payments.result).toMatchObject({ ok: true, message: expect.stringMatching(/PayPal: nothing changed/) });
    expect(same.body.payments.connections[0]).toMatchObject({ status: 'CONNECTED', lastTestOk: true });
    expect(await methods()).toEqual(['VENMO_P2P', 'PAYPAL']);

    // A changed save switches PayPal off until the test passes; the passing test switches it back on.
    const changed = await page(owner, { ...(await form()), config: { clientId: 'AcLpanel0001', webhookId: 'WH-PANEL-2' } }).expect(200);
    expect(changed.body.payments.result.message).toMatch(/saved\. Press "Test connection" to switch its payment method on/);
    expect(await methods()).toEqual(['VENMO_P2P']);
    const tested = await page(owner, { op: 'test', provider: 'PAYPAL' }).expect(200);
    expect(tested.body.payments.result).toMatchObject({ ok: true, message: expect.stringMatching(/PayPal switched back on\./) });
    expect(await methods()).toEqual(['VENMO_P2P', 'PAYPAL']);
  });

  it('BTCPay: Test connection refuses a key without the refund and payout permissions, naming each and what it is for', async () => {
    const shopId = (await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] })).id;
    const owner = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: shopId })).email);
    // A key made for checkouts only: BTCPay lets it open and read invoices, and refuses refunds and payouts.
    btcpay.setApiKeyPermissions('panel-btcpay-key', ['btcpay.store.canmodifyinvoices:PanelStore']);
    await page(owner, {
      op: 'save',
      provider: 'BTCPAY',
      environment: 'production',
      config: { serverUrl: btcpay.url, storeId: 'PanelStore' },
      secrets: { apiKey: 'panel-btcpay-key', webhookSecret: 'panel-btcpay-webhook-secret' },
    }).expect(200);
    const refused = await page(owner, { op: 'test', provider: 'BTCPAY' }).expect(200);
    const message: string = refused.body.payments.result.message;
    expect(refused.body.payments.result.ok).toBe(false);
    expect(message).toMatch(/The BTCPay API key lacks 3 permissions for store PanelStore/);
    expect(message).toContain('"Create non-approved pull payments" (btcpay.store.cancreatenonapprovedpullpayments), for refunds');
    expect(message).toContain('"View payouts" (btcpay.store.canviewpayouts), for following refunds');
    expect(message).toContain('"View your stores" (btcpay.store.canviewstoresettings)');
    expect(message).not.toContain('canmodifyinvoices');
    expect(message).not.toContain('panel-btcpay-key');
    expect(refused.body.payments.connections[0]).toMatchObject({ provider: 'BTCPAY', status: 'FAILED', lastTestMessage: message });
    const notYet = await enable(['VENMO_P2P', 'BTC_INVOICE'], owner, shopId);
    expect(notYet.body.record.errors.enabledPaymentMethods.message).toMatch(/Settings -> Payments/);

    // One more still missing: only that one is named.
    btcpay.setApiKeyPermissions('panel-btcpay-key', [
      'btcpay.store.canviewstoresettings:PanelStore',
      'btcpay.store.canmodifyinvoices:PanelStore',
    ]);
    const one = await page(owner, { op: 'test', provider: 'BTCPAY' }).expect(200);
    expect(one.body.payments.result.message).toMatch(/lacks a permission for store PanelStore: "Create non-approved pull payments"/);

    // The key given what it needs (BTCPay's "Manage selected stores"): the test passes and BTC_INVOICE can be enabled.
    btcpay.setApiKeyPermissions('panel-btcpay-key', ['btcpay.store.canmodifystoresettings:PanelStore']);
    const ok = await page(owner, { op: 'test', provider: 'BTCPAY' }).expect(200);
    expect(ok.body.payments.result).toMatchObject({ ok: true, message: expect.stringContaining('store "Panel store" (PanelStore)') });
    expect((await enable(['VENMO_P2P', 'BTC_INVOICE'], owner, shopId)).body.notice.type).toBe('success');
  });

  it('Cash App Pay cannot be enabled for a shop that does not sell in US dollars, nor the currency changed under it', async () => {
    const yenId = (await f.tenant({ currency: 'JPY', enabledPaymentMethods: ['VENMO_P2P'] })).id;
    const owner = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: yenId })).email);
    await testDb().paymentConnection.create({
      data: { tenantId: yenId, provider: 'SQUARE', environment: 'production', status: 'CONNECTED', secrets: 'sealed' },
    });
    const methods = async (id: string) => (await testDb().tenant.findUniqueOrThrow({ where: { id } })).enabledPaymentMethods;
    const refused = await enable(['VENMO_P2P', 'CASHAPP_PAY'], owner, yenId, 'JPY');
    expect(refused.body.record.errors.enabledPaymentMethods.message).toBe(
      'Cash App Pay takes USD only, and this shop sells in JPY. Switch Cash App Pay off, or sell in a currency it takes.',
    );
    expect(await methods(yenId)).toEqual(['VENMO_P2P']);

    // A dollar shop with Cash App Pay on cannot move to yen while it stays on.
    const usdId = (await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] })).id;
    const usdOwner = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: usdId })).email);
    await testDb().paymentConnection.create({
      data: { tenantId: usdId, provider: 'SQUARE', environment: 'production', status: 'CONNECTED', secrets: 'sealed' },
    });
    expect((await enable(['VENMO_P2P', 'CASHAPP_PAY'], usdOwner, usdId)).body.notice.type).toBe('success');
    const moved = await enable(['VENMO_P2P', 'CASHAPP_PAY'], usdOwner, usdId, 'JPY');
    expect(moved.body.record.errors.enabledPaymentMethods.message).toMatch(/Cash App Pay takes USD only, and this shop sells in JPY/);
    expect((await testDb().tenant.findUniqueOrThrow({ where: { id: usdId } })).currency).toBe('USD');
  });

  it('bad input gets a clear error and writes nothing; staff cannot open the page', async () => {
    const bad = await page(admin, {
      op: 'save',
      provider: 'BTCPAY',
      environment: 'production',
      config: { serverUrl: 'not a url', storeId: '' },
      secrets: {},
    }).expect(200);
    expect(bad.body.payments.result).toMatchObject({ ok: false, message: expect.stringMatching(/Invalid BTCPay/) });
    expect(await testDb().paymentConnection.count({ where: { tenantId, provider: 'BTCPAY' } })).toBe(0);
    // AdminJS refuses an inaccessible action with an error notice (200) or 403.
    const res = await page(staff);
    if (res.status === 200) {
      expect(res.body.notice?.type).toBe('error');
      expect(res.body.payments).toBeUndefined();
    } else {
      expect(res.status).toBe(403);
    }
  });
});
