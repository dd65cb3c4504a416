// Webhook signature of the hosted-checkout processor: header `X-Processor-Signature: sha256=<hex>`, the
// HMAC-SHA256 of the exact raw request body with the shared webhook secret (PAYMENT_PROCESSOR_WEBHOOK_SECRET).
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../platform/crypto.js';

export const WEBHOOK_SIGNATURE_HEADER = 'x-processor-signature';

export function isValidWebhookSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const match = /^sha256=([0-9a-f]{64})$/.exec((header ?? '').trim());
  if (!match) return false;
  return safeEqual(Buffer.from(match[1]!, 'hex'), createHmac('sha256', secret).update(rawBody).digest());
}
