// Cash App Pay (Square) and BTCPay through the payments core, against the fakes over real HTTP: declines,
// charges refused for a stale checkout, a charge whose answer was lost recovered by Square's webhook, forged
// and unknown webhooks, underpayment, payment after an edit, two invoices both paid, and lost webhooks
// recovered by reconciliation (clock moved, no sleeping). Each ends with our ledger equal to the provider's.
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { SQUARE_TEST_TOKENS } from '../../../src/dev/fakes/fake-square.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { UNCHARGED_CHECKOUT_WINDOW_MINUTES } from '../../../src/modules/payments-processor/checkouts/checkout-expiry.js';
import { MovableClock } from './invoice-fixtures.js';
import { chargeAtSquare, connectBtcPay, connectSquare, useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
// The app's clock only moves for when the reconciliation asks a provider; the fakes keep real time.
const { env, discordApi } = useProvidersApp(clock);

async function shopWithOrder(method: 'CASHAPP_PAY' | 'BTC_INVOICE') {
  const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  const connection = method === 'CASHAPP_PAY' ? await connectSquare(env, tenant.id) : await connectBtcPay(env, tenant.id);
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    guildId: guild.id,
    paymentMethod: method,
    paymentStatus: 'pending',
    totalCents: 4250,
    lines: [{ productId: (await f.product({ tenantId: tenant.id })).id, quantity: 1, unitPriceCents: 4250 }],
  });
  const link = await env.t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);
  return { tenant, order, path: new URL(link.url).pathname, connectionId: connection.connectionId };
}

/** Moves a checkout's creation `minutes` back in the database's time (the clock its window is read by). */
const makeOlder = (checkoutId: string, minutes: number) =>
  db.$executeRaw`UPDATE payment_checkouts SET "createdAt" = "createdAt" - make_interval(mins => ${minutes}::int) WHERE id = ${checkoutId}`;
const orderStatus = async (id: string) => (await db.order.findUniqueOrThrow({ where: { id } })).status;
const checkoutRow = (id: string) => db.paymentCheckout.findUniqueOrThrow({ where: { id } });

