// What an admin may not do while a shop's BTCPay money is on its way, through the surfaces they use (the
// REST API, the panel's actions over HTTP), against the fake BTCPay on the wire:
// - mark the order paid by hand while its Bitcoin payment is confirming (the ledger would refund the real
//   money when it settled): refused with what to do, and the order is paid by the Bitcoin when it settles;
// - record a part received by hand meanwhile (the REST API, the panel's form): refused the same way;
// - delete an order whose invoice can still be paid: refused until the order is cancelled (the invoice is
//   then closed at BTCPay);
// - disconnect BTCPay while an invoice on it is open: refused, naming how many orders and what to do.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { loggedIn } from '../../admin/admin-helpers.js';
import { MovableClock } from './invoice-fixtures.js';
import { openBtcPayInvoice, useProvidersApp } from './square-btcpay-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const f = factories();
const { env } = useProvidersApp(clock);

/** A shop with BTCPay connected, an API key, a logged-in admin, and an unpaid $42.50 Bitcoin order whose invoice the customer opened. */
async function openInvoice() {
  const { tenant, order, link, invoiceId } = await openBtcPayInvoice(env);
  const { key } = await env.t.services.apiKeys.create(adminCtx(tenant.id), 'test key', 'READ_WRITE');
  const admin = await loggedIn(env.base, (await f.adminUser({ tenantId: tenant.id })).email);
  const panel = {
    get: (path: string) => admin.agent.get(`/admin/api${path}`).set(admin.headers()),
    post: (path: string) => admin.agent.post(`/admin/api${path}`).set(admin.headers()),
  };
  return { tenant, order, invoiceId, invoicePath: new URL(link.url).pathname, auth: { authorization: `Bearer ${key}` }, panel };
}

const CONFIRMING = /A Bitcoin payment of \$42\.50 for this order is confirming at BTCPay; it will mark order #\d+ paid when it settles/;

describe('marking an order paid by hand while its Bitcoin payment is confirming', () => {
  it('is refused on every surface, and the Bitcoin pays the order when it settles (nothing refunded)', async () => {
    const { order, invoiceId, auth, panel } = await openInvoice();
    env.btcpay.autoConfirm = false;
    try {
      await env.btcpay.pay(invoiceId); // BTCPay: Processing (waiting for confirmations)
      await env.btcpay.idle();
      await waitFor(
        'the checkout to be PENDING',
        async () => (await db.paymentCheckout.findFirst({ where: { providerCheckoutId: invoiceId, state: 'PENDING' } })) ?? undefined,
      );

      const confirm = await request(env.t.app).post(`/api/orders/${order.id}/payment/confirm`).set(auth).expect(409);
      expect(confirm.body.error).toMatchObject({ code: 'ILLEGAL_STATE', message: expect.stringMatching(CONFIRMING) });
      const patch = await request(env.t.app).patch(`/api/orders/${order.id}`).set(auth).send({ status: 'PAID' }).expect(409);
      expect(patch.body.error.message).toMatch(CONFIRMING);
      const marked = await panel.get(`/resources/Order/records/${order.id}/markAsPaid`);
      expect(marked.body.notice).toMatchObject({ type: 'error', message: expect.stringMatching(CONFIRMING) });
      expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');

      env.btcpay.confirm(invoiceId);
      await env.btcpay.idle();
      const paid = await waitFor('the order to be paid by the Bitcoin', async () => {
        const o = await db.order.findUniqueOrThrow({ where: { id: order.id } });
        return o.status === 'PAID' ? o : undefined;
      });
      expect(paid.amountReceivedCents).toBe(4250);
      const checkout = await db.paymentCheckout.findFirstOrThrow({ where: { providerCheckoutId: invoiceId } });
      expect(checkout).toMatchObject({ state: 'PAID', unappliedAction: null });
      expect([...env.btcpay.pullPayments.values()].filter((p) => p.invoiceId === invoiceId)).toHaveLength(0);
    } finally {
      env.btcpay.autoConfirm = true;
    }
  });
});

describe('recording a part received by hand while the Bitcoin payment is confirming', () => {
  it('is refused through the REST API and the panel, and the Bitcoin pays the order in full (nothing refunded)', async () => {
    const { order, invoiceId, auth, panel } = await openInvoice();
    env.btcpay.autoConfirm = false;
    try {
      await env.btcpay.pay(invoiceId); // BTCPay: Processing (waiting for confirmations)
      await env.btcpay.idle();
      await waitFor(
        'the checkout to be PENDING',
        async () => (await db.paymentCheckout.findFirst({ where: { providerCheckoutId: invoiceId, state: 'PENDING' } })) ?? undefined,
      );

      // Accepted, this part made the $42.50 invoice more than was owed when it settled: all of it was refunded.
      const api = await request(env.t.app)
        .post(`/api/orders/${order.id}/payment/receipts`)
        .set(auth)
        .send({ amountCents: 2000 })
        .expect(409);
      expect(api.body.error).toMatchObject({
        code: 'ILLEGAL_STATE',
        message: expect.stringMatching(new RegExp(`${CONFIRMING.source}.*if it fails instead, record the money received then`)),
      });
      const form = await panel.post(`/resources/Order/records/${order.id}/recordReceipt`).send({ amount: '20.00', note: 'Venmo' });
      expect(form.body.notice).toMatchObject({ type: 'error', message: expect.stringMatching(CONFIRMING) });
      expect(await db.paymentReceipt.count({ where: { orderId: order.id } })).toBe(0);
      expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).amountReceivedCents).toBe(0);

      env.btcpay.confirm(invoiceId);
      await env.btcpay.idle();
      const paid = await waitFor('the order to be paid by the Bitcoin', async () => {
        const o = await db.order.findUniqueOrThrow({ where: { id: order.id } });
        return o.status === 'PAID' ? o : undefined;
      });
      expect(paid.amountReceivedCents).toBe(4250);
      expect(await db.paymentCheckout.findFirstOrThrow({ where: { providerCheckoutId: invoiceId } })).toMatchObject({
        state: 'PAID',
        unappliedAction: null,
      });
      expect([...env.btcpay.pullPayments.values()].filter((p) => p.invoiceId === invoiceId)).toHaveLength(0);

      // Once paid, money received by hand is recorded as extra (to return), as on any paid order.
      const extra = await request(env.t.app).post(`/api/orders/${order.id}/payment/receipts`).set(auth).send({ amountCents: 2000 });
      expect(extra.status).toBe(201);
      expect(extra.body).toMatchObject({ overpaidCents: 2000 });
    } finally {
      env.btcpay.autoConfirm = true;
    }
  });
});

