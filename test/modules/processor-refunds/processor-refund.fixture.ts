// Set-up shared by the processor-refund tests: the after-sale services on the file's database, the fake
// PayPal (real HTTP, PayPal's wire format), the payments core (connections, checkout ledger) and the refund
// job registered on the bus, and orders paid the way the invoice page pays them: a checkout opened at the
// shop's PayPal, approved by the buyer on the fake, captured on return.
import { randomBytes } from 'node:crypto';
import { FakePayPal } from '../../../src/dev/fakes/fake-paypal.js';
import type { PaymentMethod } from '../../../src/generated/prisma/index.js';
import { createCheckoutService } from '../../../src/modules/payments-processor/checkouts/checkout.service.js';
import { createConnectionService } from '../../../src/modules/payments-processor/connections/connection.service.js';
import { registerProcessorRefundJobs } from '../../../src/modules/payments-processor/processor-refund.jobs.js';
import { createPayPalAdapter } from '../../../src/modules/payments-processor/providers/paypal/paypal.adapter.js';
import type { Db } from '../../../src/platform/db/prisma.js';
import { createSecretBox } from '../../../src/platform/secret-box.js';
import { TEST_SECRETS_KEYS } from '../../helpers/app.js';
import { factories } from '../../helpers/factories.js';
import { adminCtx, afterSale } from '../refunds/after-sale.harness.js';
import { systemResolveHost } from '../../../src/platform/outbound/guarded-lookup.js';

export async function processorRefundSetup(db: Db, opts: { timeoutMs?: number; holdMs?: number } = {}) {
  const paypal = await new FakePayPal().start();
  paypal.holdMs = opts.holdMs ?? 2_000;
  const s = afterSale(db);
  const adapter = createPayPalAdapter({ timeoutMs: opts.timeoutMs ?? 30_000, now: () => new Date(), trustedCertPrefix: paypal.url });
  const connections = createConnectionService({
    db,
    clock: s.deps.clock,
    secrets: createSecretBox(TEST_SECRETS_KEYS),
    audit: s.audit,
    adapters: { PAYPAL: adapter },
    urls: { paypalApiBaseUrl: paypal.url },
    outbound: { policy: { production: false }, resolveHost: systemResolveHost },
  });
  const checkouts = createCheckoutService({ ...s.deps, connections });
  registerProcessorRefundJobs(s.bus, { db, audit: s.audit, logger: s.logger, connections });
  const f = factories(db);

  /** An order of 2 x 25.00 + 1 x 5.00 + 5.00 shipping + 4.00 tax = 64.00, paid through the shop's PayPal. */
  async function processorPaidOrder() {
    const made = await unpaidOrder('PAYPAL');
    const clientId = `AcL${randomBytes(6).toString('hex')}`;
    const clientSecret = `EL${randomBytes(12).toString('hex')}`;
    paypal.addApp(clientId, clientSecret);
    await connections.connect(made.ctx, {
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId, webhookId: 'WH-UNUSED' },
      secrets: { clientSecret },
    });
    await connections.test(made.ctx, 'PAYPAL');
    await db.tenant.update({ where: { id: made.tenant.id }, data: { enabledPaymentMethods: ['PAYPAL', 'VENMO_P2P'] } });
    const { checkout } = await checkouts.start({
      tenantId: made.tenant.id,
      orderId: made.order.id,
      method: 'PAYPAL',
      returnUrl: (id) => `http://shop.test/return/${id}`,
      cancelUrl: 'http://shop.test/cancel',
    });
    paypal.approve(checkout.providerCheckoutId!);
    const outcome = await checkouts.completeReturn({
      tenantId: made.tenant.id,
      orderId: made.order.id,
      checkoutId: checkout.id,
      providerCheckoutId: checkout.providerCheckoutId!,
    });
    if (outcome !== 'paid') throw new Error(`return outcome ${outcome}`);
    const paid = await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } });
    const payment = await db.payment.findFirstOrThrow({ where: { orderId: made.order.id, status: 'paid' } });
    return { ...made, checkoutId: checkout.id, captureId: paid.paymentReference!, payment };
  }

  /** The same order paid by a manual P2P method, approved by an admin. */
  async function manuallyPaidOrder(method: PaymentMethod = 'VENMO_P2P') {
    const made = await unpaidOrder(method);
    await s.payments.confirm(made.ctx, { orderId: made.order.id });
    return made;
  }

  async function unpaidOrder(method: PaymentMethod) {
    const { tenant, customer, guild } = await f.shop();
    const a = await f.product({ tenantId: tenant.id, name: 'Alpha', unitPriceCents: 2500 });
    const b = await f.product({ tenantId: tenant.id, name: 'Bravo', unitPriceCents: 500 });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      paymentMethod: method,
      shippingCents: 500,
      taxAmountCents: 400,
      totalCents: 6400,
      lines: [
        { productId: a.id, name: 'Alpha', quantity: 2, unitPriceCents: 2500 },
        { productId: b.id, name: 'Bravo', quantity: 1, unitPriceCents: 500 },
      ],
      paymentStatus: 'pending',
    });
    return { tenant, order, a, b, ctx: adminCtx(tenant.id) };
  }

  return { paypal, fake: paypal, s, f, connections, checkouts, processorPaidOrder, manuallyPaidOrder };
}

/** payment.refund.send jobs still in graphile-worker's queue for one refund. */
export interface RefundJobRow {
  id: string;
  attempts: number;
  run_at: Date;
  last_error: string | null;
  locked_at: Date | null;
  /** Due later than the read's now(): given back after a failure, waiting for its backoff (or not yet due). */
  waiting: boolean;
}
export async function refundJobs(db: Db, refundId: string): Promise<RefundJobRow[]> {
  return db.$queryRaw<RefundJobRow[]>`
    SELECT j.id::text AS id, j.attempts, j.run_at, j.last_error, j.locked_at, j.run_at > now() AS waiting
    FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = 'payment.refund.send' AND j.payload->>'refundId' = ${refundId}`;
}
