// Development's fake Square and fake BTCPay keep nothing across a restart of `npm start`, while the database (and
// the signature key / webhook secret each shop saved, encrypted) does: at start, every Square connection with the
// fake's application and every BTCPay connection with the fake's store gets its webhook back at its URL, signed
// with what the shop saved (connectDemoProcessors -> restoreSquareSubscriptions / restoreBtcPayWebhooks), as the
// providers would have kept it. One webhook per URL: the demo shop's URL keeps its one (set at start), signed with
// the key/secret its shop saved when its owner changed it. Connections of another application or store,
// disconnected ones and ones with no key/secret saved yet get nothing, as before the restart. (The payment after a
// real restart of src/main.ts: test/platform/dev-square-restart.test.ts and dev-btcpay-restart.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_BTCPAY_STORE, startDevBtcPay, type FakeBtcPay } from '../../../src/dev/fakes/fake-btcpay.js';
import { DEV_SQUARE_ACCOUNT, startDevSquare, type FakeSquare } from '../../../src/dev/fakes/fake-square.js';
import { connectDemoProcessors } from '../../../src/seed/demo-processors.js';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

const db = testDb();
const f = factories();
const base = 'http://127.0.0.1:3000';
let t: TestApp;
let fakes: { square: FakeSquare; btcpay: FakeBtcPay };
beforeAll(async () => {
  fakes = { square: await startDevSquare(), btcpay: await startDevBtcPay(0) };
  t = await createTestApp({ env: { SQUARE_API_BASE_URL: fakes.square.url } });
});
afterAll(async () => {
  await fakes.square.stop();
  await fakes.btcpay.stop();
  await t.services.close();
});

/** A shop's Square and BTCPay cards saved (not tested: the restore does not ask), as an owner types them. */
async function saveCards(
  tenantId: string,
  square: { applicationId: string; webhookSignatureKey?: string },
  btcpay: { storeId: string; webhookSecret?: string },
) {
  const ctx = adminCtx(tenantId);
  const sq = await t.services.paymentConnections.connect(ctx, {
    provider: 'SQUARE',
    environment: 'sandbox',
    config: { applicationId: square.applicationId, locationId: DEV_SQUARE_ACCOUNT.locationId },
    secrets: {
      accessToken: DEV_SQUARE_ACCOUNT.accessToken,
      ...(square.webhookSignatureKey ? { webhookSignatureKey: square.webhookSignatureKey } : {}),
    },
  });
  const bp = await t.services.paymentConnections.connect(ctx, {
    provider: 'BTCPAY',
    environment: 'production',
    config: { serverUrl: fakes.btcpay.url, storeId: btcpay.storeId },
    secrets: { apiKey: DEV_BTCPAY_STORE.apiKey, ...(btcpay.webhookSecret ? { webhookSecret: btcpay.webhookSecret } : {}) },
  });
  return { square: `${base}/webhooks/square/${sq.id}`, btcpay: `${base}/webhooks/btcpay/${bp.id}` };
}

/** What the fakes send to: each notification URL / webhook URL with the key / secret it is signed with. */
function held() {
  const merchant = fakes.square.merchants.find((m) => m.merchantId === DEV_SQUARE_ACCOUNT.merchantId)!;
  const store = fakes.btcpay.stores.find((s) => s.id === DEV_BTCPAY_STORE.storeId)!;
  return {
    square: [
      ...(merchant.webhook ? [[merchant.webhook.notificationUrl, merchant.webhook.signatureKey]] : []),
      ...(merchant.subscriptions ?? []).map((s) => [s.notification_url, s.signature_key]),
    ],
    btcpay: store.webhooks.map((w) => [w.url, w.secret]),
  };
}