describe('Cash App Pay (Square) through the core', () => {
  /** The buyer presses "Pay with Cash App Pay": our checkout, named by our own id until it is charged. */
  async function startCashApp(path: string) {
    const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
    const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(String(res.headers.location))![1]!;
    const page = await request(env.t.app).get(`${path}/cash-app/${checkoutId}`).expect(200);
    expect(page.headers['content-security-policy']).toContain(`script-src 'self' ${env.square.url}`);
    return { checkoutId, chargeUrl: `${path}/cash-app/${checkoutId}/charge` };
  }

  /** Our ledger row equals Square's payment (and what was refunded of it). */
  async function expectLedgerMatchesSquare(checkoutId: string) {
    const c = await checkoutRow(checkoutId);
    const p = env.square.payments.get(c.providerCheckoutId!);
    if (!p || p.json.status !== 'COMPLETED') {
      expect(c.state).not.toBe('PAID');
      return c;
    }
    expect(c).toMatchObject({ state: 'PAID', paymentReference: p.json.id, paidAmountCents: p.json.amount_money.amount });
    return c;
  }

  it('a declined Cash App payment fails that checkout; a new one pays; webhooks verified and applied once', async () => {
    const { order, path } = await shopWithOrder('CASHAPP_PAY');
    const first = await startCashApp(path);
    const declined = await request(env.t.app).post(first.chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.declined }).expect(200);
    expect(declined.body).toEqual({ outcome: 'declined', next: `${path}?checkout=declined` });
    expect(await checkoutRow(first.checkoutId)).toMatchObject({ state: 'FAILED', providerStatus: 'PAYMENT_METHOD_ERROR/GENERIC_DECLINE' });
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');

    const second = await startCashApp(path);
    const ok = await request(env.t.app).post(second.chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200);
    expect(ok.body.outcome).toBe('paid');
    // A repeated post (double click, page retry) charges nothing more.
    expect((await request(env.t.app).post(second.chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200)).body.outcome).toBe(
      'paid',
    );
    expect([...env.square.payments.values()].filter((p) => p.json.reference_id === order.id && p.json.status === 'COMPLETED')).toHaveLength(
      1,
    );
    expect(await orderStatus(order.id)).toBe('PAID');
    await env.square.idle();
    await expectLedgerMatchesSquare(second.checkoutId);
    expect(await db.payment.count({ where: { orderId: order.id, status: 'paid' } })).toBe(1);
  });

  // Square's webhooks for the declined payment can arrive (or arrive again: Square redelivers) after the buyer has
  // opened their next checkout. The declined payment carries no money: it must not be bound to that open checkout,
  // whose own charge then finds it named by the declined payment (the ledger pointed at a FAILED payment; a 1-in-4
  // flake of the test above on Node 24 before this).
  it("a declined payment's late webhook is not bound to the buyer's next checkout, which then pays", async () => {
    const { order, path } = await shopWithOrder('CASHAPP_PAY');
    const first = await startCashApp(path);
    await request(env.t.app).post(first.chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.declined }).expect(200);
    await env.square.idle();
    const declinedWebhooks = env.square.outbox.deliveries.filter((d) => d.body.includes(order.id) && d.body.includes('FAILED'));
    expect(declinedWebhooks.length).toBeGreaterThan(0);

    const second = await startCashApp(path);
    // Square delivers the declined payment's webhooks again (same body, same signature).
    for (const d of declinedWebhooks) {
      const again = await fetch(d.url, { method: 'POST', headers: { 'content-type': 'application/json', ...d.headers }, body: d.body });
      expect(again.status).toBeLessThan(500);
    }
    expect((await checkoutRow(second.checkoutId)).providerCheckoutId).toBe(second.checkoutId);

    const ok = await request(env.t.app).post(second.chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200);
    expect(ok.body.outcome).toBe('paid');
    await env.square.idle();
    expect(await orderStatus(order.id)).toBe('PAID');
    const c = await expectLedgerMatchesSquare(second.checkoutId);
    expect(c.state).toBe('PAID');
  });

  it('refuses to charge a checkout the order outgrew: nothing reaches Square', async () => {
    const { order, path } = await shopWithOrder('CASHAPP_PAY');
    const { checkoutId, chargeUrl } = await startCashApp(path);
    await db.order.update({ where: { id: order.id }, data: { totalCents: 5000, subtotalCents: 5000 } });
    const before = env.square.calls.filter((c) => c.path === '/v2/payments').length;
    const res = await request(env.t.app).post(chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200);
    expect(res.body.outcome).toBe('changed');
    expect(env.square.calls.filter((c) => c.path === '/v2/payments').length).toBe(before);
    expect((await checkoutRow(checkoutId)).state).toBe('VOIDED');
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
  });

  it("a charge whose answer was lost is recovered from Square's payment webhook (the checkout is adopted by order)", async () => {
    const { order, path } = await shopWithOrder('CASHAPP_PAY');
    const { checkoutId } = await startCashApp(path);
    // Our CreatePayment reached Square but its answer never reached us: Square still notifies.
    await chargeAtSquare(env, order.tenantId, { idempotencyKey: checkoutId, orderId: order.id, note: 'lost answer' });
    await env.square.idle();
    expect(env.square.outbox.deliveries.slice(-2).map((d) => d.status)).toEqual([200, 200]);
    expect(await orderStatus(order.id)).toBe('PAID');
    const c = await expectLedgerMatchesSquare(checkoutId);
    expect(c.providerCheckoutId).not.toBe(checkoutId);
  });

  it('a charge whose answer was lost, on a checkout voided meanwhile (paid in another tab), is adopted from the webhook and refunded', async () => {
    const { order, path } = await shopWithOrder('CASHAPP_PAY');
    const tabA = await startCashApp(path);
    // Tab B pressed Pay once tab A's checkout was past its window (within it, a press goes back to tab A's checkout).
    await makeOlder(tabA.checkoutId, UNCHARGED_CHECKOUT_WINDOW_MINUTES + 1);
    const tabB = await startCashApp(path);
    expect(tabB.checkoutId).not.toBe(tabA.checkoutId);
    expect((await request(env.t.app).post(tabA.chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200)).body.outcome).toBe(
      'paid',
    );
    await waitFor('the other tab voided', async () => (await checkoutRow(tabB.checkoutId)).state === 'VOIDED');
    // Tab B's token was charged too; its answer never reached us. Square still notifies.
    await chargeAtSquare(env, order.tenantId, { idempotencyKey: tabB.checkoutId, orderId: order.id, note: 'lost answer, second tab' });
    await env.square.idle();
    const created = env.square.outbox.deliveries.find((d) => d.body.includes('"payment.created"') && d.body.includes('second tab'));
    expect(created?.status).toBe(200); // was 404: no open checkout of the order was left to adopt
    const b = await waitFor('the second payment refunded', async () => {
      const row = await checkoutRow(tabB.checkoutId);
      return row.unappliedAction === 'REFUND_SENT' ? row : undefined;
    });
    expect(b).toMatchObject({ state: 'PAID', paidAmountCents: 4250, unappliedReason: expect.stringContaining('voided') });
    expect(b.providerCheckoutId).not.toBe(tabB.checkoutId);
    expect([...env.square.refunds.values()].filter((r) => r.json.payment_id === b.paymentReference)).toHaveLength(1);
    expect(await orderStatus(order.id)).toBe('PAID');
  });

  describe('a checkout opened but never charged', () => {
    const windowMinutes = UNCHARGED_CHECKOUT_WINDOW_MINUTES;
    /** Runs the reconciliation as the cron does, `minutes` after the checkout was made (by the database's clock, which its window is read by). */
    async function reconcileAfter(checkoutId: string, minutes: number, olderThanMinutes = 5) {
      await makeOlder(checkoutId, minutes);
      return env.t.services.checkouts.reconcile(olderThanMinutes);
    }
    const listCalls = () => env.square.calls.filter((c) => c.method === 'GET' && c.path === '/v2/payments');

    it('is left alone inside its window: nothing is asked of Square for it', async () => {
      const { path } = await shopWithOrder('CASHAPP_PAY');
      const { checkoutId } = await startCashApp(path);
      const before = env.square.calls.length;
      await reconcileAfter(checkoutId, windowMinutes - 5);
      expect(await checkoutRow(checkoutId)).toMatchObject({ state: 'OPEN', providerCheckoutId: checkoutId });
      expect(env.square.calls.slice(before).filter((c) => c.path.includes(checkoutId))).toEqual([]);
    });

    it('is retired (EXPIRED) after its window once Square lists no payment for the order; a late token then charges nothing', async () => {
      const { order, path } = await shopWithOrder('CASHAPP_PAY');
      const { checkoutId, chargeUrl } = await startCashApp(path);
      const { conn } = await env.t.services.paymentConnections.load({ tenantId: order.tenantId, provider: 'SQUARE' });
      if (conn.provider !== 'SQUARE') throw new Error('a Square connection');
      const listed = listCalls().length;
      const run = await reconcileAfter(checkoutId, windowMinutes + 1);
      expect(run.expired).toBeGreaterThanOrEqual(1);
      expect(await checkoutRow(checkoutId)).toMatchObject({
        state: 'EXPIRED',
        providerStatus: 'EXPIRED: never charged',
        providerCheckoutId: checkoutId,
      });
      // Square was asked with ListPayments for the connection's location since the checkout was made.
      const ask = listCalls().slice(listed).at(-1)!;
      expect(ask.query.get('location_id')).toBe(conn.locationId);
      expect(ask.query.get('sort_order')).toBe('ASC');
      expect(Date.parse(ask.query.get('begin_time')!)).toBeLessThanOrEqual((await checkoutRow(checkoutId)).createdAt.getTime());
      // A second run finds nothing left to retire.
      expect((await reconcileAfter(checkoutId, windowMinutes + 1)).expired).toBe(0);
      // The buyer's page was left open and they approve now: refused before Square is called.
      const paymentsBefore = env.square.payments.size;
      const late = await request(env.t.app).post(chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200);
      expect(late.body.outcome).toBe('failed');
      expect(env.square.payments.size).toBe(paymentsBefore);
      expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
    });

    it('is retired at its stated time also where the operator reconciles later (CHECKOUT_RECONCILE_AFTER_MINUTES above the window)', async () => {
      const { path } = await shopWithOrder('CASHAPP_PAY');
      const { checkoutId } = await startCashApp(path);
      const run = await reconcileAfter(checkoutId, windowMinutes + 1, 4 * 60);
      expect(run.expired).toBeGreaterThanOrEqual(1);
      expect(await checkoutRow(checkoutId)).toMatchObject({ state: 'EXPIRED', providerStatus: 'EXPIRED: never charged' });
    });

    it('whose charge reached Square but whose answer and webhooks were lost is found by ListPayments and pays the order instead', async () => {
      const { order, path } = await shopWithOrder('CASHAPP_PAY');
      const { checkoutId } = await startCashApp(path);
      env.square.outbox.dropNext(2); // payment.created, payment.updated
      await chargeAtSquare(env, order.tenantId, { idempotencyKey: checkoutId, orderId: order.id, note: 'lost answer and webhooks' });
      await env.square.idle();
      expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
      const run = await reconcileAfter(checkoutId, windowMinutes + 1);
      expect(run.errors).toBe(0);
      expect(await orderStatus(order.id)).toBe('PAID');
      const c = await expectLedgerMatchesSquare(checkoutId);
      expect(c.providerCheckoutId).not.toBe(checkoutId);
    });
  });

  it('a webhook that read before charge() bound the payment, and adopted nothing after, is applied, not refused', async () => {
    const { order, path } = await shopWithOrder('CASHAPP_PAY');
    const { chargeUrl } = await startCashApp(path);
    env.square.outbox.dropNext(2); // held back, to be delivered at the moment below
    expect((await request(env.t.app).post(chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200)).body.outcome).toBe('paid');
    const paymentId = (await db.paymentCheckout.findFirstOrThrow({ where: { orderId: order.id } })).providerCheckoutId!;
    const created = env.square.outbox.deliveries.find(
      (d) => d.dropped && d.body.includes('"payment.created"') && d.body.includes(paymentId),
    )!;
    // The interleaving seen under load: the webhook's read by payment id ran just before charge() bound that id
    // (it missed), and its look for an uncharged checkout ran just after (nothing unbound is left). The real
    // read is answered "not found" once, for this payment only; everything else runs on the real database.
    const checkouts = env.t.services.db.paymentCheckout;
    const findFirst = checkouts.findFirst;
    let missed = false;
    checkouts.findFirst = ((args: { where?: { providerCheckoutId?: unknown } }) => {
      if (!missed && args?.where?.providerCheckoutId === paymentId) {
        missed = true;
        return Promise.resolve(null);
      }
      return findFirst.call(checkouts, args as never);
    }) as unknown as typeof findFirst;
    let status: number;
    try {
      const res = await fetch(created.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...created.headers },
        body: created.body,
      });
      status = res.status;
    } finally {
      checkouts.findFirst = findFirst;
    }
    expect(missed).toBe(true);
    expect(status).toBe(200); // was 404 "This checkout was not created by this shop"
    expect(await orderStatus(order.id)).toBe('PAID');
  });

  it('a refund Square fails later (refund.updated FAILED) is recorded as not returned and the admins are told', async () => {
    const { tenant, order, path } = await shopWithOrder('CASHAPP_PAY');
    const { chargeUrl } = await startCashApp(path);
    expect((await request(env.t.app).post(chargeUrl).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200)).body.outcome).toBe('paid');
    env.square.autoCompleteRefunds = false;
    try {
      const refund = await env.t.services.refunds.refund(adminCtx(tenant.id), order.id, { amountCents: 1000, reason: 'Broken' });
      const sq = await waitFor('the refund at Square', async () =>
        [...env.square.refunds.values()].find((r) => r.json.reason === `Broken [Ledgerline ${refund.refund.id}]`),
      );
      await waitFor(
        'the refund recorded as sent',
        async () => (await db.auditLog.count({ where: { entityId: order.id, action: 'payment.refund_sent' } })) === 1,
      );
      await env.square.failRefund(sq.json.id);
      await env.square.idle();
      expect(env.square.outbox.deliveries.at(-1)!.status).toBe(200);
      const failed = await db.auditLog.findFirst({ where: { entityId: order.id, action: 'payment.refund_failed' } });
      expect(failed?.after).toMatchObject({ refundId: refund.refund.id, providerRefundId: sq.json.id, permanent: true });
    } finally {
      env.square.autoCompleteRefunds = true;
    }
  });

  it('money refunded as unapplied (underpaid) that Square fails later is FLAGGED and the admins are told to return it by hand', async () => {
    const { tenant, order, path } = await shopWithOrder('CASHAPP_PAY');
    const { checkoutId } = await startCashApp(path);
    const emit = vi.spyOn(env.t.services.bus, 'emit');
    env.square.autoCompleteRefunds = false;
    try {
      // $10.00 of $42.50 arrives (a charge whose answer was lost): it cannot pay the order and is refunded.
      await chargeAtSquare(env, tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'underpaid', amountCents: 1000 });
      await env.square.idle();
      await waitFor('the unapplied money refunded', async () => (await checkoutRow(checkoutId)).unappliedAction === 'REFUND_SENT');
      const sq = [...env.square.refunds.values()].at(-1)!;
      await env.square.failRefund(sq.json.id);
      await env.square.idle();
      expect(env.square.outbox.deliveries.at(-1)!.status).toBe(200);
      expect((await checkoutRow(checkoutId)).unappliedAction).toBe('FLAGGED');
      const flagged = await db.auditLog.findFirst({ where: { entityId: order.id, action: 'payment.unapplied_flagged' } });
      expect(flagged?.after).toMatchObject({ checkoutId, amountCents: 1000, error: expect.stringContaining(sq.json.id) });
      const alerts = emit.mock.calls.filter(([, event, payload]) => event === 'payment.unapplied' && payload.action === 'FLAGGED');
      expect(alerts.map(([, , payload]) => payload)).toEqual([expect.objectContaining({ checkoutId, amountCents: 1000 })]);
    } finally {
      env.square.autoCompleteRefunds = true;
      emit.mockRestore();
    }
  });

  it('refuses forged notifications (401) and answers 200 to payments we did not start (Square stops retrying)', async () => {
    const { order, connectionId } = await shopWithOrder('CASHAPP_PAY');
    // A payment at the shop's Square account that no checkout of ours made (e.g. in person, or another app).
    await chargeAtSquare(env, order.tenantId, { idempotencyKey: 'someone-else-1', orderId: 'not-our-order', note: 'x', amountCents: 100 });
    await env.square.idle();
    const [created, updated] = env.square.outbox.deliveries.slice(-2);
    expect([created!.status, updated!.status]).toEqual([200, 200]);
    expect(await db.providerWebhookEvent.count({ where: { connectionId } })).toBe(0);
    const url = `/webhooks/square/${connectionId}`;
    const forged = created!.body.replace('"amount":100', '"amount":4250');
    await request(env.t.app)
      .post(url)
      .set({ 'content-type': 'application/json', ...created!.headers })
      .send(forged)
      .expect(401);
    await request(env.t.app).post(url).set({ 'content-type': 'application/json' }).send(created!.body).expect(401);
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
  });
});

