// The adapter's refund call against the fake processor's HTTP API: the wire format, which answers are final
// (ProcessorRefundRejectedError) and which are worth retrying (UPSTREAM_UNAVAILABLE).
import { afterAll, describe, expect, it } from 'vitest';
import { FakePaymentProcessor } from '../../../src/dev/fake-payment-processor.js';
import { createHostedCheckoutProcessor } from '../../../src/modules/payments-processor/hosted-checkout.adapter.js';
import { ProcessorRefundRejectedError } from '../../../src/modules/payments-processor/payment-processor.port.js';
import { AppError } from '../../../src/platform/errors.js';
import { API_KEY, WEBHOOK_SECRET } from './processor-refund.fixture.js';

const fake = await new FakePaymentProcessor({ webhookSecret: WEBHOOK_SECRET, apiKey: API_KEY, holdMs: 2_000 }).start();
const processor = createHostedCheckoutProcessor({ apiUrl: fake.url, apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, timeoutMs: 300 });
afterAll(async () => {
  await fake.stop();
});

async function paidCheckout(amountCents = 5000) {
  const c = await processor.createCheckout({ amountCents, currency: 'USD', method: 'PAYPAL', reference: 'ord_abc:PAYPAL', successUrl: 'http://x/ok', cancelUrl: 'http://x/no' });
  fake.checkouts.get(c.id)!.status = 'completed';
  return c.id;
}
const refund = (checkoutId: string, amountCents: number, idempotencyKey: string, currency = 'USD') =>
  processor.refund({ checkoutId, amountCents, currency, reason: 'test', idempotencyKey });

async function rejection(p: Promise<unknown>): Promise<ProcessorRefundRejectedError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProcessorRefundRejectedError);
  return err as ProcessorRefundRejectedError;
}

describe('hosted-checkout adapter: refund', () => {
  it('sends the documented body with the API key and returns {id, status}; the same key returns the same refund', async () => {
    const checkoutId = await paidCheckout();
    const first = await refund(checkoutId, 1200, 'ref_1');
    expect(first).toEqual({ id: expect.stringMatching(/^re_/), status: 'succeeded' });
    expect(fake.refundRequests.at(-1)!.body).toEqual({ checkout_id: checkoutId, amount_cents: 1200, currency: 'USD', reason: 'test', idempotency_key: 'ref_1' });
    expect(await refund(checkoutId, 1200, 'ref_1')).toEqual(first);
    expect(fake.refundedCents(checkoutId)).toBe(1200);
  });

  it('never refunds more than was paid in total on a checkout', async () => {
    const checkoutId = await paidCheckout(5000);
    await refund(checkoutId, 3000, 'ref_a');
    const err = await rejection(refund(checkoutId, 2001, 'ref_b'));
    expect(err).toMatchObject({ httpStatus: 422, message: expect.stringMatching(/2000 cents left/) });
    await refund(checkoutId, 2000, 'ref_c');
    expect(fake.refundedCents(checkoutId)).toBe(5000);
  });

  it('refuses an unknown or unpaid checkout, another currency, and a key reused with other values', async () => {
    expect(await rejection(refund('chk_0000000000000000', 100, 'ref_x'))).toMatchObject({ httpStatus: 404 });
    const open = await processor.createCheckout({ amountCents: 100, currency: 'USD', method: 'PAYPAL', reference: 'ord_abc:PAYPAL', successUrl: 'http://x/ok', cancelUrl: 'http://x/no' });
    expect(await rejection(refund(open.id, 100, 'ref_y'))).toMatchObject({ httpStatus: 409 });
    const checkoutId = await paidCheckout();
    expect(await rejection(refund(checkoutId, 100, 'ref_eur', 'EUR'))).toMatchObject({ httpStatus: 422 });
    await refund(checkoutId, 100, 'ref_z');
    expect(await rejection(refund(checkoutId, 200, 'ref_z'))).toMatchObject({ httpStatus: 409 });
  });

  it('5xx, timeouts and a wrong API key are UPSTREAM_UNAVAILABLE (retryable), not rejections', async () => {
    const checkoutId = await paidCheckout();
    fake.failRefunds('5xx', 'timeout');
    await expect(refund(checkoutId, 100, 'ref_t1')).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'UPSTREAM_UNAVAILABLE');
    await expect(refund(checkoutId, 100, 'ref_t2')).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'UPSTREAM_UNAVAILABLE');
    const wrongKey = createHostedCheckoutProcessor({ apiUrl: fake.url, apiKey: 'not-the-key', webhookSecret: WEBHOOK_SECRET });
    await expect(wrongKey.refund({ checkoutId, amountCents: 100, currency: 'USD', reason: 'x', idempotencyKey: 'ref_t3' })).rejects.toSatisfy((e) => e instanceof AppError && e.code === 'UPSTREAM_UNAVAILABLE');
    // The timed-out one was made (its answer was lost): asking again with its key returns it, nothing new.
    expect(fake.refundedCents(checkoutId)).toBe(100);
    expect((await refund(checkoutId, 100, 'ref_t2')).status).toBe('succeeded');
    expect(fake.refundedCents(checkoutId)).toBe(100);
  });
});
