// PayPal webhooks and the checkout ledger against the fake PayPal over real HTTP (its events signed as
// PayPal signs them): forged, replayed, out-of-order and unknown-checkout events; underpayment; a payment
// after an edit, after a cancel, and two checkouts both paid; a lost webhook recovered by reconciliation
// (the clock moved, no sleeping). Each ends with our ledger equal to PayPal's record.
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { MovableClock } from './invoice-fixtures.js';
import { usePayPalApp } from './paypal-fixtures.js';

const clock = new MovableClock();
const db = testDb();
const { env, payPalOrder, startCheckout, lastEvent, about, postWebhook: post } = usePayPalApp(clock);

const shopWithOrder = () => payPalOrder({ paymentStatus: 'pending' });

/** Our ledger row equals what PayPal has: captured amount and id, and what was refunded of it. */
async function expectLedgerMatchesPayPal(checkoutId: string, expected: { refundedCents?: number } = {}) {
  const c = await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkoutId } });
  const order = env.paypal.orders.get(c.providerCheckoutId!)!;
  const capture = order.captures.at(-1);
  if (!capture) {
    expect(c.state).not.toBe('PAID');
    return c;
  }
  expect(c).toMatchObject({ state: 'PAID', paymentReference: capture.id, paidAmountCents: Math.round(Number(capture.amount.value) * 100) });
  expect(env.paypal.refundedCents(capture.id)).toBe(expected.refundedCents ?? 0);
  return c;
}

