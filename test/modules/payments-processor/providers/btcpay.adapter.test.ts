// The BTCPay Server adapter against the local fake BTCPay over real HTTP: connection test, invoices through
// every status BTCPay has (partial, expired, late, processing, settled, marked invalid), BTCPay-Sig webhooks
// and redeliveries, refunds as pull payments with a claim link, and the error contract.
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeBtcPay } from '../../../../src/dev/fakes/fake-btcpay.js';
import { AppError } from '../../../../src/platform/errors.js';
import { BtcPayAdapter } from '../../../../src/modules/payments-processor/providers/btcpay/btcpay.adapter.js';
import {
  ProviderRejectedError,
  type BtcPayConnection,
  type CreateCheckoutInput,
} from '../../../../src/modules/payments-processor/providers/provider.port.js';
import { WebhookSink } from './webhook-sink.js';

const SECRET = 'btcpay-webhook-secret-for-tests';

describe('BTCPay adapter against the fake BTCPay Server', () => {
  let fake: FakeBtcPay;
  let sink: WebhookSink;
  let conn: BtcPayConnection;
  let clock: number;
  const adapter = new BtcPayAdapter({ timeoutMs: 5_000, expirationMinutes: 30, outbound: { policy: { production: false } } });

  beforeAll(async () => {
    sink = await new WebhookSink().start('/api/webhooks/btcpay/shop-1');
  });
  afterAll(async () => {
    await sink.stop();
  });

  beforeEach(async () => {
    sink.received.length = 0;
    clock = Date.UTC(2026, 10, 30, 3, 0, 0);
    fake = await new FakeBtcPay({
      now: () => clock,
      stores: [
        { id: 'StoreA', name: 'Test Shop', apiKeys: ['key-a'], webhooks: [{ id: 'WhA', url: sink.url, secret: SECRET }] },
        { id: 'StoreB', name: 'Someone Else', apiKeys: ['key-b'], webhooks: [] },
      ],
    }).start();
    conn = { provider: 'BTCPAY', serverUrl: fake.url, storeId: 'StoreA', apiKey: 'key-a', webhookSecret: SECRET };
  });
  afterEach(async () => {
    await fake.stop();
  });

  const input = (over: Partial<CreateCheckoutInput> = {}): CreateCheckoutInput => ({
    orderId: 'order_abc',
    orderNumber: 1001,
    amountCents: 1234,
    currency: 'USD',
    returnUrl: 'http://shop.test/pay/return?o=order_abc',
    cancelUrl: 'http://shop.test/pay/cancel',
    idempotencyKey: 'chk_0001',
    description: 'Test Shop order #1001',
    ...over,
  });

  const verifyAll = async () => {
    await fake.idle();
    return Promise.all(sink.received.map((w) => adapter.verifyWebhook(conn, sink.asRequest(w))));
  };

  describe('testConnection', () => {
    it('names the store it reached', async () => {
      expect(await adapter.testConnection(conn)).toEqual({ ok: true, message: expect.stringContaining('store "Test Shop" (StoreA)') });
    });

    it('says in words why a key is refused, without the key', async () => {
      const bad = await adapter.testConnection({ ...conn, apiKey: 'wrong-key' });
      expect(bad).toEqual({ ok: false, message: expect.stringContaining('401 unauthenticated') });
      expect(bad.message).not.toContain('wrong-key');
      // key-b can do everything in StoreB and nothing in StoreA: every permission is named as missing there.
      const otherStore = await adapter.testConnection({ ...conn, apiKey: 'key-b' });
      expect(otherStore.ok).toBe(false);
      expect(otherStore.message).toMatch(/lacks 4 permissions for store StoreA/);
    });

    it('refuses a key that opens checkouts but cannot refund, naming each missing permission and what it is for', async () => {
      fake.setApiKeyPermissions('key-a', ['btcpay.store.canviewstoresettings:StoreA', 'btcpay.store.canmodifyinvoices:StoreA']);
      const res = await adapter.testConnection(conn);
      expect(res.ok).toBe(false);
      expect(res.message).toContain('"Create non-approved pull payments" (btcpay.store.cancreatenonapprovedpullpayments), for refunds');
      expect(res.message).not.toContain('canviewpayouts'); // included in "View your stores"
      // The same key as BTCPay would treat it: checkouts work, a refund is refused 403.
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId);
      const refused = await adapter
        .refund(conn, {
          paymentReference: c.providerCheckoutId,
          providerCheckoutId: c.providerCheckoutId,
          amountCents: 1234,
          currency: 'USD',
          reason: 'r',
          idempotencyKey: 'ref_1',
          full: true,
        })
        .catch((e: unknown) => e);
      expect((refused as AppError).details?.why).toMatch(/403 missing-permission/);
      // Still retried (the key may be replaced meanwhile), but in words that say what to fix, not "not reachable".
      expect(refused).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect((refused as AppError).message).toContain(
        'lacks a permission for store StoreA: "Create non-approved pull payments" (btcpay.store.cancreatenonapprovedpullpayments), for refunds',
      );

      fake.setApiKeyPermissions('key-a', ['btcpay.store.canmodifyinvoices:StoreA', 'btcpay.store.cancreatenonapprovedpullpayments:StoreA']);
      const noView = await adapter.testConnection(conn);
      expect(noView.message).toContain('"View your stores" (btcpay.store.canviewstoresettings)');
      expect(noView.message).toContain('"View payouts" (btcpay.store.canviewpayouts), for following refunds');
      expect(noView.message).not.toContain('canmodifyinvoices');
    });

    it('takes the forms BTCPay grants: one store, every store (unscoped), unrestricted, "Manage selected stores"', async () => {
      const grants = [
        [
          'btcpay.store.canviewstoresettings:StoreA',
          'btcpay.store.canmodifyinvoices:StoreA',
          'btcpay.store.cancreatenonapprovedpullpayments:StoreA',
        ],
        [
          'btcpay.store.canviewstoresettings',
          'btcpay.store.canmodifyinvoices',
          'btcpay.store.canmanagepullpayments',
          'btcpay.store.canmanagepayouts',
        ],
        ['unrestricted'],
        ['btcpay.store.canmodifystoresettings:StoreA'],
      ];
      for (const permissions of grants) {
        fake.setApiKeyPermissions('key-a', permissions);
        expect(await adapter.testConnection(conn), permissions.join()).toMatchObject({ ok: true });
      }
      // Scoped to another store: nothing counts for this one (the store id is compared as BTCPay does).
      fake.setApiKeyPermissions('key-a', ['btcpay.store.canmodifystoresettings:storea']);
      expect((await adapter.testConnection(conn)).message).toMatch(/lacks 4 permissions/);
    });

    it('reports a server it cannot reach', async () => {
      const url = fake.url;
      await fake.stop();
      expect(await adapter.testConnection({ ...conn, serverUrl: url })).toEqual({ ok: false, message: expect.stringContaining(url) });
      fake = await new FakeBtcPay().start();
    });
  });

  describe('invoices', () => {
    it('creates an invoice carrying our order id and sends the buyer to its checkoutLink', async () => {
      const c = await adapter.createCheckout(conn, input());
      expect(c).toMatchObject({
        state: 'OPEN',
        currency: 'USD',
        orderId: 'order_abc',
        providerStatus: 'New',
        redirectUrl: `${fake.url}/i/${c.providerCheckoutId}`,
      });
      const call = fake.calls.find((x) => x.method === 'POST' && x.path === '/api/v1/stores/StoreA/invoices')!;
      expect(call.authorization).toBe('token key-a');
      expect(call.body).toMatchObject({
        amount: '12.34',
        currency: 'USD',
        metadata: { orderId: 'order_abc', orderNumber: 1001 },
        checkout: { redirectURL: 'http://shop.test/pay/return?o=order_abc', expirationMinutes: 30 },
      });
    });

    it('paid in full: Settled is PAID with the amount BTCPay received', async () => {
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId);
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({
        state: 'PAID',
        paidAmountCents: 1234,
        orderId: 'order_abc',
        providerStatus: 'Settled',
      });
    });

    it('the checkout page takes the payment and sends the browser back to our return URL', async () => {
      const c = await adapter.createCheckout(conn, input());
      const pageHtml = await (await fetch(c.redirectUrl!)).text();
      expect(pageHtml).toContain('12.34 USD');
      const res = await fetch(`${c.redirectUrl!}/pay`, {
        method: 'POST',
        body: new URLSearchParams({ amount: 'full' }),
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('http://shop.test/pay/return?o=order_abc');
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({ state: 'PAID' });
    });

    it('paid in part: OPEN with what was paid; once expired, final with only that (the core refunds an underpayment)', async () => {
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId, 500);
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({
        state: 'OPEN',
        paidAmountCents: 500,
        providerStatus: 'New/PaidPartial',
      });
      clock += 31 * 60_000;
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({
        state: 'PAID',
        paidAmountCents: 500,
        providerStatus: 'Expired/PaidPartial',
      });
    });

    it('expired unpaid is EXPIRED', async () => {
      const c = await adapter.createCheckout(conn, input());
      clock += 31 * 60_000;
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({ state: 'EXPIRED', providerStatus: 'Expired' });
    });

    it('paid late: PENDING while confirming, then PAID once settled, the invoice staying Expired/PaidLate as BTCPay leaves it', async () => {
      fake.autoConfirm = false;
      const c = await adapter.createCheckout(conn, input());
      fake.expire(c.providerCheckoutId);
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({ state: 'EXPIRED' });
      await fake.pay(c.providerCheckoutId);
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({ state: 'PENDING', providerStatus: 'Expired/PaidLate' });
      fake.confirm(c.providerCheckoutId);
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({
        state: 'PAID',
        paidAmountCents: 1234,
        providerStatus: 'Expired/PaidLate',
      });
    });

    it('payments that never confirm (Processing -> Invalid, FailedToConfirm) are FAILED, never PAID', async () => {
      fake.autoConfirm = false;
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId);
      fake.failToConfirm(c.providerCheckoutId);
      const state = await adapter.getCheckout(conn, c.providerCheckoutId);
      expect(state).toMatchObject({ state: 'FAILED', providerStatus: 'Invalid' });
      expect(state.paidAmountCents).toBeUndefined();
    });

    it('a BTCPay before 2.1.2 (no paidAmount): the connection tests fine, and a Settled invoice is PAID for what settled', async () => {
      fake.paidAmountInInvoice = false;
      expect(await adapter.testConnection(conn)).toMatchObject({ ok: true });
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId, 500);
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({ state: 'OPEN', paidAmountCents: 500 });
      await fake.pay(c.providerCheckoutId);
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({
        state: 'PAID',
        paidAmountCents: 1234,
        providerStatus: 'Settled',
      });
    });

    it('processing (unconfirmed) is PENDING, not PAID', async () => {
      fake.autoConfirm = false;
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId);
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({
        state: 'PENDING',
        paidAmountCents: 1234,
        providerStatus: 'Processing',
      });
    });

    it('voiding marks an unpaid invoice Invalid; a paid one is left alone; voiding twice is fine', async () => {
      const open = await adapter.createCheckout(conn, input());
      await adapter.voidCheckout(conn, open.providerCheckoutId);
      await adapter.voidCheckout(conn, open.providerCheckoutId);
      expect(await adapter.getCheckout(conn, open.providerCheckoutId)).toMatchObject({ state: 'VOIDED', providerStatus: 'Invalid/Marked' });
      expect(fake.calls.filter((x) => x.path.endsWith('/status'))).toHaveLength(1);

      const paid = await adapter.createCheckout(conn, input({ idempotencyKey: 'chk_0002' }));
      await fake.pay(paid.providerCheckoutId);
      await adapter.voidCheckout(conn, paid.providerCheckoutId);
      expect(await adapter.getCheckout(conn, paid.providerCheckoutId)).toMatchObject({ state: 'PAID' });
    });

    it('money that still arrives for a voided invoice is reported as paid (Invalid/Marked), for the core to refund', async () => {
      const c = await adapter.createCheckout(conn, input());
      await adapter.voidCheckout(conn, c.providerCheckoutId);
      await fake.pay(c.providerCheckoutId);
      expect(await adapter.getCheckout(conn, c.providerCheckoutId)).toMatchObject({
        state: 'PAID',
        paidAmountCents: 1234,
        providerStatus: 'Invalid/Marked',
      });
    });

    it("errors: bad key and 5xx are UPSTREAM_UNAVAILABLE; a refused body is ProviderRejectedError with BTCPay's words; unknown invoice 404", async () => {
      await expect(adapter.createCheckout({ ...conn, apiKey: 'nope' }, input())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      fake.fail(/\/invoices$/, 502);
      await expect(adapter.createCheckout(conn, input())).rejects.toBeInstanceOf(AppError);
      const zero = await adapter.createCheckout(conn, input({ amountCents: 0 })).catch((e: unknown) => e);
      expect(zero).toBeInstanceOf(ProviderRejectedError);
      expect(zero).toMatchObject({ httpStatus: 422, providerCode: 'validation', message: expect.stringContaining('amount') });
      await expect(adapter.getCheckout(conn, 'NoSuchInvoice')).rejects.toMatchObject({
        httpStatus: 404,
        providerCode: 'invoice-not-found',
      });
    });
  });

  describe('webhooks', () => {
    it('verifies each delivery and hands the core the invoice as BTCPay has it now', async () => {
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId);
      const events = await verifyAll();
      expect(events.map((e) => e.type)).toEqual([
        'InvoiceCreated',
        'InvoiceReceivedPayment',
        'InvoiceProcessing',
        'InvoicePaymentSettled',
        'InvoiceSettled',
      ]);
      expect(events[0]!.checkout).toBeNull();
      expect(events.at(-1)!.checkout).toMatchObject({
        providerCheckoutId: c.providerCheckoutId,
        state: 'PAID',
        paidAmountCents: 1234,
        orderId: 'order_abc',
      });
      expect(events.map((e) => e.eventId)).toEqual(sink.received.map((w) => w.json.deliveryId));
    });

    it('InvoiceExpired and InvoiceInvalid verify to EXPIRED and VOIDED', async () => {
      const a = await adapter.createCheckout(conn, input());
      const b = await adapter.createCheckout(conn, input({ idempotencyKey: 'chk_0002' }));
      fake.expire(a.providerCheckoutId);
      await adapter.voidCheckout(conn, b.providerCheckoutId);
      const events = await verifyAll();
      expect(events.find((e) => e.type === 'InvoiceExpired')!.checkout).toMatchObject({
        providerCheckoutId: a.providerCheckoutId,
        state: 'EXPIRED',
      });
      expect(events.find((e) => e.type === 'InvoiceInvalid')!.checkout).toMatchObject({
        providerCheckoutId: b.providerCheckoutId,
        state: 'VOIDED',
      });
    });

    it('a redelivery keeps the original delivery id as its event id, so it is de-duplicated', async () => {
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId);
      await fake.idle();
      const settled = sink.ofType('InvoiceSettled')[0]!;
      const newId = await fake.redeliver(settled.json.deliveryId as string);
      await fake.idle();
      const redelivered = sink.received.find((w) => w.json.deliveryId === newId)!;
      expect(redelivered.json).toMatchObject({ isRedelivery: true, originalDeliveryId: settled.json.deliveryId });
      const a = await adapter.verifyWebhook(conn, sink.asRequest(settled));
      const b = await adapter.verifyWebhook(conn, sink.asRequest(redelivered));
      expect(b.eventId).toBe(a.eventId);
    });

    it('refuses a forged body, a wrong secret, a missing or malformed BTCPay-Sig', async () => {
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId);
      await fake.idle();
      const w = sink.ofType('InvoiceSettled')[0]!;
      const forged = Buffer.from(w.rawBody.toString('utf8').replace(c.providerCheckoutId, 'SomeOtherInvoice'));
      await expect(adapter.verifyWebhook(conn, { ...sink.asRequest(w), rawBody: forged })).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
      await expect(adapter.verifyWebhook({ ...conn, webhookSecret: 'other' }, sink.asRequest(w))).rejects.toMatchObject({
        code: 'BAD_SIGNATURE',
      });
      for (const header of [undefined, 'sha256=', 'sha1=abcd', (w.headers['btcpay-sig'] ?? '').replace('sha256=', '')]) {
        await expect(adapter.verifyWebhook(conn, { ...sink.asRequest(w), headers: { 'btcpay-sig': header } })).rejects.toMatchObject({
          code: 'BAD_SIGNATURE',
        });
      }
    });

    it('a signed delivery about another store is unusable (acknowledged by the checkout service); an event type we do not act on has no checkout', async () => {
      const sign = (body: string) => ({
        rawBody: Buffer.from(body),
        headers: { 'btcpay-sig': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
        notificationUrl: sink.url,
      });
      await expect(
        adapter.verifyWebhook(conn, sign(JSON.stringify({ deliveryId: 'd1', type: 'InvoiceSettled', storeId: 'StoreB', invoiceId: 'X' }))),
      ).rejects.toMatchObject({ name: 'UnusableWebhookEvent', eventId: 'd1', eventType: 'InvoiceSettled' });
      expect(
        await adapter.verifyWebhook(conn, sign(JSON.stringify({ deliveryId: 'd2', type: 'PayoutCreated', storeId: 'StoreA' }))),
      ).toEqual({ eventId: 'd2', type: 'PayoutCreated', checkout: null });
    });

    it('the fake signs on its own as BTCPay documents (checked here with node:crypto, not the adapter)', async () => {
      await adapter.createCheckout(conn, input());
      await fake.idle();
      for (const w of sink.received) {
        expect(w.headers['btcpay-sig']).toBe(`sha256=${createHmac('sha256', SECRET).update(w.rawBody).digest('hex')}`);
      }
    });
  });

  describe('refunds', () => {
    it('a partial then a full refund: pull payments with claim links, in the invoice currency', async () => {
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId);
      const partial = await adapter.refund(conn, {
        paymentReference: c.providerCheckoutId,
        providerCheckoutId: c.providerCheckoutId,
        amountCents: 234,
        currency: 'USD',
        full: false,
        idempotencyKey: 'ref_0001',
        reason: 'one item returned',
      });
      expect(partial).toMatchObject({ state: 'CLAIM_SENT', claimUrl: `${fake.url}/pull-payments/${partial.providerRefundId}` });
      const full = await adapter.refund(conn, {
        paymentReference: c.providerCheckoutId,
        providerCheckoutId: c.providerCheckoutId,
        amountCents: 1000,
        currency: 'USD',
        full: true,
        idempotencyKey: 'ref_0002',
        reason: 'order cancelled',
      });
      expect([...fake.pullPayments.values()].map((p) => ({ amount: p.amount, currency: p.currency, invoiceId: p.invoiceId }))).toEqual([
        { amount: '2.34', currency: 'USD', invoiceId: c.providerCheckoutId },
        { amount: '10.00', currency: 'USD', invoiceId: c.providerCheckoutId },
      ]);
      const claimPage = await (await fetch(full.claimUrl!)).text();
      expect(claimPage).toContain('10.00 USD');
      expect(claimPage).toContain('order cancelled');
    });

    it('a retried refund finds its pull payment instead of making a second one', async () => {
      const c = await adapter.createCheckout(conn, input());
      await fake.pay(c.providerCheckoutId);
      const args = {
        paymentReference: c.providerCheckoutId,
        providerCheckoutId: c.providerCheckoutId,
        amountCents: 1234,
        currency: 'USD',
        full: true,
        idempotencyKey: 'ref_0001',
        reason: 'cancelled',
      };
      const a = await adapter.refund(conn, args);
      const b = await adapter.refund(conn, args);
      expect(b.providerRefundId).toBe(a.providerRefundId);
      expect(fake.pullPayments.size).toBe(1);
    });

    it("an unpaid invoice cannot be refunded: BTCPay's refusal comes back as ProviderRejectedError", async () => {
      const c = await adapter.createCheckout(conn, input());
      await expect(
        adapter.refund(conn, {
          paymentReference: c.providerCheckoutId,
          providerCheckoutId: c.providerCheckoutId,
          amountCents: 100,
          currency: 'USD',
          full: false,
          idempotencyKey: 'ref_0001',
          reason: 'x',
        }),
      ).rejects.toMatchObject({ name: 'ProviderRejectedError', httpStatus: 400, providerCode: 'non-refundable' });
    });
  });

  it('neither fake imports our adapters or their verification code', async () => {
    for (const file of ['fake-btcpay.ts', 'fake-square.ts', 'fake-square-sdk.ts', 'fake-http.ts']) {
      const src = await readFile(new URL(`../../../../src/dev/fakes/${file}`, import.meta.url), 'utf8');
      expect(src, file).not.toMatch(/from '[^']*modules\//);
    }
  });
});
