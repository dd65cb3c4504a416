// Development: connects the demo shop to the local fake providers (PayPal now) and switches the matching
// payment methods on once "Test connection" passes, exactly as an owner does in Settings -> Payments. Also
// (re)registers the connection's webhook URL with the fake, which forgets it on every restart.
import type { Services } from '../container.js';
import { DEV_PAYPAL_APP, type FakePayPal } from '../dev/fakes/fake-paypal.js';

export async function connectDemoProcessors(services: Services, fakes: { paypal?: FakePayPal }, publicBaseUrl: string): Promise<void> {
  const { db, paymentConnections } = services;
  const tenant = await db.tenant.findFirst({ where: { name: 'Demo Shop' }, orderBy: { createdAt: 'asc' } });
  if (!tenant || !fakes.paypal) return;
  const ctx = { tenantId: tenant.id, actor: { type: 'SYSTEM' as const, label: 'demo seed' } };
  let row = await db.paymentConnection.findUnique({ where: { tenantId_provider: { tenantId: tenant.id, provider: 'PAYPAL' } } });
  if (!row) {
    await paymentConnections.connect(ctx, { provider: 'PAYPAL', environment: 'sandbox', config: { clientId: DEV_PAYPAL_APP.clientId, webhookId: DEV_PAYPAL_APP.webhookId }, secrets: { clientSecret: DEV_PAYPAL_APP.clientSecret } });
    const tested = await paymentConnections.test(ctx, 'PAYPAL');
    if (tested.ok) {
      const t = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
      if (!t.enabledPaymentMethods.includes('PAYPAL')) await db.tenant.update({ where: { id: tenant.id }, data: { enabledPaymentMethods: [...t.enabledPaymentMethods, 'PAYPAL'] } });
    }
    row = await db.paymentConnection.findUniqueOrThrow({ where: { tenantId_provider: { tenantId: tenant.id, provider: 'PAYPAL' } } });
  }
  if ((row.config as { clientId?: string }).clientId === DEV_PAYPAL_APP.clientId) {
    fakes.paypal.registerWebhook(DEV_PAYPAL_APP.clientId, `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/paypal/${row.id}`, DEV_PAYPAL_APP.webhookId);
  }
}