describe('PayPal webhooks', () => {
  it('a paid checkout arrives by webhook only (the buyer never came back): PAID once; a replay changes nothing', async () => {
    const { tenant, order, path, connectionId } = await shopWithOrder();
    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.approve(paypalOrderId); // CHECKOUT.ORDER.APPROVED -> we capture -> PAYMENT.CAPTURE.COMPLETED
    await env.paypal.settle();
    await env.paypal.settle();
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    await expectLedgerMatchesPayPal(checkout.id);

    const completed = lastEvent('PAYMENT.CAPTURE.COMPLETED', about(paypalOrderId));
    const again = await env.paypal.redeliver(completed.eventId);
    expect(again).toBe(200);
    const res = await post(completed, connectionId).expect(200);
    expect(res.body.outcome).toBe('duplicate');
    const confirmed = (await env.t.services.audit.listFor(tenant.id, 'Order', order.id)).filter((e) => e.action === 'payment.confirmed');
    expect(confirmed).toHaveLength(1);
    expect(await db.providerWebhookEvent.count({ where: { eventId: completed.eventId } })).toBe(1);
  });

  it('refuses forged events (tampered body, wrong key, foreign cert URL, missing headers) with 401 and records nothing', async () => {
    const { order, path, connectionId, clientId } = await shopWithOrder();
    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.dropWebhooks = true;
    try {
      env.paypal.approve(paypalOrderId);
      env.paypal.capture(paypalOrderId);
    } finally {
      env.paypal.dropWebhooks = false;
    }
    const real = lastEvent('PAYMENT.CAPTURE.COMPLETED', about(paypalOrderId));
    const tampered = real.body.replace('"value":"42.50"', '"value":"4250.00"');
    expect(tampered).not.toBe(real.body);
    await post(real, connectionId, tampered).expect(401);
    // Re-serialised (same JSON, other bytes): the signature covers the raw bytes.
    await post(real, connectionId, JSON.stringify(JSON.parse(real.body), null, 1)).expect(401);
    await post(real, connectionId, real.body, {
      ...real.headers,
      'paypal-cert-url': 'https://evil.example/v1/notifications/certs/CERT-1',
    }).expect(401);
    await post(real, connectionId, real.body, {
      ...real.headers,
      'paypal-transmission-sig': Buffer.from('nope').toString('base64'),
    }).expect(401);
    const { 'paypal-transmission-sig': _dropped, ...noSig } = real.headers;
    await post(real, connectionId, real.body, noSig).expect(401);
    // Signed for another webhook id (another shop's app): not valid for this connection.
    const other = await shopWithOrder();
    await post(real, other.connectionId).expect(401);
    expect(clientId).toBeTruthy();
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    expect(await db.providerWebhookEvent.count({ where: { eventId: real.eventId } })).toBe(0);
    // The genuine event is then applied.
    await post(real, connectionId).expect(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    await expectLedgerMatchesPayPal(checkout.id);
  });

  it('answers 200 to a payment we did not start (PayPal stops retrying); refuses one of our orders no checkout holds yet (404, retried) and an unknown connection; unknown types answer 200', async () => {
    const { order, path, connectionId, clientId } = await shopWithOrder();
    const capture = (id: string, customId: string | undefined, paypalOrderId: string) =>
      env.paypal.signedEvent(clientId, 'PAYMENT.CAPTURE.COMPLETED', 'capture', {
        id,
        status: 'COMPLETED',
        amount: { currency_code: 'USD', value: '42.50' },
        ...(customId ? { custom_id: customId, invoice_id: customId } : {}),
        supplementary_data: { related_ids: { order_id: paypalOrderId } },
      });
    const warn = vi.spyOn(env.t.services.logger, 'warn');
    // Sold elsewhere with the same PayPal account: no custom_id, another system's, or an order id of ours this shop never opened a checkout for.
    for (const foreign of [
      capture('CAPTURENOTOURS01', undefined, 'NOTOURORDER00001'),
      capture('CAPTURENOTOURS02', 'INV-2024-0042', 'NOTOURORDER00002'),
      capture('CAPTURENOTOURS03', 'ord_0123456789abcdef0123456789abcdef', 'NOTOURORDER00003'),
    ]) {
      const res = await post(foreign, connectionId).expect(200);
      expect(res.body.outcome).toBe('not_ours');
      expect(await db.providerWebhookEvent.count({ where: { eventId: foreign.eventId } })).toBe(0);
    }
    // Only the id of ours that no order here has is said loudly (a restore to an earlier backup leaves such money
    // at PayPal with no order; operating.md, "Backing up and restoring"); another shop's existing order is quiet.
    const loud = () => warn.mock.calls.filter(([, msg]) => typeof msg === 'string' && msg.includes('does not hold'));
    expect(loud().map(([fields]) => (fields as { orderId?: string }).orderId)).toEqual(['ord_0123456789abcdef0123456789abcdef']);
    const other = await shopWithOrder();
    expect((await post(capture('CAPTURENOTOURS04', other.order.id, 'NOTOURORDER00004'), connectionId).expect(200)).body.outcome).toBe(
      'not_ours',
    );
    expect(loud()).toHaveLength(1);
    warn.mockRestore();
    await post(capture('CAPTURENOTOURS01', undefined, 'NOTOURORDER00001'), 'pcn_doesnotexist').expect(404);
    // Our order, with a checkout on this connection, but no checkout bound to this PayPal order (yet): sent again later.
    await startCheckout(path);
    const early = capture('CAPTUREOURS00001', order.id, 'OURSNOTBOUND0001');
    const res = await post(early, connectionId).expect(404);
    expect(res.body.error.message).toMatch(/No checkout of this shop holds this payment yet/);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    const dispute = env.paypal.signedEvent(clientId, 'CUSTOMER.DISPUTE.CREATED', 'dispute', { dispute_id: 'PP-D-1' });
    expect((await post(dispute, connectionId).expect(200)).body.outcome).toBe('ignored');
    expect((await post(dispute, connectionId).expect(200)).body.outcome).toBe('duplicate');
  });

  it('out of order: COMPLETED, then APPROVED, then PENDING: paid once, never downgraded', async () => {
    const { order, path, connectionId, clientId } = await shopWithOrder();
    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.dropWebhooks = true;
    let captureId: string;
    try {
      env.paypal.approve(paypalOrderId);
      captureId = env.paypal.capture(paypalOrderId);
    } finally {
      env.paypal.dropWebhooks = false;
    }
    const approved = lastEvent('CHECKOUT.ORDER.APPROVED', about(paypalOrderId));
    const completed = lastEvent('PAYMENT.CAPTURE.COMPLETED', about(paypalOrderId));
    const pending = env.paypal.signedEvent(clientId, 'PAYMENT.CAPTURE.PENDING', 'capture', {
      ...JSON.parse(completed.body).resource,
      status: 'PENDING',
      status_details: { reason: 'ECHECK' },
    });
    await post(completed, connectionId).expect(200);
    await post(approved, connectionId).expect(200);
    await post(pending, connectionId).expect(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    const c = await expectLedgerMatchesPayPal(checkout.id);
    expect(c.paymentReference).toBe(captureId!);
    // APPROVED after the capture did not capture again.
    expect(env.paypal.requests.filter((r) => r.path === `/v2/checkout/orders/${paypalOrderId}/capture`)).toHaveLength(0);
  });

  it('a PENDING capture (eCheck) waits; PAYMENT.CAPTURE.COMPLETED later marks it PAID', async () => {
    const { order, path, link } = await shopWithOrder();
    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.dropWebhooks = true;
    const back = new URL(env.paypal.approve(paypalOrderId, 'echeck'));
    env.paypal.dropWebhooks = false;
    const res = await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(res.headers.location).toBe(`${new URL(link.url).pathname}?checkout=pending`);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ state: 'PENDING' });
    env.paypal.clearPendingCapture(env.paypal.orders.get(paypalOrderId)!.captures[0]!.id);
    await env.paypal.settle();
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    await expectLedgerMatchesPayPal(checkout.id);
  });
});