describe('BTCPay through the core', () => {
  async function startInvoice(path: string) {
    const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303);
    const invoiceId = /\/i\/([^/?]+)$/.exec(String(res.headers.location))![1]!;
    const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { providerCheckoutId: invoiceId } });
    return { invoiceId, checkout };
  }

  /** Our ledger row equals BTCPay's invoice (paid amount), and refunds went out as pull payments for it. */
  async function expectLedgerMatchesBtcPay(checkoutId: string, expected: { refundPullPaymentCents?: number } = {}) {
    const c = await checkoutRow(checkoutId);
    const inv = env.btcpay.invoices.get(c.providerCheckoutId!)!;
    const paid = inv.payments.reduce((s, p) => s + p.cents, 0);
    if (paid === 0) expect(c.state).not.toBe('PAID');
    else expect(c).toMatchObject({ state: 'PAID', paymentReference: inv.id, paidAmountCents: paid });
    const pulled = [...env.btcpay.pullPayments.values()]
      .filter((p) => p.invoiceId === inv.id)
      .reduce((s, p) => s + Math.round(Number(p.amount) * 100), 0);
    expect(pulled).toBe(expected.refundPullPaymentCents ?? 0);
    return c;
  }

  it('paid by webhook only (the buyer never came back): PAID once; a redelivery changes nothing', async () => {
    const { order, path, connectionId } = await shopWithOrder('BTC_INVOICE');
    const { invoiceId, checkout } = await startInvoice(path);
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    expect(await orderStatus(order.id)).toBe('PAID');
    await expectLedgerMatchesBtcPay(checkout.id);
    const settled = env.btcpay.outbox.deliveries.filter((d) => d.url.endsWith(connectionId) && d.body.includes('"InvoiceSettled"')).at(-1)!;
    await env.btcpay.redeliver(JSON.parse(settled.body).deliveryId as string);
    await env.btcpay.idle();
    expect(env.btcpay.outbox.deliveries.at(-1)!.status).toBe(200);
    expect(await db.payment.count({ where: { orderId: order.id, status: 'paid' } })).toBe(1);
  });

  it('underpayment never marks the order PAID: the part paid is refunded through BTCPay as a claim', async () => {
    const { order, path } = await shopWithOrder('BTC_INVOICE');
    const { invoiceId, checkout } = await startInvoice(path);
    await env.btcpay.pay(invoiceId, 1000);
    env.btcpay.expire(invoiceId);
    await env.btcpay.idle();
    await waitFor('the refund claim of the part paid', async () => (await checkoutRow(checkout.id)).unappliedAction === 'CLAIM_SENT');
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
    const c = await expectLedgerMatchesBtcPay(checkout.id, { refundPullPaymentCents: 1000 });
    expect(c.unappliedReason).toMatch(/underpaid: \$10\.00 of \$42\.50/);
  });

  it('a payment after the order was edited: the invoice was invalidated, the money that still came is refunded', async () => {
    const { order, path } = await shopWithOrder('BTC_INVOICE');
    const { invoiceId, checkout } = await startInvoice(path);
    await db.order.update({ where: { id: order.id }, data: { totalCents: 5000, subtotalCents: 5000 } });
    await waitFor('the stale checkout voided', async () => (await checkoutRow(checkout.id)).state === 'VOIDED');
    expect(env.btcpay.invoices.get(invoiceId)).toMatchObject({ status: 'Invalid', additionalStatus: 'Marked' });
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    await waitFor('the refund claim', async () => (await checkoutRow(checkout.id)).unappliedAction === 'CLAIM_SENT');
    await expectLedgerMatchesBtcPay(checkout.id, { refundPullPaymentCents: 4250 });
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
  });

  it('a part paid, then "Pay with Bitcoin" again: back to the same invoice for the rest, not a second one', async () => {
    const { order, path } = await shopWithOrder('BTC_INVOICE');
    const first = await startInvoice(path);
    await env.btcpay.pay(first.invoiceId, 1000);
    await env.btcpay.idle();
    expect((await checkoutRow(first.checkout.id)).providerStatus).toBe('New/PaidPartial');
    const again = await startInvoice(path);
    expect(again.invoiceId).toBe(first.invoiceId);
    expect(await db.paymentCheckout.count({ where: { orderId: order.id } })).toBe(1);
    await env.btcpay.pay(first.invoiceId, 3250);
    await env.btcpay.idle();
    expect(await orderStatus(order.id)).toBe('PAID');
    await expectLedgerMatchesBtcPay(first.checkout.id);
  });

  it('two invoices both paid: the first pays the order, the second is refunded', async () => {
    const { order, path } = await shopWithOrder('BTC_INVOICE');
    const a = await startInvoice(path);
    // BTCPay does not answer when the buyer asks again: a second invoice is made (as before resuming existed).
    env.btcpay.fail(new RegExp(`/invoices/${a.invoiceId}$`), 503);
    const b = await startInvoice(path);
    expect(b.invoiceId).not.toBe(a.invoiceId);
    await env.btcpay.pay(a.invoiceId);
    await env.btcpay.idle();
    await env.btcpay.pay(b.invoiceId);
    await env.btcpay.idle();
    expect(await orderStatus(order.id)).toBe('PAID');
    await waitFor('the second payment refunded', async () => (await checkoutRow(b.checkout.id)).unappliedAction === 'CLAIM_SENT');
    await expectLedgerMatchesBtcPay(a.checkout.id);
    await expectLedgerMatchesBtcPay(b.checkout.id, { refundPullPaymentCents: 4250 });
    expect(await db.payment.count({ where: { orderId: order.id, status: 'paid' } })).toBe(1);
    // The customer's one message about the second payment is its claim link, and it says why it could not be used.
    const customer = await db.customer.findUniqueOrThrow({ where: { id: order.customerId } });
    const toCustomer = () =>
      discordApi()
        .directMessages()
        .filter((m) => m.userId === customer.discordUserId)
        .map((m) => JSON.stringify(m.body));
    const claim = await waitFor('the claim link DM', async () => toCustomer().find((t) => t.includes('claim your refund')));
    expect(claim).toContain(`for order **#${order.number}**, but the order had already been paid`);
    expect(claim).toContain('$42.50');
    await waitFor('the receipt DM', async () => toCustomer().some((t) => t.includes('receipt for order')));
    expect(toCustomer().filter((t) => t.includes('being returned') || t.includes('claim your refund'))).toHaveLength(1);
  });

  describe('confirmations, late payments and older servers', () => {
    it('a full payment after the invoice expired (BTCPay keeps it Expired/PaidLate) pays the order once it settles', async () => {
      env.btcpay.autoConfirm = false;
      try {
        const { order, path } = await shopWithOrder('BTC_INVOICE');
        const { invoiceId, checkout } = await startInvoice(path);
        env.btcpay.expire(invoiceId);
        await env.btcpay.pay(invoiceId);
        await env.btcpay.idle();
        expect(await checkoutRow(checkout.id)).toMatchObject({ state: 'PENDING', providerStatus: 'Expired/PaidLate' });
        env.btcpay.confirm(invoiceId);
        await env.btcpay.idle();
        expect(env.btcpay.invoices.get(invoiceId)).toMatchObject({ status: 'Expired', additionalStatus: 'PaidLate' });
        expect(await orderStatus(order.id)).toBe('PAID');
        await expectLedgerMatchesBtcPay(checkout.id);
      } finally {
        env.btcpay.autoConfirm = true;
      }
    });

    it('a payment that never confirms (Processing -> Invalid, FailedToConfirm) leaves the order unpaid and refunds nothing', async () => {
      env.btcpay.autoConfirm = false;
      try {
        const { order, path } = await shopWithOrder('BTC_INVOICE');
        const { invoiceId, checkout } = await startInvoice(path);
        await env.btcpay.pay(invoiceId);
        await env.btcpay.idle();
        expect((await checkoutRow(checkout.id)).state).toBe('PENDING');
        env.btcpay.failToConfirm(invoiceId);
        await env.btcpay.idle();
        await waitFor('the checkout failed', async () => (await checkoutRow(checkout.id)).state === 'FAILED');
        expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
        expect(await checkoutRow(checkout.id)).toMatchObject({ paidAmountCents: null, unappliedAction: null, providerStatus: 'Invalid' });
        expect([...env.btcpay.pullPayments.values()].filter((p) => p.invoiceId === invoiceId)).toEqual([]);
      } finally {
        env.btcpay.autoConfirm = true;
      }
    });

    it('a BTCPay older than 2.1.2 (no paidAmount on invoices): connects, and a payment in full pays the order', async () => {
      env.btcpay.paidAmountInInvoice = false;
      try {
        const { order, path } = await shopWithOrder('BTC_INVOICE');
        const { invoiceId, checkout } = await startInvoice(path);
        await env.btcpay.pay(invoiceId);
        await env.btcpay.idle();
        expect(await orderStatus(order.id)).toBe('PAID');
        expect(await checkoutRow(checkout.id)).toMatchObject({ state: 'PAID', paidAmountCents: 4250, unappliedAction: null });
      } finally {
        env.btcpay.paidAmountInInvoice = true;
      }
    });
  });

  describe('a yen shop (JPY has no minor unit)', () => {
    async function yenOrder() {
      const { tenant, guild, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'], currency: 'JPY' } });
      await connectBtcPay(env, tenant.id);
      const product = await f.product({ tenantId: tenant.id, unitPriceCents: 4250 });
      const order = await f.order({
        tenantId: tenant.id,
        customerId: customer.id,
        guildId: guild.id,
        currency: 'JPY',
        paymentMethod: 'BTC_INVOICE',
        paymentStatus: 'pending',
        totalCents: 4250,
        lines: [{ productId: product.id, quantity: 1, unitPriceCents: 4250 }],
      });
      const link = await env.t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);
      return { order, path: new URL(link.url).pathname };
    }
    const createdAmount = (invoiceId: string) => env.btcpay.invoices.get(invoiceId)!;

    it('a ¥4,250 order is invoiced at BTCPay for 4250 JPY and paying it pays the order', async () => {
      const { order, path } = await yenOrder();
      const { invoiceId, checkout } = await startInvoice(path);
      const call = env.btcpay.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/invoices')).at(-1)!;
      expect(call.body).toMatchObject({ amount: '4250', currency: 'JPY' });
      expect(createdAmount(invoiceId)).toMatchObject({ amountCents: 4250, currency: 'JPY' });
      await env.btcpay.pay(invoiceId);
      await env.btcpay.idle();
      expect(await orderStatus(order.id)).toBe('PAID');
      expect(await checkoutRow(checkout.id)).toMatchObject({ state: 'PAID', paidAmountCents: 4250, unappliedAction: null });
    });

    it('¥1,000 paid of ¥4,250, then expired: the ¥1,000 is refunded as a claim for 1000 JPY', async () => {
      const { order, path } = await yenOrder();
      const { invoiceId, checkout } = await startInvoice(path);
      await env.btcpay.pay(invoiceId, 1000);
      env.btcpay.expire(invoiceId);
      await env.btcpay.idle();
      await waitFor('the refund claim of the part paid', async () => (await checkoutRow(checkout.id)).unappliedAction === 'CLAIM_SENT');
      expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
      expect((await checkoutRow(checkout.id)).unappliedReason).toMatch(/underpaid: ￥1,000 of ￥4,250|underpaid: ¥1,000 of ¥4,250/);
      const pulled = [...env.btcpay.pullPayments.values()].filter((p) => p.invoiceId === invoiceId);
      expect(pulled.map((p) => `${p.amount} ${p.currency}`)).toEqual(['1000 JPY']);
    });
  });

  it('refuses forged deliveries (401) and answers 200 to invoices we did not create (BTCPay stops redelivering)', async () => {
    const { order, path, connectionId } = await shopWithOrder('BTC_INVOICE');
    const { invoiceId } = await startInvoice(path);
    await env.btcpay.idle();
    const created = env.btcpay.outbox.deliveries.filter((d) => d.url.endsWith(connectionId)).at(-1)!;
    const url = `/webhooks/btcpay/${connectionId}`;
    const forged = created.body.replace('"InvoiceCreated"', '"InvoiceSettled"');
    await request(env.t.app)
      .post(url)
      .set({ 'content-type': 'application/json', ...created.headers })
      .send(forged)
      .expect(401);
    // An invoice made at the shop's BTCPay by something else (its point of sale), then paid.
    const store = env.btcpay.stores.find((s) => created.body.includes(s.id))!;
    const other = await fetch(`${env.btcpay.url}/api/v1/stores/${store.id}/invoices`, {
      method: 'POST',
      headers: { authorization: `token ${store.apiKeys[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '1.00', currency: 'USD' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    await env.btcpay.pay(other.id);
    await env.btcpay.idle();
    const settledElsewhere = env.btcpay.outbox.deliveries.filter((d) => d.body.includes(other.id) && d.body.includes('"InvoiceSettled"'));
    expect(settledElsewhere.map((d) => d.status)).toEqual([200]);
    expect(env.btcpay.invoices.get(invoiceId)!.status).toBe('New');
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
  });

  it("an invoice of our order whose checkout is not bound yet (the webhook beat start's own write) is refused, then applied when redelivered", async () => {
    const { order, connectionId } = await shopWithOrder('BTC_INVOICE');
    // Our checkout row is committed before BTCPay is asked (CREATING, no invoice id yet); BTCPay made the
    // invoice, and its webhook arrives before we wrote the invoice id on the row.
    const row = await db.paymentCheckout.create({
      data: {
        tenantId: order.tenantId,
        orderId: order.id,
        connectionId,
        provider: 'BTCPAY',
        method: 'BTC_INVOICE',
        amountCents: 4250,
        currency: 'USD',
        orderVersion: (await db.order.findUniqueOrThrow({ where: { id: order.id } })).version,
      },
    });
    const { config } = await db.paymentConnection.findUniqueOrThrow({ where: { id: connectionId } });
    const store = env.btcpay.stores.find((s) => s.id === (config as { storeId: string }).storeId)!;
    const invoice = await fetch(`${env.btcpay.url}/api/v1/stores/${store.id}/invoices`, {
      method: 'POST',
      headers: { authorization: `token ${store.apiKeys[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '42.50', currency: 'USD', metadata: { orderId: order.id, checkoutRef: row.id } }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    await env.btcpay.pay(invoice.id);
    await env.btcpay.idle();
    const settled = env.btcpay.outbox.deliveries.filter((d) => d.body.includes(invoice.id) && d.body.includes('"InvoiceSettled"'));
    expect(settled.map((d) => d.status)).toEqual([404]); // BTCPay redelivers it
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');

    await db.paymentCheckout.update({ where: { id: row.id }, data: { providerCheckoutId: invoice.id, state: 'OPEN' } });
    const deliveryId = (JSON.parse(settled[0]!.body) as { deliveryId: string }).deliveryId;
    await env.btcpay.redeliver(deliveryId);
    await env.btcpay.idle();
    expect(await orderStatus(order.id)).toBe('PAID');
    expect(await checkoutRow(row.id)).toMatchObject({ state: 'PAID', paidAmountCents: 4250, unappliedAction: null });
  });

  it('reconciliation recovers a payment whose webhooks were lost and whose buyer never came back', async () => {
    const { order, path } = await shopWithOrder('BTC_INVOICE');
    const { invoiceId, checkout } = await startInvoice(path);
    await env.btcpay.idle();
    env.btcpay.outbox.dropNext(4); // ReceivedPayment, Processing, PaymentSettled, Settled
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    expect(await orderStatus(order.id)).toBe('PENDING_PAYMENT');
    clock.advance(6 * 60);
    try {
      const run = await env.t.services.checkouts.reconcile(5);
      expect(run.errors).toBe(0);
      expect(run.changed).toBeGreaterThanOrEqual(1);
    } finally {
      clock.advance(-6 * 60);
    }
    expect(await orderStatus(order.id)).toBe('PAID');
    await expectLedgerMatchesBtcPay(checkout.id);
  });
});
