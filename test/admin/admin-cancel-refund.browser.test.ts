// Cancelling a paid order from its edit form refunds it, so the Save asks first (docs/decisions/order-lifecycle.md,
// "Cancelling a paid order is confirmed"), in Chromium: an order paid through the shop's PayPal (the fake, over
// HTTP), Status "Cancelled" and Save is refused with what the cancel would do, and nothing is written (every column
// of the order, its lines, payments, reservations and products read back; no refund, no job, nothing at PayPal);
// ticking "Confirm the refund of $64.00" and saving again cancels it, and PayPal receives one refund of $64.00 (the
// refund job run by a worker of this file's database), and the notice says what was recorded and that the money is
// being sent ("Refund of $64.00 recorded on order #N, now cancelled; 3 items back in stock. The money is being sent to
// PayPal, …"); paid by hand, it says the shop must send the money back.
// An unpaid order is still cancelled with one Save.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { FakePayPal } from '../../src/dev/fakes/fake-paypal.js';
import { PROCESSOR_REFUND_TASK } from '../../src/modules/payments-processor/processor-refund.task.js';
import { PROCESSOR_REFUND_OUTCOME } from '../../src/modules/refunds/refund-money-back.js';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { adminCtx } from '../helpers/actors.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';

const db = () => testDb();
const f = () => factories();

/** Everything a cancel could touch, read back from the database. */
async function everything(orderId: string, productIds: string[]) {
  const [order, items, payments, reservations, products, refunds, entitlements, jobs] = await Promise.all([
    db().order.findUniqueOrThrow({ where: { id: orderId } }),
    db().orderItem.findMany({ where: { orderId }, orderBy: { productId: 'asc' } }),
    db().payment.findMany({ where: { orderId }, orderBy: { id: 'asc' } }),
    db().inventoryReservation.findMany({ where: { orderId }, orderBy: { productId: 'asc' } }),
    db().product.findMany({ where: { id: { in: productIds } }, orderBy: { id: 'asc' } }),
    db().refund.findMany({ where: { orderId } }),
    db().entitlement.findMany({ where: { orderId }, orderBy: { id: 'asc' } }),
    refundJobCount(),
  ]);
  return { order, items, payments, reservations, products, refunds, entitlements, jobs };
}

const stockOf = (state: { products: { name: string; stock: number }[] }) =>
  Object.fromEntries(state.products.map((p) => [p.name, p.stock]));

