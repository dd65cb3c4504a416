// Development: connects the demo shop to the local fake providers (PayPal, Square for Cash App Pay, BTCPay
// Server) and switches the matching payment methods on once "Test connection" passes, exactly as an owner
// does in Settings -> Payments. And, for every shop of the database, gives the fakes back the webhooks the
// providers would have kept but the fakes forget on every restart (restorePayPalWebhooks,
// restoreSquareSubscriptions, restoreBtcPayWebhooks).
import type { Services } from '../container.js';
import type { PaymentMethod } from '../generated/prisma/index.js';
import type { ProviderId } from '../modules/payments-processor/providers/provider.port.js';
import { connectionWebhookUrl } from '../modules/payments-processor/connections/provider-definitions.js';
import { DEV_BTCPAY_STORE, registerBtcPayWebhook, type FakeBtcPay } from '../dev/fakes/fake-btcpay.js';
import { DEV_PAYPAL_APP, type FakePayPal } from '../dev/fakes/fake-paypal.js';
import { DEV_SQUARE_ACCOUNT, type FakeSquare } from '../dev/fakes/fake-square.js';
import { withoutTrailingSlash } from '../platform/base-url.js';

export interface DemoFakes {
  paypal?: FakePayPal;
  square?: FakeSquare;
  btcpay?: FakeBtcPay;
}

/**
 * Connects the demo shop (when the database has one) and restores every shop's webhooks at the fakes (after the
 * demo's own, so a restored one for the demo's URL is that one, with the secret its shop saved).
 * Returns false when the database has no demo shop (only the owner's own): nothing was connected.
 */
export async function connectDemoProcessors(services: Services, fakes: DemoFakes, publicBaseUrl: string): Promise<boolean> {
  const base = withoutTrailingSlash(publicBaseUrl);
  const demoConnected = await connectDemoShop(services, fakes, base);
  if (fakes.paypal) await restorePayPalWebhooks(services, fakes.paypal, base);
  if (fakes.square) await restoreSquareSubscriptions(services, fakes.square, base);
  if (fakes.btcpay) await restoreBtcPayWebhooks(services, fakes.btcpay, base);
  return demoConnected;
}

/**
 * PayPal keeps an app's webhooks; the fake keeps nothing across a restart. Every PayPal connection of the
 * database (any shop, the demo's too) saved with an app the fake has and a Webhook ID gets that webhook back
 * at its URL, so its payments still arrive by webhook, signed with the Webhook ID the shop saved (the one the
 * fake's /developer page gave, the demo's fixed one). Oldest first: a Webhook ID two shops saved stays the
 * first's (FakePayPal.restoreWebhook). A connection with another app, or none saved yet, gets nothing, as
 * before the restart.
 */
export async function restorePayPalWebhooks(services: Services, paypal: FakePayPal, base: string): Promise<void> {
  const rows = await services.db.paymentConnection.findMany({ where: { provider: 'PAYPAL' }, orderBy: { createdAt: 'asc' } });
  for (const row of rows) {
    const { clientId, webhookId } = row.config as { clientId?: unknown; webhookId?: unknown };
    if (typeof clientId !== 'string' || typeof webhookId !== 'string' || !webhookId.trim() || !paypal.hasApp(clientId)) continue;
    paypal.restoreWebhook(clientId, connectionWebhookUrl(base, 'PAYPAL', row.id), webhookId.trim());
  }
}

/**
 * Square keeps an application's webhook subscriptions; the fake keeps nothing across a restart. Every Square
 * connection of the database (any shop, the demo's too) saved with an Application ID the fake has and a
 * signature key gets a subscription back at its URL, signed with the key the shop saved (read decrypted as the
 * payments code reads it). One per URL, the saved key winning: the demo's URL keeps its one webhook
 * (FakeSquare.restoreSubscription). A connection of another application, disconnected, or with no key saved
 * yet gets nothing, as before the restart.
 */
export async function restoreSquareSubscriptions(services: Services, square: FakeSquare, base: string): Promise<void> {
  for (const row of await savedConnections(services, 'SQUARE')) {
    const { applicationId } = row.config as { applicationId?: unknown };
    if (typeof applicationId !== 'string' || !square.hasApplication(applicationId)) continue;
    const { conn } = await services.paymentConnections.load({ id: row.id });
    if (conn.provider !== 'SQUARE' || !conn.webhookSignatureKey) continue;
    square.restoreSubscription(applicationId, connectionWebhookUrl(base, 'SQUARE', row.id), conn.webhookSignatureKey);
  }
}

/**
 * BTCPay keeps a store's webhooks; the fake keeps nothing across a restart. Every BTCPay connection of the
 * database saved with a Store ID the fake has and a webhook secret gets a webhook back at its URL with the
 * secret the shop saved (read decrypted as the payments code reads it). One per URL, the saved secret winning:
 * the demo's URL keeps its one webhook (FakeBtcPay.restoreWebhook).
 */