describe('recording a part received by hand while the Bitcoin invoice is open (nothing paid on it yet)', () => {
  it('closes that invoice at BTCPay; the next "Pay with Bitcoin" asks for the rest, which pays the order (nothing refunded)', async () => {
    const { order, invoiceId, auth, invoicePath } = await openInvoice();
    const part = await request(env.t.app).post(`/api/orders/${order.id}/payment/receipts`).set(auth).send({ amountCents: 2000 });
    expect(part.status).toBe(201);
    // The open invoice asked for $42.50, no longer what is owed: it is closed before the customer pays it.
    await waitFor(
      'the $42.50 invoice voided',
      async () => (await db.paymentCheckout.findFirst({ where: { providerCheckoutId: invoiceId, state: 'VOIDED' } })) ?? undefined,
    );
    expect(env.btcpay.invoices.get(invoiceId)!.status).toBe('Invalid');

    const again = await request(env.t.app).post(`${invoicePath}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303);
    const rest = /\/i\/([^/?]+)$/.exec(String(again.headers.location))![1]!;
    expect(rest).not.toBe(invoiceId);
    expect(await db.paymentCheckout.findFirstOrThrow({ where: { providerCheckoutId: rest } })).toMatchObject({ amountCents: 2250 });
    await env.btcpay.pay(rest);
    await env.btcpay.idle();
    const paid = await waitFor('the order to be paid', async () => {
      const o = await db.order.findUniqueOrThrow({ where: { id: order.id } });
      return o.status === 'PAID' ? o : undefined;
    });
    expect(paid.amountReceivedCents).toBe(4250);
    expect([...env.btcpay.pullPayments.values()].filter((p) => p.invoiceId === rest || p.invoiceId === invoiceId)).toHaveLength(0);
  });
});

describe('deleting an order whose Bitcoin invoice is open', () => {
  it('is refused until the order is cancelled (which closes the invoice at BTCPay)', async () => {
    const { order, invoiceId, panel } = await openInvoice();
    const refused = await panel.post(`/resources/Order/records/${order.id}/delete`);
    expect(refused.body.notice).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/cannot be deleted yet\. The customer can still pay this order at BTCPay.*Cancel the order first/),
    });
    expect(await db.order.count({ where: { id: order.id } })).toBe(1);

    await panel.get(`/resources/Order/records/${order.id}/cancelOrder`);
    await waitFor(
      'the invoice to be closed',
      async () => (await db.paymentCheckout.findFirst({ where: { providerCheckoutId: invoiceId, state: 'VOIDED' } })) ?? undefined,
    );
    expect(env.btcpay.invoices.get(invoiceId)!.status).toBe('Invalid');
    const deleted = await panel.post(`/resources/Order/records/${order.id}/delete`);
    expect(deleted.body.notice.message).toMatch(/was deleted/);
    expect(await db.order.count({ where: { id: order.id } })).toBe(0);
  });

  it('is refused while a payment that could not pay the order is being refunded', async () => {
    const { tenant, order, invoiceId, panel } = await openInvoice();
    await env.t.services.orderAdmin.cancel(adminCtx(tenant.id), order.id, {});
    // BTCPay is busy for a while: the refund of what the wallet still paid waits for a retry.
    env.btcpay.fail(/refund$/, 503, 1);
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    await waitFor(
      'the payment to be unapplied',
      async () =>
        (await db.paymentCheckout.findFirst({ where: { providerCheckoutId: invoiceId, unappliedAction: 'REFUND_PENDING' } })) ?? undefined,
    );
    const refused = await panel.post(`/resources/Order/records/${order.id}/delete`);
    expect(refused.body.notice).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/\$42\.50 that arrived at BTCPay .* is still being refunded/),
    });
    expect(await db.order.count({ where: { id: order.id } })).toBe(1);
    await waitFor('the refund to go out', async () => [...env.btcpay.pullPayments.values()].find((p) => p.invoiceId === invoiceId), {
      timeoutMs: 20_000,
    });
  });
});

describe('disconnecting BTCPay while an invoice on it is open', () => {
  it('is refused in Settings -> Payments with how many orders and what to do; the payment still reaches the order', async () => {
    const { order, invoiceId, panel } = await openInvoice();
    const res = await panel.post('/resources/PaymentConnection/actions/list').send({ op: 'disconnect', provider: 'BTCPAY' });
    expect(res.body.payments.result).toMatchObject({
      ok: false,
      message: expect.stringMatching(/cannot be disconnected while 1 order has a checkout open on it.*Cancel that order/),
    });
    expect(res.body.payments.connections[0]).toMatchObject({ provider: 'BTCPAY', status: 'CONNECTED' });
    await env.btcpay.pay(invoiceId);
    await env.btcpay.idle();
    await waitFor('the order to be paid', async () => (await db.order.findFirst({ where: { id: order.id, status: 'PAID' } })) ?? undefined);
  });
});
