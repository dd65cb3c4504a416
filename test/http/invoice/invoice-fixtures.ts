// Shared set-up for the invoice and payments tests: a movable clock, the fake PayPal (real HTTP, PayPal's
// wire format and signatures), the app on a real port (so the fake's webhooks reach it) configured with
// PAYPAL_API_BASE_URL pointing at the fake, and a helper that connects a shop the way an owner does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { FakePayPal } from '../../../src/dev/fakes/fake-paypal.js';
import type { PaymentMethod } from '../../../src/generated/prisma/index.js';
import type { Clock } from '../../../src/platform/clock.js';
import type { Logger } from '../../../src/platform/logger.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { adminCtx } from '../../helpers/actors.js';
import { factories } from '../../helpers/factories.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

export class MovableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface PayPalApp {
  t: TestApp;
  paypal: FakePayPal;
  base: string;
  server: Server;
  close(): Promise<void>;
}

export async function startPayPalApp(opts: { env?: Record<string, string>; clock?: Clock; logger?: Logger } = {}): Promise<PayPalApp> {
  const paypal = await new FakePayPal({ now: opts.clock ? () => opts.clock!.now() : undefined }).start();
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await createTestApp({
    clock: opts.clock,
    logger: opts.logger,
    env: { PAYPAL_API_BASE_URL: paypal.url, PUBLIC_BASE_URL: base, ...opts.env },
  });
  server.on('request', t.app);
  return {
    t,
    paypal,
    base,
    server,
    async close() {
      await paypal.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.services.close();
    },
  };
}

/**
 * Connects the tenant's PayPal the way an owner does: a REST app at the (fake) PayPal, a webhook registered
 * there for this connection's URL, the connection saved and tested in Settings -> Payments, PAYPAL enabled.
 */
export async function connectPayPal(
  env: PayPalApp,
  tenantId: string,
  opts: { enable?: PaymentMethod[] } = {},
): Promise<{ connectionId: string; clientId: string; clientSecret: string; webhookId: string }> {
  const { t, paypal, base } = env;
  const clientId = `AcL${randomBytes(8).toString('hex')}`;
  const clientSecret = `EL${randomBytes(16).toString('hex')}`;
  paypal.addApp(clientId, clientSecret);
  const ctx = adminCtx(tenantId);
  const saved = await t.services.paymentConnections.connect(ctx, {
    provider: 'PAYPAL',
    environment: 'sandbox',
    config: { clientId, webhookId: 'pending' },
    secrets: { clientSecret },
  });
  const webhookId = paypal.registerWebhook(clientId, `${base}/webhooks/paypal/${saved.id}`);
  await t.services.paymentConnections.connect(ctx, {
    provider: 'PAYPAL',
    environment: 'sandbox',
    config: { clientId, webhookId },
    secrets: {},
  });
  const tested = await t.services.paymentConnections.test(ctx, 'PAYPAL');
  if (!tested.ok) throw new Error(`PayPal test failed: ${tested.message}`);
  const tenant = await t.services.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const enable = opts.enable ?? ['PAYPAL'];
  await t.services.db.tenant.update({
    where: { id: tenantId },
    data: { enabledPaymentMethods: [...new Set([...tenant.enabledPaymentMethods, ...enable])] },
  });
  return { connectionId: saved.id, clientId, clientSecret, webhookId };
}

/** An unpaid order of the shop paid by `method` (one line of `cents`), and its invoice link as a customer gets it. */
export async function unpaidOrderLink(
  services: TestApp['services'],
  shop: { tenant: { id: string }; guild: { id: string }; customer: { id: string } },
  opts: { method: PaymentMethod; cents: number },
) {
  const f = factories();
  const order = await f.order({
    tenantId: shop.tenant.id,
    customerId: shop.customer.id,
    guildId: shop.guild.id,
    paymentMethod: opts.method,
    paymentStatus: 'pending',
    totalCents: opts.cents,
    lines: [{ productId: (await f.product({ tenantId: shop.tenant.id })).id, quantity: 1, unitPriceCents: opts.cents }],
  });
  const link = await services.invoices.createLink({ tenantId: shop.tenant.id, actor: systemActor }, order.id);
  return { order, link, path: new URL(link.url).pathname };
}
