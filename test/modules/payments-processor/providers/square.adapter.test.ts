// The Square (Cash App Pay) adapter against the local fake Square over real HTTP: connection test, charge with
// Square's sandbox Cash App tokens, idempotency, errors, webhook signatures, refunds PENDING -> COMPLETED.
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeSquare, SQUARE_TEST_TOKENS } from '../../../../src/dev/fakes/fake-square.js';
import { AppError } from '../../../../src/platform/errors.js';
import { ProviderRejectedError, type SquareConnection } from '../../../../src/modules/payments-processor/providers/provider.port.js';
import { SquareAdapter } from '../../../../src/modules/payments-processor/providers/square/square.adapter.js';
import { WebhookSink } from './webhook-sink.js';

const SIGNATURE_KEY = 'square-signature-key-for-tests';

describe('Square adapter (Cash App Pay) against the fake Square', () => {
  let fake: FakeSquare;
  let sink: WebhookSink;
  let conn: SquareConnection;
  const adapter = new SquareAdapter({ timeoutMs: 5_000 });

  beforeAll(async () => {
    sink = await new WebhookSink().start('/api/webhooks/square/shop-1');
  });
  afterAll(async () => {
    await sink.stop();
  });

  beforeEach(async () => {
    sink.received.length = 0;
    fake = await new FakeSquare({
      merchants: [
        {
          merchantId: 'MLTESTMERCHANT',
          accessToken: 'EAAAl-test-token',
          applicationId: 'sandbox-sq0idb-test',
          locations: [
            { id: 'LTEST', name: 'Test Shop', country: 'US', currency: 'USD' },
            { id: 'LCLOSED', name: 'Old Shop', status: 'INACTIVE' },
          ],
          webhook: { notificationUrl: sink.url, signatureKey: SIGNATURE_KEY },
        },
      ],
    }).start();
    conn = {
      provider: 'SQUARE',
      apiBaseUrl: fake.url,
      webPaymentsSdkUrl: fake.sdkUrl,
      environment: 'sandbox',
      accessToken: 'EAAAl-test-token',
      locationId: 'LTEST',
      applicationId: 'sandbox-sq0idb-test',
      webhookSignatureKey: SIGNATURE_KEY,
    };
  });
  afterEach(async () => {
    await fake.stop();
  });

  const chargeInput = (over: Partial<{ sourceToken: string; amountCents: number; idempotencyKey: string }> = {}) => ({
    sourceToken: SQUARE_TEST_TOKENS.ok,
    amountCents: 1234,
    currency: 'USD',
    idempotencyKey: 'chk_test_0001',
    orderId: 'order_abc',
    note: 'Test Shop order #1001',
    ...over,
  });

  describe('testConnection', () => {
    it('names the location it reached', async () => {
      const r = await adapter.testConnection(conn);
      expect(r).toEqual({ ok: true, message: expect.stringContaining('"Test Shop" (LTEST, US, USD)') });
    });

    it('says in words that Square refused a wrong access token, without the token', async () => {
      const r = await adapter.testConnection({ ...conn, accessToken: 'EAAAl-wrong' });
      expect(r.ok).toBe(false);
      expect(r.message).toContain('401 AUTHENTICATION_ERROR/UNAUTHORIZED');
      expect(r.message).not.toContain('EAAAl-wrong');
    });

    it('reports an unknown location and an inactive one', async () => {
      expect(await adapter.testConnection({ ...conn, locationId: 'LNOPE' })).toEqual({
        ok: false,
        message: expect.stringContaining('no location LNOPE'),
      });
      expect(await adapter.testConnection({ ...conn, locationId: 'LCLOSED' })).toEqual({
        ok: false,
        message: expect.stringContaining('INACTIVE'),
      });
    });

    it('reports a server it cannot reach', async () => {
      const url = fake.url;
      await fake.stop();
      const r = await adapter.testConnection({ ...conn, apiBaseUrl: url });
      expect(r).toEqual({ ok: false, message: expect.stringContaining(`Could not reach Square at ${url}`) });
      fake = await new FakeSquare().start();
    });
  });

  it('createCheckout makes no call: the checkout is named by our idempotency key until the buyer tokenizes', async () => {
    const c = await adapter.createCheckout(conn, {
      orderId: 'order_abc',
      orderNumber: 1001,
      amountCents: 1234,
      currency: 'USD',
      returnUrl: 'http://x/r',
      cancelUrl: 'http://x/c',
      idempotencyKey: 'chk_test_0001',
      description: 'Test Shop order #1001',
    });
    expect(c).toMatchObject({ providerCheckoutId: 'chk_test_0001', state: 'OPEN', redirectUrl: null });
    expect(fake.calls).toHaveLength(0);
  });

  describe('charge', () => {
    it('charges the Cash App token: a completed WALLET payment carrying our order id', async () => {
      const s = await adapter.charge(conn, chargeInput());
      expect(s).toMatchObject({
        state: 'PAID',
        paidAmountCents: 1234,
        currency: 'USD',
        orderId: 'order_abc',
        providerStatus: 'COMPLETED (WALLET)',
      });
      expect(s.paymentReference).toBe(s.providerCheckoutId);
      const sent = fake.calls.find((c) => c.path === '/v2/payments')!;
      expect(sent.authorization).toBe('Bearer EAAAl-test-token');
      expect(sent.body).toMatchObject({
        source_id: 'wnon:cash-app-ok',
        idempotency_key: 'chk_test_0001',
        amount_money: { amount: 1234, currency: 'USD' },
        location_id: 'LTEST',
        reference_id: 'order_abc',
        autocomplete: true,
      });
    });

    it('is idempotent: the same key charges once and answers the same payment', async () => {
      const a = await adapter.charge(conn, chargeInput());
      const b = await adapter.charge(conn, chargeInput());
      expect(b.providerCheckoutId).toBe(a.providerCheckoutId);
      expect(fake.payments.size).toBe(1);
    });

    it('a reused key with another amount is refused (IDEMPOTENCY_KEY_REUSED)', async () => {
      await adapter.charge(conn, chargeInput());
      await expect(adapter.charge(conn, chargeInput({ amountCents: 999 }))).rejects.toMatchObject({
        name: 'ProviderRejectedError',
        providerCode: 'INVALID_REQUEST_ERROR/IDEMPOTENCY_KEY_REUSED',
      });
    });

    it("a declined Cash App payment is a refusal with Square's reason", async () => {
      const err = await adapter.charge(conn, chargeInput({ sourceToken: SQUARE_TEST_TOKENS.declined })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderRejectedError);
      expect(err).toMatchObject({ httpStatus: 400, providerCode: 'PAYMENT_METHOD_ERROR/GENERIC_DECLINE' });
    });

    it('a wrong access token and a 5xx are UPSTREAM_UNAVAILABLE (retryable), with no secret in the error', async () => {
      const bad = await adapter.charge({ ...conn, accessToken: 'EAAAl-wrong' }, chargeInput()).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(AppError);
      expect(bad).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(JSON.stringify({ m: (bad as AppError).message, d: (bad as AppError).details })).not.toContain('EAAAl-wrong');
      fake.fail(/^\/v2\/payments$/, 503);
      await expect(adapter.charge(conn, chargeInput())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    });
  });

  describe('getCheckout and voidCheckout', () => {
    it('reads a payment back; a checkout with no payment yet is OPEN', async () => {
      const paid = await adapter.charge(conn, chargeInput());
      expect(await adapter.getCheckout(conn, paid.providerCheckoutId)).toMatchObject({
        state: 'PAID',
        paidAmountCents: 1234,
        orderId: 'order_abc',
      });
      expect(await adapter.getCheckout(conn, 'chk_never_charged')).toMatchObject({ state: 'OPEN', providerStatus: 'NO_PAYMENT' });
    });

    it('lists the payments made for an order (ListPayments, page by page), oldest first, none for another order or before `since`', async () => {
      const since = new Date();
      const mine = await adapter.charge(conn, chargeInput({ idempotencyKey: 'k-1' }));
      await adapter.charge(conn, chargeInput({ idempotencyKey: 'k-2', amountCents: 99 }));
      for (let i = 0; i < 3; i++) await adapter.charge(conn, { ...chargeInput({ idempotencyKey: `other-${i}` }), orderId: 'order_other' });
      const found = await adapter.paymentsForOrder(conn, { orderId: 'order_abc', since, limit: 500 });
      expect(found.map((p) => [p.paidAmountCents, p.orderId, p.state])).toEqual([
        [1234, 'order_abc', 'PAID'],
        [99, 'order_abc', 'PAID'],
      ]);
      expect(found[0]!.providerCheckoutId).toBe(mine.providerCheckoutId);
      expect(await adapter.paymentsForOrder(conn, { orderId: 'order_none', since, limit: 500 })).toEqual([]);
      expect(await adapter.paymentsForOrder(conn, { orderId: 'order_abc', since: new Date(Date.now() + 3_600_000), limit: 500 })).toEqual(
        [],
      );
      // Square's wire format: RFC 3339 begin_time, the connection's location, ASC; pages follow the cursor.
      const res = await fetch(`${fake.url}/v2/payments?limit=2&sort_order=ASC&location_id=LTEST`, {
        headers: { authorization: 'Bearer EAAAl-test-token' },
      });
      const page = (await res.json()) as { payments: unknown[]; cursor?: string };
      expect(page.payments).toHaveLength(2);
      expect(page.cursor).toEqual(expect.any(String));
      const bad = await fetch(`${fake.url}/v2/payments?begin_time=yesterday`, { headers: { authorization: 'Bearer EAAAl-test-token' } });
      expect(bad.status).toBe(400);
      expect(
        await fetch(`${fake.url}/v2/payments?location_id=LCLOSED`, { headers: { authorization: 'Bearer EAAAl-test-token' } }).then((r) =>
          r.json(),
        ),
      ).toEqual({});
    });

    it('voiding before a charge calls nothing that changes state; a completed payment is left for the core to refund', async () => {
      await adapter.voidCheckout(conn, 'chk_never_charged');
      const paid = await adapter.charge(conn, chargeInput());
      await adapter.voidCheckout(conn, paid.providerCheckoutId);
      expect(fake.calls.filter((c) => c.path.endsWith('/cancel'))).toHaveLength(0);
      expect(fake.payments.get(paid.providerCheckoutId)!.json.status).toBe('COMPLETED');
    });

    it('an APPROVED payment is cancelled', async () => {
      const paid = await adapter.charge(conn, chargeInput());
      fake.payments.get(paid.providerCheckoutId)!.json.status = 'APPROVED';
      await adapter.voidCheckout(conn, paid.providerCheckoutId);
      expect(fake.payments.get(paid.providerCheckoutId)!.json.status).toBe('CANCELED');
    });
  });

  describe('webhooks', () => {
    it('verifies payment.created/updated from the raw bytes and maps them to the paid checkout', async () => {
      const paid = await adapter.charge(conn, chargeInput());
      await fake.idle();
      expect(sink.received.map((w) => w.json.type)).toEqual(['payment.created', 'payment.updated']);
      for (const w of sink.received) {
        const ev = await adapter.verifyWebhook(conn, sink.asRequest(w));
        expect(ev).toMatchObject({
          eventId: w.json.event_id,
          type: w.json.type,
          checkout: { providerCheckoutId: paid.providerCheckoutId, state: 'PAID', paidAmountCents: 1234, orderId: 'order_abc' },
        });
      }
    });

    it('refuses a forged body, a wrong notification URL, a wrong key and a missing header', async () => {
      await adapter.charge(conn, chargeInput());
      await fake.idle();
      const w = sink.received[0]!;
      const forged = Buffer.from(w.rawBody.toString('utf8').replace('"amount":1234', '"amount":1'));
      await expect(adapter.verifyWebhook(conn, { ...sink.asRequest(w), rawBody: forged })).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
      await expect(adapter.verifyWebhook(conn, sink.asRequest(w, `${sink.url}/`))).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
      await expect(adapter.verifyWebhook({ ...conn, webhookSignatureKey: 'other-key' }, sink.asRequest(w))).rejects.toMatchObject({
        code: 'BAD_SIGNATURE',
      });
      const noHeader = sink.asRequest(w);
      delete noHeader.headers['x-square-hmacsha256-signature'];
      await expect(adapter.verifyWebhook(conn, noHeader)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
      // Re-serialising the JSON (as a body parser would) breaks the signature: only the raw bytes verify.
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(w.rawBody.toString('utf8')), null, 1));
      await expect(adapter.verifyWebhook(conn, { ...sink.asRequest(w), rawBody: reserialised })).rejects.toMatchObject({
        code: 'BAD_SIGNATURE',
      });
    });

    it('a replayed notification verifies to the same event id, which is what the core de-duplicates on', async () => {
      await adapter.charge(conn, chargeInput());
      await fake.idle();
      const w = sink.received[0]!;
      const first = await adapter.verifyWebhook(conn, sink.asRequest(w));
      const again = await adapter.verifyWebhook(conn, sink.asRequest(w));
      expect(again.eventId).toBe(first.eventId);
    });

    it('event types we do not act on verify and come back without a checkout', async () => {
      const body = Buffer.from(
        JSON.stringify({
          merchant_id: 'MLTESTMERCHANT',
          type: 'dispute.created',
          event_id: 'ev-1',
          data: { type: 'dispute', id: 'd1', object: {} },
        }),
      );
      const sig = createHmac('sha256', SIGNATURE_KEY)
        .update(sink.url + body.toString('utf8'))
        .digest('base64');
      const ev = await adapter.verifyWebhook(conn, {
        rawBody: body,
        headers: { 'x-square-hmacsha256-signature': sig },
        notificationUrl: sink.url,
      });
      expect(ev).toEqual({ eventId: 'ev-1', type: 'dispute.created', checkout: null });
    });

    it('the fake signs on its own, exactly as Square documents (checked here with node:crypto, not the adapter)', async () => {
      await adapter.charge(conn, chargeInput());
      await fake.idle();
      for (const w of sink.received) {
        const expected = createHmac('sha256', SIGNATURE_KEY)
          .update(sink.url + w.rawBody.toString('utf8'))
          .digest('base64');
        expect(w.headers['x-square-hmacsha256-signature']).toBe(expected);
      }
    });
  });

  describe('refunds', () => {
    it('a partial then a full refund: PENDING, then refund.updated COMPLETED; more than was paid is refused', async () => {
      const paid = await adapter.charge(conn, chargeInput());
      const partial = await adapter.refund(conn, {
        paymentReference: paid.paymentReference!,
        providerCheckoutId: paid.providerCheckoutId,
        amountCents: 234,
        currency: 'USD',
        full: false,
        idempotencyKey: 'ref_0001',
        reason: 'one item returned',
      });
      expect(partial).toMatchObject({ state: 'PENDING', providerStatus: 'PENDING' });
      const sent = fake.calls.find((c) => c.path === '/v2/refunds')!;
      expect(sent.body).toMatchObject({
        idempotency_key: 'ref_0001',
        payment_id: paid.paymentReference,
        amount_money: { amount: 234, currency: 'USD' },
        // Square echoes no idempotency key: our refund's id rides at the reason's end, so its webhook names it.
        reason: 'one item returned [Ledgerline ref_0001]',
      });
      // Retried with the same key: the same refund, not a second one.
      const retried = await adapter.refund(conn, {
        paymentReference: paid.paymentReference!,
        providerCheckoutId: paid.providerCheckoutId,
        amountCents: 234,
        currency: 'USD',
        full: false,
        idempotencyKey: 'ref_0001',
        reason: 'one item returned',
      });
      expect(retried.providerRefundId).toBe(partial.providerRefundId);
      const full = await adapter.refund(conn, {
        paymentReference: paid.paymentReference!,
        providerCheckoutId: paid.providerCheckoutId,
        amountCents: 1000,
        currency: 'USD',
        full: true,
        idempotencyKey: 'ref_0002',
        reason: 'order cancelled',
      });
      expect(full.state).toBe('PENDING');
      await expect(
        adapter.refund(conn, {
          paymentReference: paid.paymentReference!,
          providerCheckoutId: paid.providerCheckoutId,
          amountCents: 1,
          currency: 'USD',
          full: false,
          idempotencyKey: 'ref_0003',
          reason: 'too much',
        }),
      ).rejects.toMatchObject({ name: 'ProviderRejectedError', providerCode: 'INVALID_REQUEST_ERROR/REFUND_AMOUNT_INVALID' });

      await fake.idle();
      const updates = await Promise.all(sink.ofType('refund.updated').map((w) => adapter.verifyWebhook(conn, sink.asRequest(w))));
      expect(updates.map((u) => u.refund).sort((a, b) => (a!.amountCents ?? 0) - (b!.amountCents ?? 0))).toEqual([
        {
          providerRefundId: partial.providerRefundId,
          state: 'COMPLETED',
          amountCents: 234,
          paymentReference: paid.paymentReference,
          ourKey: 'ref_0001',
        },
        {
          providerRefundId: full.providerRefundId,
          state: 'COMPLETED',
          amountCents: 1000,
          paymentReference: paid.paymentReference,
          ourKey: 'ref_0002',
        },
      ]);
      expect(fake.payments.get(paid.providerCheckoutId)!.json.refunded_money).toEqual({ amount: 1234, currency: 'USD' });
    });

    it('our longer refund ids (e.g. "unapplied-<checkout id>") become Square-sized keys, the same each time', async () => {
      const paid = await adapter.charge(conn, chargeInput());
      const args = {
        paymentReference: paid.paymentReference!,
        providerCheckoutId: paid.providerCheckoutId,
        amountCents: 1234,
        currency: 'USD',
        full: true,
        idempotencyKey: `unapplied-chk_${'0123456789abcdef'.repeat(2)}`,
        reason: 'could not pay the order',
      };
      const a = await adapter.refund(conn, args);
      const b = await adapter.refund(conn, args);
      expect(b.providerRefundId).toBe(a.providerRefundId);
      const keys = fake.calls.filter((c) => c.path === '/v2/refunds').map((c) => c.body!.idempotency_key as string);
      expect(keys[0]!.length).toBeLessThanOrEqual(45);
      expect(keys[1]).toBe(keys[0]);
    });

    it('a refund Square fails later arrives as refund.updated FAILED', async () => {
      fake.autoCompleteRefunds = false;
      const paid = await adapter.charge(conn, chargeInput());
      const r = await adapter.refund(conn, {
        paymentReference: paid.paymentReference!,
        providerCheckoutId: paid.providerCheckoutId,
        amountCents: 1234,
        currency: 'USD',
        full: true,
        idempotencyKey: 'ref_0009',
        reason: 'cancelled',
      });
      await fake.failRefund(r.providerRefundId);
      await fake.idle();
      const [update] = sink.ofType('refund.updated');
      expect((await adapter.verifyWebhook(conn, sink.asRequest(update!))).refund).toEqual({
        providerRefundId: r.providerRefundId,
        state: 'FAILED',
        amountCents: 1234,
        paymentReference: paid.paymentReference,
        ourKey: 'ref_0009',
      });
    });
  });
});
