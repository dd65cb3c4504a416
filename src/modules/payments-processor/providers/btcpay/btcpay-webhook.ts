// BTCPay Server webhook deliveries: header `BTCPay-Sig: sha256=<hex HMAC-SHA256(webhook secret, raw body)>`.
// A redelivery (manual or automatic) is a new delivery with a new deliveryId carrying the first delivery's id
// in originalDeliveryId, so that is the id events are de-duplicated on.
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { safeEqual } from '../../../../platform/crypto.js';
import { UnusableWebhookEvent, type WebhookRequest } from '../provider.port.js';

export const BTCPAY_SIGNATURE_HEADER = 'btcpay-sig';

/** The invoice events whose invoice we re-read and hand to the core; every other type is recorded only. */
export const BTCPAY_INVOICE_EVENTS = new Set([
  'InvoiceReceivedPayment',
  'InvoicePaymentSettled',
  'InvoiceProcessing',
  'InvoiceSettled',
  'InvoiceExpired',
  'InvoiceExpiredPaidPartial',
  'InvoicePaidAfterExpiration',
  'InvoiceInvalid',
]);

/** The payout events (a claim on a pull payment, e.g. a refund's): the payout is read back and handed to the core. */
export const BTCPAY_PAYOUT_EVENTS = new Set(['PayoutCreated', 'PayoutApproved', 'PayoutUpdated']);

export function isValidBtcPaySignature(secret: string, req: WebhookRequest): boolean {
  // No secret yet (saved before the webhook was made): an HMAC with an empty key is anyone's to compute.
  if (!secret) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec((req.headers[BTCPAY_SIGNATURE_HEADER] ?? '').trim());
  if (!match) return false;
  return safeEqual(Buffer.from(match[1]!, 'hex'), createHmac('sha256', secret).update(req.rawBody).digest());
}

const delivery = z.object({
  deliveryId: z.string().min(1).max(200),
  webhookId: z.string().optional(),
  originalDeliveryId: z.string().max(200).nullish(),
  isRedelivery: z.boolean().optional(),
  type: z.string().min(1).max(100),
  timestamp: z.number().optional(),
  storeId: z.string().optional(),
  invoiceId: z.string().optional(),
  payoutId: z.string().optional(),
  pullPaymentId: z.string().optional(),
});
export type BtcPayDelivery = z.infer<typeof delivery>;

export function parseBtcPayDelivery(rawBody: Buffer): BtcPayDelivery & { eventId: string } {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new UnusableWebhookEvent('the BTCPay webhook body is not JSON');
  }
  const parsed = delivery.safeParse(json);
  if (!parsed.success) {
    const named = (json ?? {}) as { deliveryId?: unknown; originalDeliveryId?: unknown; type?: unknown };
    const id = [named.originalDeliveryId, named.deliveryId].find((v): v is string => typeof v === 'string' && v !== '');
    throw new UnusableWebhookEvent(
      'the BTCPay webhook body is not shaped as Greenfield documents it',
      id?.slice(0, 200),
      typeof named.type === 'string' ? named.type : undefined,
    );
  }
  return { ...parsed.data, eventId: parsed.data.originalDeliveryId || parsed.data.deliveryId };
}