describe("development's fake Square and BTCPay across a restart", () => {
  it('give every saved connection of theirs its webhook back, one per URL, signed with what the shop saved', async () => {
    const demoShop = await f.shop({ tenant: { name: 'Demo Shop', enabledPaymentMethods: [] } });
    expect(await connectDemoProcessors(t.services, fakes, base)).toBe(true);
    const demo = await db.paymentConnection.findMany({ where: { tenantId: demoShop.tenant.id }, orderBy: { provider: 'asc' } });
    const demoSquare = `${base}/webhooks/square/${demo.find((c) => c.provider === 'SQUARE')!.id}`;
    const demoBtcPay = `${base}/webhooks/btcpay/${demo.find((c) => c.provider === 'BTCPAY')!.id}`;
    expect(held()).toEqual({
      square: [[demoSquare, DEV_SQUARE_ACCOUNT.signatureKey]],
      btcpay: [[demoBtcPay, DEV_BTCPAY_STORE.webhookSecret]],
    });
    // The demo shop's owner pasted keys of their own into its cards (say, from webhooks made on the fakes' pages).
    await saveCards(
      demoShop.tenant.id,
      { applicationId: DEV_SQUARE_ACCOUNT.applicationId, webhookSignatureKey: 'demo-owner-square-key' },
      { storeId: DEV_BTCPAY_STORE.storeId, webhookSecret: 'demo-owner-btcpay-secret' },
    );
    // An owner's shop on the fakes' account and store, with its key and secret saved.
    const mine = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    const my = await saveCards(
      mine.tenant.id,
      { applicationId: DEV_SQUARE_ACCOUNT.applicationId, webhookSignatureKey: 'my-square-key' },
      { storeId: DEV_BTCPAY_STORE.storeId, webhookSecret: 'my-btcpay-secret' },
    );
    // Shops that get nothing: another application and store; saved without a key or secret yet; disconnected.
    const other = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    await saveCards(
      other.tenant.id,
      { applicationId: 'sandbox-sq0idb-someone-else', webhookSignatureKey: 'other-key' },
      { storeId: 'SomeoneElsesStore', webhookSecret: 'other-secret' },
    );
    const unfinished = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    await saveCards(unfinished.tenant.id, { applicationId: DEV_SQUARE_ACCOUNT.applicationId }, { storeId: DEV_BTCPAY_STORE.storeId });
    const gone = await f.shop({ tenant: { enabledPaymentMethods: [] } });
    await saveCards(
      gone.tenant.id,
      { applicationId: DEV_SQUARE_ACCOUNT.applicationId, webhookSignatureKey: 'gone-key' },
      { storeId: DEV_BTCPAY_STORE.storeId, webhookSecret: 'gone-secret' },
    );
    await t.services.paymentConnections.disconnect(adminCtx(gone.tenant.id), 'SQUARE');
    await t.services.paymentConnections.disconnect(adminCtx(gone.tenant.id), 'BTCPAY');

    // `npm start` again: new fakes that know the account and store and nothing else, then start-up's
    // connectDemoProcessors (twice: a second pass adds nothing).
    await fakes.square.stop();
    await fakes.btcpay.stop();
    fakes = { square: await startDevSquare(), btcpay: await startDevBtcPay(0) };
    expect(held()).toEqual({ square: [], btcpay: [] });
    for (let pass = 0; pass < 2; pass++) {
      expect(await connectDemoProcessors(t.services, fakes, base)).toBe(true);
      expect(held()).toEqual({
        square: [
          [demoSquare, 'demo-owner-square-key'],
          [my.square, 'my-square-key'],
        ],
        btcpay: [
          [demoBtcPay, 'demo-owner-btcpay-secret'],
          [my.btcpay, 'my-btcpay-secret'],
        ],
      });
    }
    // The owner's restored subscription gets every event the fake sends; the webhook, every event.
    const mySubscription = fakes.square.merchants[0]!.subscriptions!.find((s) => s.notification_url === my.square)!;
    expect(mySubscription.event_types).toEqual(['payment.created', 'payment.updated', 'refund.created', 'refund.updated']);
    expect(mySubscription.enabled).toBe(true);
  });
});