async function refundJobCount(): Promise<number> {
  const [row] = await db().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = ${PROCESSOR_REFUND_TASK}`;
  return row?.n ?? 0;
}

describe.skipIf(!runBrowserTests)('a Save that cancels a paid order asks to confirm the refund first', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let paypal: FakePayPal;
  let worker: WorkerHandle | undefined;

  beforeAll(async () => {
    paypal = await new FakePayPal().start();
    app = await startAdminApp({ env: { PAYPAL_API_BASE_URL: paypal.url } });
    browser = await openBrowser('admin-cancel-refund');
  }, 300_000);
  afterAll(async () => {
    await worker?.stop();
    await browser?.close();
    await app?.close();
    await paypal?.stop();
  });

  /** A shop with two stock-tracked products and an order of 2 x 25.00 + 1 x 5.00 + 5.00 shipping + 4.00 tax = 64.00, its stock reserved. */
  async function shopWithOrder(method: 'PAYPAL' | 'VENMO_P2P') {
    const { tenant, customer, guild } = await f().shop();
    const a = await f().product({ tenantId: tenant.id, name: 'Alpha', unitPriceCents: 2500, trackStock: true, stock: 8 });
    const b = await f().product({ tenantId: tenant.id, name: 'Bravo', unitPriceCents: 500, trackStock: true, stock: 4 });
    const order = await f().order({
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
    await f().reservation({ tenantId: tenant.id, orderId: order.id, productId: a.id, quantity: 2 });
    await f().reservation({ tenantId: tenant.id, orderId: order.id, productId: b.id, quantity: 1 });
    const owner = await f().adminUser({ tenantId: tenant.id });
    return { tenant, order, owner, products: [a.id, b.id], ctx: adminCtx(tenant.id) };
  }

  /** The order paid on the invoice page's way: a checkout at the shop's PayPal, approved on the fake, captured on return. */
  async function paidThroughPayPal() {
    const made = await shopWithOrder('PAYPAL');
    const clientId = `AcL${randomBytes(6).toString('hex')}`;
    const clientSecret = `EL${randomBytes(12).toString('hex')}`;
    paypal.addApp(clientId, clientSecret);
    const { paymentConnections, checkouts } = app.services;
    await paymentConnections.connect(made.ctx, {
      provider: 'PAYPAL',
      environment: 'sandbox',
      config: { clientId, webhookId: 'WH-CANCEL' },
      secrets: { clientSecret },
    });
    await paymentConnections.test(made.ctx, 'PAYPAL');
    await db().tenant.update({ where: { id: made.tenant.id }, data: { enabledPaymentMethods: ['PAYPAL', 'VENMO_P2P'] } });
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
    expect(outcome).toBe('paid');
    const captureId = (await db().paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).paymentReference!;
    return { ...made, captureId };
  }

  async function openEdit(orderId: string) {
    await browser.page.goto(`${app.baseUrl}/admin/resources/Order/records/${orderId}/edit`);
    await browser.page.locator('#status').waitFor();
  }
  async function chooseStatus(words: string) {
    await browser.page.locator('#status').fill(words);
    await browser.page.keyboard.press('Enter');
  }
  async function save(orderId: string): Promise<{ notice?: { message: string; type: string } }> {
    const { page } = browser;
    const resp = await pressSave(page, `/records/${orderId}/edit`);
    return (await resp.json()) as { notice?: { message: string; type: string } };
  }

  it(
    'refuses the first Save with what it would do, writes nothing; the confirmed Save cancels and refunds once',
    { timeout: 300_000 },
    async () => {
      browser.reportFailure('paid-cancel');
      const { order, owner, products, captureId } = await paidThroughPayPal();
      await browser.signInForNextPage(app.baseUrl, owner.email);
      worker = await startWorker({
        connectionString: testDatabaseUrl(),
        bus: app.services.bus,
        logger: app.services.logger,
        concurrency: 1,
        pollIntervalMs: 100,
        crontab: false,
        tasks: (name) => name === PROCESSOR_REFUND_TASK,
      });
      const before = await everything(order.id, products);
      expect(before.order.status).toBe('PAID');

      await openEdit(order.id);
      await chooseStatus('Cancelled');
      const asked = `Cancelling order #${order.number} refunds $64.00 to the customer through PayPal and puts 3 items back in stock. Nothing was changed. To go ahead, tick "Confirm the refund of $64.00" and save again.`;
      const first = await save(order.id);
      expect(first.notice).toEqual({ type: 'error', message: asked });
      // The form says it too, where the admin looks, with the tick box; the Status still reads Cancelled.
      await expect.poll(() => browser.page.getByTestId('cancel-refund-text').textContent()).toBe(asked);
      await browser.shot('1-asked');
      expect(await everything(order.id, products)).toEqual(before);
      expect(paypal.refundRequests(captureId)).toHaveLength(0);

      await browser.page.getByLabel('Confirm the refund of $64.00').check();
      const second = await save(order.id);
      // The notice says what was done, in the question's words: recorded, and the money being sent (it said "$64.00
      // refunded to the customer" before the refund job had sent anything).
      const done = `Refund of $64.00 recorded on order #${order.number}, now cancelled; 3 items back in stock. The money is being sent to PayPal, which returns it to the customer. ${PROCESSOR_REFUND_OUTCOME}`;
      expect(second.notice).toEqual({ type: 'success', message: done });
      await expect.poll(() => browser.page.getByTestId('notice-wrapper').textContent()).toContain(done);
      const after = await everything(order.id, products);
      expect(after.order).toEqual({
        ...before.order,
        status: 'CANCELLED',
        cancelledAt: expect.any(Date),
        refundedTotalCents: 6400,
        version: after.order.version,
        updatedAt: after.order.updatedAt,
      });
      expect(after.refunds).toEqual([expect.objectContaining({ mode: 'FULL', amountCents: 6400, manualReturnMethod: null })]);
      expect(after.items.map((i) => [i.quantity, i.refundedQuantity])).toEqual(before.items.map((i) => [i.quantity, i.quantity]));
      expect(stockOf(after)).toEqual({ Alpha: 10, Bravo: 5 });
      expect(after.payments.map((p) => [p.status, p.refundedAmountCents])).toEqual([['refunded', 6400]]);

      // The money reaches PayPal once, all of it.
      await waitFor('the refund at PayPal', async () => (await refundJobCount()) === 0 && paypal.refundedCents(captureId) > 0);
      expect(paypal.refundRequests(captureId)).toHaveLength(1);
      expect(paypal.refundedCents(captureId)).toBe(6400);
      await browser.shot('2-cancelled');
    },
  );

  it('a paid order paid by hand: the confirmed Save says the shop must send the money back itself', { timeout: 300_000 }, async () => {
    browser.reportFailure('by-hand-cancel');
    const { order, owner, products, ctx } = await shopWithOrder('VENMO_P2P');
    await app.services.payments.confirm(ctx, { orderId: order.id });
    await browser.signInForNextPage(app.baseUrl, owner.email);
    const before = await everything(order.id, products);
    await openEdit(order.id);
    await chooseStatus('Cancelled');
    expect((await save(order.id)).notice?.type).toBe('error');
    await browser.page.getByLabel('Confirm the refund of $64.00').check();
    const saved = await save(order.id);
    const done = `Refund of $64.00 recorded on order #${order.number}, now cancelled; 3 items back in stock. No money was sent: you must send $64.00 back to the customer by Venmo yourself.`;
    expect(saved.notice).toEqual({ type: 'success', message: done });
    await expect.poll(() => browser.page.getByTestId('notice-wrapper').textContent()).toContain(done);
    await browser.shot('3-by-hand-cancelled');
    const after = await everything(order.id, products);
    expect(after.order).toEqual({
      ...before.order,
      status: 'CANCELLED',
      cancelledAt: expect.any(Date),
      refundedTotalCents: 6400,
      version: after.order.version,
      updatedAt: after.order.updatedAt,
    });
    expect(after.refunds).toEqual([expect.objectContaining({ mode: 'FULL', amountCents: 6400, manualReturnMethod: 'VENMO_P2P' })]);
    expect(stockOf(after)).toEqual({ Alpha: 10, Bravo: 5 });
  });

  it('an unpaid order is cancelled with one Save, nothing asked', { timeout: 300_000 }, async () => {
    browser.reportFailure('unpaid-cancel');
    const { order, owner, products } = await shopWithOrder('VENMO_P2P');
    await browser.signInForNextPage(app.baseUrl, owner.email);
    const before = await everything(order.id, products);
    await openEdit(order.id);
    await chooseStatus('Cancelled');
    expect((await save(order.id)).notice?.type).toBe('success');
    const after = await everything(order.id, products);
    expect(after.order).toEqual({
      ...before.order,
      status: 'CANCELLED',
      cancelledAt: expect.any(Date),
      version: after.order.version,
      updatedAt: after.order.updatedAt,
    });
    expect(after.refunds).toEqual([]);
    expect(stockOf(after)).toEqual({ Alpha: 10, Bravo: 5 });
  });
});