export async function restoreBtcPayWebhooks(services: Services, btcpay: FakeBtcPay, base: string): Promise<void> {
  for (const row of await savedConnections(services, 'BTCPAY')) {
    const { storeId } = row.config as { storeId?: unknown };
    if (typeof storeId !== 'string' || !btcpay.hasStore(storeId)) continue;
    const { conn } = await services.paymentConnections.load({ id: row.id });
    if (conn.provider !== 'BTCPAY' || !conn.webhookSecret) continue;
    btcpay.restoreWebhook(storeId, connectionWebhookUrl(base, 'BTCPAY', row.id), conn.webhookSecret);
  }
}

/** A provider's connections that still hold their secrets (not disconnected), oldest first. */
function savedConnections(services: Services, provider: 'SQUARE' | 'BTCPAY') {
  return services.db.paymentConnection.findMany({ where: { provider, secrets: { not: null } }, orderBy: { createdAt: 'asc' } });
}

/** The demo shop's connections to the fakes; false when the database has no demo shop. */
async function connectDemoShop(services: Services, fakes: DemoFakes, base: string): Promise<boolean> {
  const { db, paymentConnections } = services;
  const tenant = await db.tenant.findFirst({ where: { name: 'Demo Shop' }, orderBy: { createdAt: 'asc' } });
  if (!tenant) return false;
  const ctx = { tenantId: tenant.id, actor: { type: 'SYSTEM' as const, label: 'demo seed' } };

  /** Connects once (an owner's later edits are kept), tests, enables the method; returns the stored row. */
  async function connect(
    provider: ProviderId,
    method: PaymentMethod,
    input: { environment: string; config: Record<string, unknown>; secrets: Record<string, string> },
  ) {
    let row = await db.paymentConnection.findUnique({ where: { tenantId_provider: { tenantId: tenant!.id, provider } } });
    if (!row) {
      await paymentConnections.connect(ctx, { provider, ...input });
      const tested = await paymentConnections.test(ctx, provider);
      if (tested.ok) {
        const t = await db.tenant.findUniqueOrThrow({ where: { id: tenant!.id } });
        if (!t.enabledPaymentMethods.includes(method))
          await db.tenant.update({ where: { id: tenant!.id }, data: { enabledPaymentMethods: [...t.enabledPaymentMethods, method] } });
      }
      row = await db.paymentConnection.findUniqueOrThrow({ where: { tenantId_provider: { tenantId: tenant!.id, provider } } });
    }
    return row;
  }

  // Its webhook (with the fixed Webhook ID saved here) is given to the fake with every other shop's: restorePayPalWebhooks.
  if (fakes.paypal) {
    await connect('PAYPAL', 'PAYPAL', {
      environment: 'sandbox',
      config: { clientId: DEV_PAYPAL_APP.clientId, webhookId: DEV_PAYPAL_APP.webhookId },
      secrets: { clientSecret: DEV_PAYPAL_APP.clientSecret },
    });
  }
  if (fakes.square) {
    const row = await connect('SQUARE', 'CASHAPP_PAY', {
      environment: 'sandbox',
      config: { locationId: DEV_SQUARE_ACCOUNT.locationId, applicationId: DEV_SQUARE_ACCOUNT.applicationId },
      secrets: { accessToken: DEV_SQUARE_ACCOUNT.accessToken, webhookSignatureKey: DEV_SQUARE_ACCOUNT.signatureKey },
    });
    const merchant = fakes.square.merchants.find((m) => m.merchantId === DEV_SQUARE_ACCOUNT.merchantId);
    if (merchant && (row.config as { locationId?: string }).locationId === DEV_SQUARE_ACCOUNT.locationId) {
      merchant.webhook = { notificationUrl: connectionWebhookUrl(base, 'SQUARE', row.id), signatureKey: DEV_SQUARE_ACCOUNT.signatureKey };
    }
  }
  if (fakes.btcpay) {
    const row = await connect('BTCPAY', 'BTC_INVOICE', {
      environment: 'production',
      config: { serverUrl: fakes.btcpay.url, storeId: DEV_BTCPAY_STORE.storeId },
      secrets: { apiKey: DEV_BTCPAY_STORE.apiKey, webhookSecret: DEV_BTCPAY_STORE.webhookSecret },
    });
    const config = row.config as { storeId?: string; serverUrl?: string };
    if (config.storeId === DEV_BTCPAY_STORE.storeId) {
      // The fake listens on a new port each start: keep the demo connection pointing at it.
      if (config.serverUrl !== fakes.btcpay.url) {
        await db.paymentConnection.update({ where: { id: row.id }, data: { config: { ...config, serverUrl: fakes.btcpay.url } } });
      }
      registerBtcPayWebhook(
        fakes.btcpay,
        DEV_BTCPAY_STORE.storeId,
        connectionWebhookUrl(base, 'BTCPAY', row.id),
        DEV_BTCPAY_STORE.webhookSecret,
      );
    }
  }
  return true;
}
