// Square webhook notifications: the signature and the body.
// x-square-hmacsha256-signature = base64(HMAC-SHA256(signature key, notification URL + raw body)). The URL is
// the one configured in Square's Developer Console, byte for byte (behind a proxy it is not req.url), so the
// caller passes it. Compared in constant time (the SDK's WebhooksHelper compares with ===).
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { safeEqual } from '../../../../platform/crypto.js';
import { UnusableWebhookEvent, type ProviderWebhookEvent, type WebhookRequest } from '../provider.port.js';
import { keyInReason, minorUnits, squarePaymentState, squareRefundState } from './square-payment.js';

export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

export function isValidSquareSignature(signatureKey: string, req: WebhookRequest): boolean {
  // No signature key yet (saved before the subscription was made): an HMAC with an empty key is anyone's to compute.
  if (!signatureKey) return false;
  const header = req.headers[SQUARE_SIGNATURE_HEADER]?.trim();
  if (!header || !/^[A-Za-z0-9+/]+={0,2}$/.test(header)) return false;
  const expected = createHmac('sha256', signatureKey).update(req.notificationUrl, 'utf8').update(req.rawBody).digest();
  return safeEqual(Buffer.from(header, 'base64'), expected);
}

const money = z.object({ amount: z.number().int(), currency: z.string() }).partial();

const paymentJson = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  amount_money: money.optional(),
  total_money: money.optional(),
  reference_id: z.string().optional(),
  source_type: z.string().optional(),
});

const refundJson = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  amount_money: money.optional(),
  payment_id: z.string().optional(),
  reason: z.string().nullish(),
});

const notification = z.object({
  merchant_id: z.string().optional(),
  type: z.string().min(1),
  event_id: z.string().min(1).max(200),
  created_at: z.string().optional(),
  data: z
    .object({
      type: z.string().optional(),
      id: z.string().optional(),
      object: z.object({ payment: paymentJson.optional(), refund: refundJson.optional() }).loose().optional(),
    })
    .loose()
    .optional(),
});

/** Parses a verified notification. Event types we do not act on come back with checkout null (answer 200). */
export function parseSquareNotification(rawBody: Buffer): ProviderWebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new UnusableWebhookEvent('the Square notification is not JSON');
  }
  const parsed = notification.safeParse(json);
  if (!parsed.success) {
    const named = (json ?? {}) as { event_id?: unknown; type?: unknown };
    throw new UnusableWebhookEvent(
      'the Square notification is not shaped as Square documents it',
      typeof named.event_id === 'string' && named.event_id ? named.event_id.slice(0, 200) : undefined,
      typeof named.type === 'string' ? named.type : undefined,
    );
  }
  const { type, event_id: eventId, data } = parsed.data;
  const payment = data?.object?.payment;
  const refund = data?.object?.refund;

  if ((type === 'payment.created' || type === 'payment.updated') && payment) {
    const total = payment.total_money ?? payment.amount_money;
    return {
      eventId,
      type,
      checkout: squarePaymentState({
        id: payment.id,
        status: payment.status,
        amountCents: minorUnits(total?.amount),
        currency: total?.currency,
        referenceId: payment.reference_id,
        sourceType: payment.source_type,
      }),
    };
  }
  if ((type === 'refund.created' || type === 'refund.updated') && refund) {
    return {
      eventId,
      type,
      checkout: null,
      refund: {
        providerRefundId: refund.id,
        state: squareRefundState(refund.status),
        amountCents: minorUnits(refund.amount_money?.amount),
        ...(refund.payment_id ? { paymentReference: refund.payment_id } : {}),
        ...(keyInReason(refund.reason) ? { ourKey: keyInReason(refund.reason) } : {}),
      },
    };
  }
  return { eventId, type, checkout: null };
}