describe('a part recorded by the shop before the customer pays online', () => {
  it('the page and PayPal ask for the rest only; paying it pays the order with nothing over', async () => {
    const { tenant, order, path } = await shopWithOrder();
    // The customer sent $10.00 by Venmo first; an admin recorded it.
    await env.t.services.payments.recordReceipt(adminCtx(tenant.id), { orderId: order.id }, { amountCents: 1000, note: 'venmo' });
    const page = await request(env.t.app).get(path).expect(200);
    expect(page.text).toContain('Pay $32.50');
    expect(page.text).toContain('$10.00 of $42.50 already received: this is the rest.');

    const { paypalOrderId, checkout } = await startCheckout(path);
    expect(checkout.amountCents).toBe(3250);
    expect(env.paypal.orders.get(paypalOrderId)!.purchaseUnit.amount.value).toBe('32.50');
    const back = new URL(env.paypal.approve(paypalOrderId));
    const res = await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(res.headers.location).toMatch(/checkout=paid$/);
    const paid = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { receipts: { orderBy: { createdAt: 'asc' } } } });
    expect(paid).toMatchObject({ status: 'PAID', amountReceivedCents: 4250 });
    expect(paid.receipts.map((r) => r.amountCents)).toEqual([1000, 3250]);
    const c = await expectLedgerMatchesPayPal(checkout.id);
    expect(c.unappliedAction).toBeNull();
  });
});

describe('a yen shop (JPY has no minor unit; PayPal refuses decimals in it)', () => {
  it('PayPal is asked for the ¥3,250 still owed as "3250", and paying it pays the ¥4,250 order', async () => {
    const { tenant, order, path } = await payPalOrder({ paymentStatus: 'pending', tenant: { currency: 'JPY' } });
    await db.order.update({ where: { id: order.id }, data: { currency: 'JPY' } });
    await env.t.services.payments.recordReceipt(adminCtx(tenant.id), { orderId: order.id }, { amountCents: 1000, note: 'cash' });

    const { paypalOrderId, checkout } = await startCheckout(path);
    expect(env.paypal.orders.get(paypalOrderId)!.purchaseUnit.amount).toEqual({ currency_code: 'JPY', value: '3250' });
    const back = new URL(env.paypal.approve(paypalOrderId));
    await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 4250 });
    expect(await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({
      state: 'PAID',
      paidAmountCents: 3250,
      unappliedAction: null,
    });
  });
});

