// Money that reaches a checkout we had closed (FAILED, VOIDED, EXPIRED), with every webhook about it lost:
// the reconciliation job (payment:checkouts:reconcile, run by the worker as the cron runs it) keeps asking
// the provider about such checkouts within the provider's window (checkouts/late-money.ts), and the ledger
// then pays the order if it still can, else refunds the money and tells the admins. Against the fake BTCPay
// and the fake Square over real HTTP; the app's clock moves, nothing sleeps.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SQUARE_TEST_TOKENS } from '../../../src/dev/fakes/fake-square.js';
import { LATE_MONEY } from '../../../src/modules/payments-processor/checkouts/late-money.js';
import { testDb } from '../../helpers/db.js';
import { adminCtx } from '../../helpers/actors.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { chargeAtSquare, connectedShopOrder, useProvidersApp } from './square-btcpay-fixtures.js';
import { runReconcileJob } from './reconcile-job.js';

const clock = new MovableClock();
const db = testDb();
const { env } = useProvidersApp(clock);

const shopWithOrder = (method: 'CASHAPP_PAY' | 'BTC_INVOICE') => connectedShopOrder(env, method);

/** The reconciliation job as the cron runs it, with the app's clock `minutes` ahead. */
async function reconcileAfter(minutes: number) {
  clock.advance(minutes * 60);
  try {
    await runReconcileJob(db);
  } finally {
    clock.advance(-minutes * 60);
  }
}

const orderRow = (id: string) => db.order.findUniqueOrThrow({ where: { id } });
const checkoutRow = (id: string) => db.paymentCheckout.findUniqueOrThrow({ where: { id } });

