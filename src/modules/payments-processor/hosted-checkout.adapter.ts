// Adapter for the hosted-checkout processor's JSON API:
//   POST {apiUrl}/v1/checkouts  {amount_cents, currency, method, reference, success_url, cancel_url}
//     (Authorization: Bearer <api key> when configured)  -> 200/201 {id, url}
//   Webhook to us: POST /api/webhooks/payments, header X-Processor-Signature: sha256=<hex HMAC of raw body>,
//     body {type: "checkout.completed", data: {id, reference, amount_cents, currency?}}
//   POST {apiUrl}/v1/refunds  {checkout_id, amount_cents, currency, reason, idempotency_key}
//     (same Authorization) -> 200/201 {id, status}. The processor answers its first refund again for an
//     idempotency_key it has seen (we send our refund id), so a retried job never refunds twice. It refuses
//     more than the checkout's paid total in all, an unknown or unpaid checkout, or a reused key with other
//     values, with a 4xx {error: "<why>"}: ProcessorRefundRejectedError, not retried. 401/403 (key),
//     408/429 (throttling), 5xx, timeouts and network errors are UPSTREAM_UNAVAILABLE: the job retries.
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import { ProcessorRefundRejectedError, type CheckoutCompletedEvent, type PaymentProcessor } from './payment-processor.port.js';
import { isValidWebhookSignature } from './webhook-signature.js';

export interface HostedCheckoutConfig {
  apiUrl: string;
  apiKey?: string;
  webhookSecret: string;
  timeoutMs?: number;
}

const checkoutResponse = z.object({ id: z.string().min(1).max(200), url: z.url({ protocol: /^https?$/ }) });
const refundResponse = z.object({ id: z.string().min(1).max(200), status: z.string().min(1).max(50) });
const errorBody = z.object({ error: z.string().max(500) });
/** 4xx answers a retry may fix (credentials being rotated, throttling): everything else 4xx is final. */
const RETRYABLE_4XX = new Set([401, 403, 408, 429]);
const webhookEvent = z.object({
  type: z.string().min(1),
  data: z.object({
    id: z.string().min(1).max(200),
    reference: z.string().min(1).max(200),
    amount_cents: z.number().int().nonnegative(),
    currency: z.string().length(3).optional(),
  }).optional(),
});

export function createHostedCheckoutProcessor(config: HostedCheckoutConfig): PaymentProcessor {
  const base = config.apiUrl.replace(/\/+$/, '');
  const unavailable = (why: string, cause?: unknown) =>
    new AppError('UPSTREAM_UNAVAILABLE', 'The payment processor is not reachable right now. Please try again in a minute.', { why }, { cause });

  const headers = { 'content-type': 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) };

  return {
    async createCheckout(input) {
      let res: Response;
      try {
        res = await fetch(`${base}/v1/checkouts`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            amount_cents: input.amountCents,
            currency: input.currency,
            method: input.method,
            reference: input.reference,
            success_url: input.successUrl,
            cancel_url: input.cancelUrl,
          }),
          signal: AbortSignal.timeout(config.timeoutMs ?? 8000),
        });
      } catch (err) {
        throw unavailable('request failed', err);
      }
      if (!res.ok) throw unavailable(`processor answered ${res.status}`);
      const parsed = checkoutResponse.safeParse(await res.json().catch(() => null));
      if (!parsed.success) throw unavailable('processor answered an unexpected body');
      return parsed.data;
    },

    async refund(input) {
      let res: Response;
      try {
        res = await fetch(`${base}/v1/refunds`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            checkout_id: input.checkoutId,
            amount_cents: input.amountCents,
            currency: input.currency,
            reason: input.reason,
            idempotency_key: input.idempotencyKey,
          }),
          signal: AbortSignal.timeout(config.timeoutMs ?? 8000),
        });
      } catch (err) {
        throw unavailable('refund request failed', err);
      }
      const body: unknown = await res.json().catch(() => null);
      if (res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status)) {
        const why = errorBody.safeParse(body);
        throw new ProcessorRefundRejectedError(why.success ? why.data.error : `processor answered ${res.status}`, res.status);
      }
      if (!res.ok) throw unavailable(`processor answered ${res.status} to a refund`);
      const parsed = refundResponse.safeParse(body);
      // A 2xx we cannot read may still be a refund made: retrying with the same key is safe and tells us.
      if (!parsed.success) throw unavailable('processor answered an unexpected refund body');
      return parsed.data;
    },

    parseWebhook(rawBody, signatureHeader): CheckoutCompletedEvent | null {
      if (!isValidWebhookSignature(config.webhookSecret, rawBody, signatureHeader)) {
        throw new AppError('BAD_SIGNATURE', 'Webhook signature does not match.');
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new AppError('VALIDATION_FAILED', 'Webhook body is not valid JSON');
      }
      const event = parseInput(webhookEvent, json, 'webhook event');
      if (event.type !== 'checkout.completed') return null;
      if (!event.data) throw new AppError('VALIDATION_FAILED', 'Invalid webhook event: data is required for checkout.completed');
      return {
        type: 'checkout.completed',
        checkoutId: event.data.id,
        reference: event.data.reference,
        amountCents: event.data.amount_cents,
        currency: event.data.currency?.toUpperCase(),
      };
    },
  };
}