describe('money that cannot pay the order is refunded, never dropped', () => {
  it('underpayment never marks the order PAID: the capture is refunded through PayPal and flagged', async () => {
    const { tenant, order, path } = await shopWithOrder();
    const { paypalOrderId, checkout } = await startCheckout(path);
    // PayPal captured less than the order total (as if the amount were changed on PayPal's side).
    env.paypal.orders.get(paypalOrderId)!.purchaseUnit.amount.value = '10.00';
    const back = new URL(env.paypal.approve(paypalOrderId));
    const res = await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
    expect(res.headers.location).toMatch(/checkout=changed$/);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    await waitFor(
      'the automatic refund',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).unappliedAction === 'REFUND_SENT',
    );
    const c = await expectLedgerMatchesPayPal(checkout.id, { refundedCents: 1000 });
    expect(c.unappliedReason).toMatch(/underpaid: \$10\.00 of \$42\.50/);
    const actions = (await env.t.services.audit.listFor(tenant.id, 'Order', order.id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['payment.unapplied', 'payment.unapplied_refunded']));
    expect(actions).not.toContain('payment.confirmed');
  });

  it('a checkout made before the order was edited is voided; approving it captures nothing; money that still arrives is refunded', async () => {
    const { order, path } = await shopWithOrder();
    const stale = await startCheckout(path);
    const raced = await startCheckout(path);
    // The money of `raced` is captured at PayPal before the edit reaches it (its webhook is held back).
    env.paypal.dropWebhooks = true;
    env.paypal.approve(raced.paypalOrderId);
    env.paypal.capture(raced.paypalOrderId);
    env.paypal.dropWebhooks = false;
    // An admin edits the order (new total): the version moves and the open checkouts are voided.
    await db.order.update({ where: { id: order.id }, data: { totalCents: 5000, subtotalCents: 5000 } });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).version).toBe(2);
    await waitFor(
      'the stale checkout voided',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: stale.checkout.id } })).state === 'VOIDED',
    );

    // The buyer approves the voided checkout and comes back: told the order changed; PayPal captured nothing.
    const back = new URL(env.paypal.approve(stale.paypalOrderId));
    expect((await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303)).headers.location).toMatch(/checkout=changed$/);
    expect(env.paypal.orders.get(stale.paypalOrderId)!.captures).toEqual([]);
    await expectLedgerMatchesPayPal(stale.checkout.id);

    // The raced capture's webhook finally arrives: refunded in full, the order stays unpaid at its new total.
    await post(
      lastEvent('PAYMENT.CAPTURE.COMPLETED', about(raced.paypalOrderId)),
      (await db.paymentCheckout.findUniqueOrThrow({ where: { id: raced.checkout.id } })).connectionId,
    ).expect(200);
    await waitFor(
      'the refund of the raced payment',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: raced.checkout.id } })).unappliedAction === 'REFUND_SENT',
    );
    await expectLedgerMatchesPayPal(raced.checkout.id, { refundedCents: 4250 });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });

  it('a payment arriving after the order was cancelled is refunded automatically', async () => {
    const { tenant, order, path, connectionId } = await shopWithOrder();
    const { paypalOrderId, checkout } = await startCheckout(path);
    env.paypal.dropWebhooks = true;
    env.paypal.approve(paypalOrderId);
    env.paypal.capture(paypalOrderId);
    env.paypal.dropWebhooks = false;
    await env.t.services.orderAdmin.cancel(adminCtx(tenant.id), order.id, { note: 'Out of stock' });
    await post(lastEvent('PAYMENT.CAPTURE.COMPLETED', about(paypalOrderId)), connectionId).expect(200);
    await waitFor(
      'the refund',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: checkout.id } })).unappliedAction === 'REFUND_SENT',
    );
    await expectLedgerMatchesPayPal(checkout.id, { refundedCents: 4250 });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
  });

  it('two checkouts both paid: the first pays the order, the second is refunded', async () => {
    const { order, path, connectionId } = await shopWithOrder();
    const a = await startCheckout(path);
    const b = await startCheckout(path);
    env.paypal.dropWebhooks = true;
    for (const x of [a, b]) {
      env.paypal.approve(x.paypalOrderId);
      env.paypal.capture(x.paypalOrderId);
    }
    env.paypal.dropWebhooks = false;
    await post(lastEvent('PAYMENT.CAPTURE.COMPLETED', about(a.paypalOrderId)), connectionId).expect(200);
    await post(lastEvent('PAYMENT.CAPTURE.COMPLETED', about(b.paypalOrderId)), connectionId).expect(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    await waitFor(
      'the second payment refunded',
      async () => (await db.paymentCheckout.findUniqueOrThrow({ where: { id: b.checkout.id } })).unappliedAction === 'REFUND_SENT',
    );
    await expectLedgerMatchesPayPal(a.checkout.id, { refundedCents: 0 });
    await expectLedgerMatchesPayPal(b.checkout.id, { refundedCents: 4250 });
    const payments = await db.payment.findMany({ where: { orderId: order.id, status: 'paid' } });
    expect(payments).toHaveLength(1);
  });
});

describe('reconciliation', () => {
  it('recovers a payment whose webhooks were lost and whose buyer never came back (clock moved, no sleeping)', async () => {
    const { order, path } = await shopWithOrder();
    const approvedOnly = await startCheckout(path);
    const captured = await shopWithOrder().then(async (s) => ({ s, ...(await startCheckout(s.path)) }));
    env.paypal.dropWebhooks = true;
    env.paypal.approve(approvedOnly.paypalOrderId);
    env.paypal.approve(captured.paypalOrderId);
    env.paypal.capture(captured.paypalOrderId);
    env.paypal.dropWebhooks = false;

    // Too young: left alone.
    expect((await env.t.services.checkouts.reconcile(5)).checked).toBe(0);
    clock.advance(6 * 60);
    try {
      const run = await env.t.services.checkouts.reconcile(5);
      expect(run.errors).toBe(0);
      expect(run.changed).toBeGreaterThanOrEqual(2);
    } finally {
      clock.advance(-6 * 60);
    }
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    expect((await db.order.findUniqueOrThrow({ where: { id: captured.s.order.id } })).status).toBe('PAID');
    await expectLedgerMatchesPayPal(approvedOnly.checkout.id);
    await expectLedgerMatchesPayPal(captured.checkout.id);
  });
});

// A refund made in the PayPal dashboard, outside Ledgerline: paypal-dashboard-refund.test.ts.
