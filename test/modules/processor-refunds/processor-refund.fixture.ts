// Set-up shared by the processor-refund tests: the after-sale services on the file's database, the fake
// processor (real HTTP, its own wire format), our hosted-checkout adapter pointed at it, the refund job
// registered on the bus, and orders paid the way the invoice page pays them: a checkout at the fake, then its
// signed checkout.completed webhook applied by the real webhook service (payment confirmed, checkout id kept).
import { FakePaymentProcessor } from '../../../src/dev/fake-payment-processor.js';
import type { PaymentMethod } from '../../../src/generated/prisma/index.js';
import { checkoutReference } from '../../../src/modules/payments-processor/checkout-reference.js';
import { createCheckoutWebhookService } from '../../../src/modules/payments-processor/checkout-webhook.service.js';
import { createHostedCheckoutProcessor } from '../../../src/modules/payments-processor/hosted-checkout.adapter.js';
import type { ProcessorMethod } from '../../../src/modules/payments-processor/payment-processor.port.js';
import { registerProcessorRefundJobs } from '../../../src/modules/payments-processor/processor-refund.jobs.js';
import type { Db } from '../../../src/platform/db/prisma.js';
import { factories } from '../../helpers/factories.js';
import { adminCtx, afterSale } from '../refunds/after-sale.harness.js';

export const WEBHOOK_SECRET = 'processor-refund-test-secret-0123';
export const API_KEY = 'proc-refund-test-key';

export async function processorRefundSetup(db: Db, opts: { timeoutMs?: number; holdMs?: number } = {}) {
  const fake = await new FakePaymentProcessor({ webhookSecret: WEBHOOK_SECRET, apiKey: API_KEY, holdMs: opts.holdMs ?? 2_000 }).start();
  const processor = createHostedCheckoutProcessor({ apiUrl: fake.url, apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, timeoutMs: opts.timeoutMs ?? 5_000 });
  const s = afterSale(db);
  registerProcessorRefundJobs(s.bus, { db, audit: s.audit, logger: s.logger, processor });
  const webhooks = createCheckoutWebhookService({ db, processor, payments: s.payments, logger: s.logger });
  const f = factories(db);

  /** An order of 2 x 25.00 + 1 x 5.00 + 5.00 shipping + 4.00 tax = 64.00, paid through a processor checkout. */
  async function processorPaidOrder(method: ProcessorMethod = 'PAYPAL') {
    const made = await unpaidOrder(method);
    const checkout = await processor.createCheckout({
      amountCents: made.order.totalCents,
      currency: made.order.currency,
      method,
      reference: checkoutReference(made.order.id, method),
      successUrl: 'http://shop.test/ok',
      cancelUrl: 'http://shop.test/cancel',
    });
    fake.checkouts.get(checkout.id)!.status = 'completed';
    const body = fake.completedEventBody(checkout.id);
    const outcome = await webhooks.handle(Buffer.from(body), fake.signature(body));
    if (outcome.outcome !== 'confirmed') throw new Error(`webhook outcome ${outcome.outcome}`);
    const payment = await db.payment.findUniqueOrThrow({ where: { id: outcome.paymentId } });
    return { ...made, checkoutId: checkout.id, payment };
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

  return { fake, processor, s, webhooks, f, processorPaidOrder, manuallyPaidOrder };
}

/** payment.refund.send jobs still in graphile-worker's queue for one refund. */
export interface RefundJobRow { id: string; attempts: number; run_at: Date; last_error: string | null; locked_at: Date | null }
export async function refundJobs(db: Db, refundId: string): Promise<RefundJobRow[]> {
  return db.$queryRaw<RefundJobRow[]>`
    SELECT j.id::text AS id, j.attempts, j.run_at, j.last_error, j.locked_at FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = 'payment.refund.send' AND j.payload->>'refundId' = ${refundId}`;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
