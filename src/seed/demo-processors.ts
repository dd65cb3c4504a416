// Development: connects the demo shop to the local fake providers (PayPal, Square for Cash App Pay, BTCPay
// Server) and switches the matching payment methods on once "Test connection" passes, exactly as an owner
// does in Settings -> Payments. Also (re)registers each connection's webhook URL with its fake, which forgets
// it on every restart.
import type { Services } from '../container.js';
import type { PaymentMethod } from '../generated/prisma/index.js';
import type { ProviderId } from '../modules/payments-processor/providers/provider.port.js';
import { DEV_BTCPAY_STORE, registerBtcPayWebhook, type FakeBtcPay } from '../dev/fakes/fake-btcpay.js';
import { DEV_PAYPAL_APP, type FakePayPal } from '../dev/fakes/fake-paypal.js';
import { DEV_SQUARE_ACCOUNT, type FakeSquare } from '../dev/fakes/fake-square.js';

export interface DemoFakes {
  paypal?: FakePayPal;
  square?: FakeSquare;
  btcpay?: FakeBtcPay;
}

/** Returns false when the database has no demo shop (one of the owner's own): nothing was connected. */
export async function connectDemoProcessors(services: Services, fakes: DemoFakes, publicBaseUrl: string): Promise<boolean> {
  const { db, paymentConnections } = services;
  const tenant = await db.tenant.findFirst({ where: { name: 'Demo Shop' }, orderBy: { createdAt: 'asc' } });
  if (!tenant) return false;
  const ctx = { tenantId: tenant.id, actor: { type: 'SYSTEM' as const, label: 'demo seed' } };
  const base = publicBaseUrl.replace(/\/+$/, '');

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

  if (fakes.paypal) {
    const row = await connect('PAYPAL', 'PAYPAL', {
      environment: 'sandbox',
      config: { clientId: DEV_PAYPAL_APP.clientId, webhookId: DEV_PAYPAL_APP.webhookId },
      secrets: { clientSecret: DEV_PAYPAL_APP.clientSecret },
    });
    if ((row.config as { clientId?: string }).clientId === DEV_PAYPAL_APP.clientId) {
      fakes.paypal.registerWebhook(DEV_PAYPAL_APP.clientId, `${base}/webhooks/paypal/${row.id}`, DEV_PAYPAL_APP.webhookId);
    }
  }
  if (fakes.square) {
    const row = await connect('SQUARE', 'CASHAPP_PAY', {
      environment: 'sandbox',
      config: { locationId: DEV_SQUARE_ACCOUNT.locationId, applicationId: DEV_SQUARE_ACCOUNT.applicationId },
      secrets: { accessToken: DEV_SQUARE_ACCOUNT.accessToken, webhookSignatureKey: DEV_SQUARE_ACCOUNT.signatureKey },
    });
    const merchant = fakes.square.merchants.find((m) => m.merchantId === DEV_SQUARE_ACCOUNT.merchantId);
    if (merchant && (row.config as { locationId?: string }).locationId === DEV_SQUARE_ACCOUNT.locationId) {
      merchant.webhook = { notificationUrl: `${base}/webhooks/square/${row.id}`, signatureKey: DEV_SQUARE_ACCOUNT.signatureKey };
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
      registerBtcPayWebhook(fakes.btcpay, DEV_BTCPAY_STORE.storeId, `${base}/webhooks/btcpay/${row.id}`, DEV_BTCPAY_STORE.webhookSecret);
    }
  }
  return true;
}