describe('a BTCPay invoice that failed to confirm and was then marked settled by the merchant, its webhooks lost', () => {
  it('is found by the reconciliation and pays the order, which was still waiting for it', async () => {
    const { tenant, order, path } = await shopWithOrder('BTC_INVOICE');
    const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303);
    const invoiceId = /\/i\/([^/?]+)$/.exec(String(res.headers.location))![1]!;
    const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { providerCheckoutId: invoiceId } });
    env.btcpay.autoConfirm = false;
    try {
      await env.btcpay.pay(invoiceId);
      await env.btcpay.idle();
      env.btcpay.failToConfirm(invoiceId); // BTCPay: Invalid (FailedToConfirm), delivered
      await env.btcpay.idle();
    } finally {
      env.btcpay.autoConfirm = true;
    }
    await waitFor('the checkout to be FAILED', async () => (await checkoutRow(checkout.id)).state === 'FAILED');

    // The merchant sees the payment confirmed after all and marks the invoice settled; that webhook is lost.
    const store = env.btcpay.stores.find((s) => env.btcpay.invoices.get(invoiceId)!.storeId === s.id)!;
    env.btcpay.outbox.dropNext(1);
    const marked = await fetch(`${env.btcpay.url}/api/v1/stores/${store.id}/invoices/${invoiceId}/status`, {
      method: 'POST',
      headers: { authorization: `token ${store.apiKeys[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'Settled' }),
    });
    expect(marked.status).toBe(200);
    await env.btcpay.idle();
    expect((await orderRow(order.id)).status).toBe('PENDING_PAYMENT');

    await reconcileAfter(10);
    expect(await orderRow(order.id)).toMatchObject({ status: 'PAID', amountReceivedCents: 4250 });
    expect(await checkoutRow(checkout.id)).toMatchObject({ state: 'PAID', paidAmountCents: 4250, unappliedAction: null });
    const paid = await db.auditLog.findFirst({ where: { tenantId: tenant.id, entityId: order.id, action: 'payment.checkout_paid' } });
    expect(paid?.after).toMatchObject({ source: 'reconciliation (closed checkout)' });
  });

  it('is no longer asked about after its window', async () => {
    const { order, path } = await shopWithOrder('BTC_INVOICE');
    const res = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303);
    const invoiceId = /\/i\/([^/?]+)$/.exec(String(res.headers.location))![1]!;
    await env.t.services.orderAdmin.cancel(adminCtx(order.tenantId), order.id, {});
    await waitFor(
      'the invoice voided',
      async () => (await db.paymentCheckout.findFirst({ where: { providerCheckoutId: invoiceId, state: 'VOIDED' } })) ?? undefined,
    );
    const asked = () => env.btcpay.calls.filter((c) => c.method === 'GET' && c.path.endsWith(`/invoices/${invoiceId}`)).length;
    // The webhooks of the invoice's creation and invalidation read it too: counted before, not during, the runs.
    await env.btcpay.idle();
    const before = asked();
    await reconcileAfter((LATE_MONEY.BTCPAY.days + 1) * 24 * 60);
    expect(asked()).toBe(before);
    await reconcileAfter(10);
    expect(asked()).toBeGreaterThan(before);
  });
});

describe('a Cash App Pay press whose first charge reached Square, answer and webhooks lost', () => {
  it('the second press (IDEMPOTENCY_KEY_REUSED) finds that payment by its order and says the order is paid, not declined', async () => {
    const { order, path } = await shopWithOrder('CASHAPP_PAY');
    const started = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
    const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(String(started.headers.location))![1]!;
    // The first press: CreatePayment reached Square and completed; its answer and both webhooks were lost.
    env.square.outbox.dropNext(2);
    await chargeAtSquare(env, order.tenantId, { idempotencyKey: checkoutId, orderId: order.id, note: 'first press, answer lost' });
    await env.square.idle();
    // The page's second press, with a new token and the same key: Square refuses it (IDEMPOTENCY_KEY_REUSED). It was
    // answered 'declined' and failed the checkout, and the order waited for the reconciliation.
    const second = await request(env.t.app)
      .post(`${path}/cash-app/${checkoutId}/charge`)
      .send({ sourceToken: `${SQUARE_TEST_TOKENS.ok}-again` })
      .expect(200);
    expect(second.body.outcome).toBe('paid');
    expect(await orderRow(order.id)).toMatchObject({ status: 'PAID', amountReceivedCents: 4250 });
    const c = await checkoutRow(checkoutId);
    expect(c).toMatchObject({ state: 'PAID', paidAmountCents: 4250, unappliedAction: null });
    expect(env.square.payments.get(c.providerCheckoutId!)?.json).toMatchObject({ status: 'COMPLETED', reference_id: order.id });
    expect([...env.square.payments.values()].filter((p) => p.json.reference_id === order.id)).toHaveLength(1);
  });

  it('a second press after a first charge Square refused without a payment (answer lost) is told it failed, not pending', async () => {
    const { order, path } = await shopWithOrder('CASHAPP_PAY');
    const started = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
    const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(String(started.headers.location))![1]!;
    // The first press's token was refused (400, no payment made); Square keeps the key with that answer.
    await chargeAtSquare(env, order.tenantId, {
      idempotencyKey: checkoutId,
      orderId: order.id,
      note: 'refused',
      sourceToken: 'wnon:expired',
    }).catch((err: unknown) => err);
    const second = await request(env.t.app)
      .post(`${path}/cash-app/${checkoutId}/charge`)
      .send({ sourceToken: SQUARE_TEST_TOKENS.ok })
      .expect(200);
    // It was answered "pending" and the checkout kept OPEN, where every later press of Pay was sent, for its hour.
    expect(second.body.outcome).toBe('failed');
    expect(await checkoutRow(checkoutId)).toMatchObject({ state: 'FAILED' });
    const again = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
    expect(String(again.headers.location)).not.toContain(checkoutId);
  });

  it('a second press while the first charge is declined at Square is told it failed, not left waiting', async () => {
    const { order, path } = await shopWithOrder('CASHAPP_PAY');
    const started = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
    const checkoutId = /\/cash-app\/(chk_[0-9a-f]+)$/.exec(String(started.headers.location))![1]!;
    env.square.outbox.dropNext(1);
    await chargeAtSquare(env, order.tenantId, {
      idempotencyKey: checkoutId,
      orderId: order.id,
      note: 'declined',
      sourceToken: SQUARE_TEST_TOKENS.declined,
    }).catch((err: unknown) => err);
    await env.square.idle();
    const second = await request(env.t.app)
      .post(`${path}/cash-app/${checkoutId}/charge`)
      .send({ sourceToken: SQUARE_TEST_TOKENS.ok })
      .expect(200);
    expect(second.body.outcome).toBe('failed');
    expect(await checkoutRow(checkoutId)).toMatchObject({ state: 'FAILED' });
    expect((await orderRow(order.id)).status).toBe('PENDING_PAYMENT');
  });
});
