// Settings -> Payments through the AdminJS API as the page's component calls it: what a save tells the owner to do
// next. A PayPal connection saved before its Webhook ID is set (PayPal hands it out only once the webhook URL this
// page shows is registered there) says the Webhook ID is missing and where to get it, and only then to press
// "Test connection" (which refuses without it); saved with it, "Test connection" is the next step. The page's data
// names the payment methods and connection statuses in words, from the panel's one list (presentation/labels.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePayPal } from '../../src/dev/fakes/fake-paypal.js';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let paypal: FakePayPal;
let admin: AdminAgent;
const f = factories();

beforeAll(async () => {
  paypal = await new FakePayPal().start();
  paypal.addApp('AcLnext0001', 'EL-next-secret-1234');
  app = await startAdminApp({ env: { PAYPAL_API_BASE_URL: paypal.url } });
  const tenantId = (await f.tenant({ enabledPaymentMethods: ['VENMO_P2P'] })).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
  await paypal?.stop();
});

const page = (data?: Record<string, unknown>) =>
  data
    ? admin.agent.post('/admin/api/resources/PaymentConnection/actions/list').set(admin.headers()).send(data)
    : admin.agent.get('/admin/api/resources/PaymentConnection/actions/list').set(admin.headers());
const loaded = async (provider: string): Promise<string> => {
  const res = await page().expect(200);
  const conn = (res.body.payments.connections as { provider: string; loaded: unknown }[]).find((c) => c.provider === provider);
  return conn ? JSON.stringify(conn.loaded) : '';
};

describe('Settings -> Payments: the next step after a save', () => {
  it('PayPal saved without its Webhook ID: the Webhook ID first (where to get it), only then Test connection', async () => {
    const saved = await page({
      op: 'save',
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId: 'AcLnext0001', webhookId: '' },
      secrets: { clientSecret: 'EL-next-secret-1234' },
      shown: '',
    }).expect(200);
    const message: string = saved.body.payments.result.message;
    expect(message).toBe(
      'PayPal saved. Next, the Webhook ID is still missing: in the PayPal Developer Dashboard, open this app, add a webhook with the Webhook URL shown on this page (all events, or at least the checkout order, capture and refund ones), and paste the Webhook ID it shows here, then press Save. Only then press "Test connection" to switch its payment method on.',
    );
    expect(message.indexOf('Webhook ID is still missing')).toBeLessThan(message.indexOf('Test connection'));
    expect(saved.body.payments.connections[0]).toMatchObject({ status: 'UNTESTED', statusLabel: 'Saved, not tested yet' });

    const completed = await page({
      op: 'save',
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId: 'AcLnext0001', webhookId: 'WH-NEXT-1' },
      secrets: {},
      shown: await loaded('PAYPAL'),
    }).expect(200);
    expect(completed.body.payments.result.message).toBe('PayPal saved. Press "Test connection" to switch its payment method on.');

    const tested = await page({ op: 'test', provider: 'PAYPAL' }).expect(200);
    expect(tested.body.payments.connections[0]).toMatchObject({ status: 'CONNECTED', statusLabel: 'Connected' });
  });

  it("Square saved without its webhook signature key names that key and Square's dashboard", async () => {
    const saved = await page({
      op: 'save',
      provider: 'SQUARE',
      environment: 'sandbox',
      config: { locationId: 'LNEXT1', applicationId: 'sandbox-sq0idb-next' },
      secrets: { accessToken: 'EAAAl-next-token', webhookSignatureKey: '' },
      shown: '',
    }).expect(200);
    expect(saved.body.payments.result.message).toMatch(
      /^Square \(Cash App Pay\) saved\. Next, the Webhook signature key is still missing: in the Square Developer Dashboard, .* then press Save\. Only then press "Test connection"/,
    );
  });

  it('names the methods each provider settles in words, never their stored names', async () => {
    const res = await page().expect(200);
    const forms = res.body.payments.forms as { provider: string; methodsShown: string; notConnectedLabel: string }[];
    expect(Object.fromEntries(forms.map((x) => [x.provider, x.methodsShown]))).toEqual({
      PAYPAL: 'PayPal',
      SQUARE: 'Cash App Pay',
      BTCPAY: 'Bitcoin (invoice)',
    });
    expect(forms.map((x) => x.notConnectedLabel)).toEqual(['Not connected', 'Not connected', 'Not connected']);
  });
});
