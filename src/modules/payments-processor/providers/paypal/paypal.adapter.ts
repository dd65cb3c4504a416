// The PayPal adapter (Orders v2 + Payments v2) behind the provider port. See provider.port.ts for the
// contract and paypal.client.ts / paypal-webhook.ts for the HTTP client and signature verification.
import { z } from 'zod';
import { AppError } from '../../../../platform/errors.js';
import { centsToDecimalString, decimalStringToCents } from '../../../../platform/money.js';
import { parseInput } from '../../../../platform/validate.js';
import {
  ProviderRejectedError,
  UnusableWebhookEvent,
  type PayPalConnection,
  type ProviderAdapter,
  type KnownPayment,
  type ProviderCheckoutState,
  type ProviderRefundRecord,
  type ProviderWebhookEvent,
} from '../provider.port.js';
import {
  capture as captureSchema,
  createPayPalClient,
  order as orderSchema,
  refund as refundSchema,
  type PayPalCapture,
  type PayPalOrder,
  type PayPalRefund,
} from './paypal.client.js';
import { createPayPalSignatureVerifier } from './paypal-webhook.js';

export interface PayPalAdapterOptions {
  timeoutMs: number;
  now: () => Date;
  /** PAYPAL_API_BASE_URL when set: its certificate URLs are trusted (the local fake). */
  trustedCertPrefix?: string;
}

const webhookEnvelope = z.object({
  id: z.string().min(1).max(200),
  event_type: z.string().min(1).max(200),
  resource_type: z.string().optional(),
  resource: z.unknown(),
});

/**
 * The purchase unit's invoice_id: our order id and this checkout's id (`ord_…:chk_…`), so each checkout of an
 * order carries its own. An account that blocks multiple payments per invoice ID (PayPal answers a reused one
 * with 422 DUPLICATE_INVOICE_ID) could otherwise never take a second checkout of an order whose first was
 * paid and refunded, voided or expired. custom_id stays the bare order id; the order id still leads the
 * invoice id, so it is found by it in PayPal's activity and reports.
 */
export function payPalInvoiceId(orderId: string, checkoutId: string): string {
  return `${orderId}:${checkoutId}`;
}

/** A PayPal refund (a webhook's resource, or one of an order's payments.refunds) as the port names it. */
function fromRefund(r: PayPalRefund): ProviderRefundRecord {
  const up = r.links?.find((l) => l.rel === 'up')?.href;
  const captureId = up ? /\/captures\/([^/?]+)/.exec(up)?.[1] : undefined;
  return {
    providerRefundId: r.id,
    state: r.status === 'COMPLETED' ? 'COMPLETED' : r.status === 'PENDING' ? 'PENDING' : 'FAILED',
    amountCents: moneyCents(r.amount),
    paymentReference: captureId,
    ...(r.custom_id ? { ourKey: r.custom_id } : {}),
  };
}

/** Our order id from what PayPal echoes: custom_id, else the invoice_id's order part (older checkouts sent the bare order id). */
function ourOrderId(ids: { custom_id?: string | null; invoice_id?: string | null }): string | undefined {
  return ids.custom_id ?? ids.invoice_id?.split(':')[0] ?? undefined;
}

/** A PayPal Money in our integer minor units (whole yen for JPY); undefined when absent or unreadable. */
function moneyCents(m: { currency_code: string; value: string } | undefined): number | undefined {
  return m ? (decimalStringToCents(m.value, m.currency_code) ?? undefined) : undefined;
}

function captureState(status: string): ProviderCheckoutState['state'] {
  switch (status) {
    case 'COMPLETED':
    case 'PARTIALLY_REFUNDED':
    case 'REFUNDED':
      return 'PAID';
    case 'PENDING':
      return 'PENDING';
    default:
      return 'FAILED'; // DECLINED, FAILED
  }
}

function fromCapture(orderId: string, c: PayPalCapture): ProviderCheckoutState {
  return {
    providerCheckoutId: orderId,
    state: captureState(c.status),
    paidAmountCents: moneyCents(c.amount),
    currency: c.amount?.currency_code,
    paymentReference: c.id,
    orderId: ourOrderId(c),
    providerStatus: `CAPTURE ${c.status}${c.status_details?.reason ? ` (${c.status_details.reason})` : ''}`,
  };
}

/** The checkout as PayPal's order shows it: the capture decides, never the order status alone. */
export function fromOrder(o: PayPalOrder): ProviderCheckoutState {
  const unit = o.purchase_units?.[0];
  const captures = unit?.payments?.captures ?? [];
  const decisive = captures.find((c) => captureState(c.status) === 'PAID') ?? captures.at(-1);
  if (decisive) return { ...fromCapture(o.id, decisive), orderId: ourOrderId(decisive) ?? ourOrderId(unit ?? {}) };
  const state: ProviderCheckoutState['state'] =
    o.status === 'APPROVED' ? 'APPROVED' : o.status === 'VOIDED' ? 'VOIDED' : o.status === 'COMPLETED' ? 'FAILED' : 'OPEN';
  return {
    providerCheckoutId: o.id,
    state,
    orderId: ourOrderId(unit ?? {}),
    currency: unit?.amount?.currency_code,
    providerStatus: `ORDER ${o.status}`,
  };
}

export function createPayPalAdapter(opts: PayPalAdapterOptions): ProviderAdapter<PayPalConnection> {
  const client = createPayPalClient({ timeoutMs: opts.timeoutMs, now: () => opts.now().getTime() });
  const signatures = createPayPalSignatureVerifier({ trustedPrefix: opts.trustedCertPrefix, timeoutMs: opts.timeoutMs, now: opts.now });

  async function readOrder(conn: PayPalConnection, providerCheckoutId: string, known?: KnownPayment): Promise<ProviderCheckoutState> {
    try {
      return fromOrder(await client.call(conn, 'GET', `/v2/checkout/orders/${encodeURIComponent(providerCheckoutId)}`, orderSchema));
    } catch (err) {
      // PayPal forgets orders that were never approved after a while. A capture we recorded is asked about by its id
      // (GET /v2/payments/captures/{id}): it tells where money on its way went when the order is gone.
      if (err instanceof ProviderRejectedError && err.httpStatus === 404) {
        const captureId = known?.paymentReference;
        if (captureId) {
          try {
            return fromCapture(
              providerCheckoutId,
              await client.call(conn, 'GET', `/v2/payments/captures/${encodeURIComponent(captureId)}`, captureSchema),
            );
          } catch (captureErr) {
            if (!(captureErr instanceof ProviderRejectedError && captureErr.httpStatus === 404)) throw captureErr;
          }
        }
        return { providerCheckoutId, state: 'EXPIRED', providerStatus: 'RESOURCE_NOT_FOUND', notFound: true, paymentNotFound: true };
      }
      throw err;
    }
  }

  /**
   * A PENDING capture event's order as PayPal shows it now. PayPal refusing the read (404, or any other final
   * answer) tells nothing newer than the signed body: the body is applied as sent (readOrder's 404 = EXPIRED is
   * for orders never approved, and would end a clearing eCheck and lose the body's order id), marked `notFound` so
   * that it never takes a checkout closed meanwhile (FAILED by PAYMENT.CAPTURE.DENIED) back to "on its way". A read
   * PayPal does not answer throws UPSTREAM_UNAVAILABLE: the webhook is answered 503 and PayPal sends it again.
   */
  async function readBack(conn: PayPalConnection, body: ProviderCheckoutState): Promise<ProviderCheckoutState> {
    try {
      const now = fromOrder(
        await client.call(conn, 'GET', `/v2/checkout/orders/${encodeURIComponent(body.providerCheckoutId)}`, orderSchema),
      );
      return { ...now, orderId: now.orderId ?? body.orderId };
    } catch (err) {
      if (err instanceof ProviderRejectedError) return { ...body, notFound: true };
      throw err;
    }
  }

  /**
   * 422 DUPLICATE_INVOICE_ID at capture: the shop's account blocks multiple payments per invoice ID and a payment
   * with this order's invoice_id was already captured on it ("Possible duplicate transaction"). PayPal took
   * nothing. Not retried under another invoice ID: PayPal's check is against paying the same invoice twice, and
   * only the shop can tell whether that payment was this order's. The checkout FAILS (the buyer can start a new
   * one, with an invoice ID of its own) and the admins are told. The order is read first: a capture that did
   * happen (an earlier request's) decides instead.
   */
  async function duplicateInvoiceAtCapture(conn: PayPalConnection, providerCheckoutId: string): Promise<ProviderCheckoutState> {
    const now = await readOrder(conn, providerCheckoutId);
    if (now.state === 'PAID' || now.state === 'PENDING') return now;
    return {
      providerCheckoutId,
      state: 'FAILED',
      orderId: now.orderId,
      providerStatus: 'CAPTURE REFUSED (DUPLICATE_INVOICE_ID)',
      captureRefused: `PayPal refused to take this payment (DUPLICATE_INVOICE_ID): the shop's PayPal account blocks multiple payments per invoice ID, and a payment with this checkout's invoice ID was already captured on it. The customer was NOT charged for PayPal order ${providerCheckoutId}. Look for that invoice ID in the PayPal account's activity: if it paid this order, record that payment; otherwise the customer can pay again (a new checkout has an invoice ID of its own).`,
    };
  }

  const adapter: ProviderAdapter<PayPalConnection> = {
    provider: 'PAYPAL',
    // The token and the create, and both again after a 401 (paypal.client.ts call): four requests of timeoutMs each.
    createCheckoutMaxMs: 4 * opts.timeoutMs,

    async testConnection(conn) {
      try {
        const t = await client.token(conn, true);
        return {
          ok: true,
          message: `Connected to PayPal ${conn.environment}${t.appId ? ` (app ${t.appId})` : ''}: the client id and secret were accepted.`,
        };
      } catch (err) {
        if (err instanceof ProviderRejectedError) return { ok: false, message: err.message };
        if (err instanceof AppError)
          return { ok: false, message: `PayPal could not be reached: ${String(err.details?.why ?? err.message)}` };
        throw err;
      }
    },

    async createCheckout(conn, input) {
      const created = await client.call(conn, 'POST', '/v2/checkout/orders', orderSchema, {
        requestId: input.idempotencyKey,
        body: {
          intent: 'CAPTURE',
          purchase_units: [
            {
              reference_id: input.orderId,
              invoice_id: payPalInvoiceId(input.orderId, input.idempotencyKey),
              custom_id: input.orderId,
              description: input.description.slice(0, 127),
              amount: { currency_code: input.currency.toUpperCase(), value: centsToDecimalString(input.amountCents, input.currency) },
            },
          ],
          payment_source: {
            paypal: {
              experience_context: {
                return_url: input.returnUrl,
                cancel_url: input.cancelUrl,
                user_action: 'PAY_NOW',
                shipping_preference: 'NO_SHIPPING',
              },
            },
          },
        },
      });
      const next = created.links?.find((l) => l.rel === 'payer-action') ?? created.links?.find((l) => l.rel === 'approve');
      if (!next)
        throw new AppError('UPSTREAM_UNAVAILABLE', 'PayPal did not answer an approval link.', {
          why: `order ${created.status} without approve/payer-action link`,
        });
      return { ...fromOrder(created), orderId: input.orderId, redirectUrl: next.href };
    },

    async capture(conn, providerCheckoutId, idempotencyKey) {
      try {
        const captured = await client.call(
          conn,
          'POST',
          `/v2/checkout/orders/${encodeURIComponent(providerCheckoutId)}/capture`,
          orderSchema,
          { requestId: idempotencyKey },
        );
        return fromOrder(captured);
      } catch (err) {
        if (!(err instanceof ProviderRejectedError)) throw err;
        // Already captured (by a webhook-triggered capture or an earlier return): read what happened.
        if (err.providerCode.endsWith('/ORDER_ALREADY_CAPTURED')) return adapter.getCheckout(conn, providerCheckoutId);
        // Not approved yet: still waiting for the buyer.
        if (err.providerCode.endsWith('/ORDER_NOT_APPROVED'))
          return { providerCheckoutId, state: 'OPEN', providerStatus: 'ORDER_NOT_APPROVED' };
        // The buyer's funding source was declined: PayPal lets them approve again with another one.
        if (err.providerCode.endsWith('/INSTRUMENT_DECLINED'))
          return { providerCheckoutId, state: 'OPEN', providerStatus: 'INSTRUMENT_DECLINED' };
        if (err.providerCode.endsWith('/DUPLICATE_INVOICE_ID')) return duplicateInvoiceAtCapture(conn, providerCheckoutId);
        throw err;
      }
    },

    async getCheckout(conn, providerCheckoutId, known) {
      return readOrder(conn, providerCheckoutId, known);
    },

    async voidCheckout() {
      // An uncaptured PayPal order cannot take money: we never capture a voided checkout, and PayPal lets the
      // order lapse. Nothing to call.
    },

    async verifyWebhook(conn, req) {
      await signatures.verify(req.headers, req.rawBody, conn.webhookId);
      // Signed by PayPal from here on: what we cannot read is acknowledged, not refused (UnusableWebhookEvent).
      let json: unknown;
      try {
        json = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        throw new UnusableWebhookEvent('the body is not valid JSON');
      }
      const named = (json ?? {}) as { id?: unknown; event_type?: unknown };
      const eventId = typeof named.id === 'string' && named.id ? named.id.slice(0, 200) : undefined;
      const eventType = typeof named.event_type === 'string' ? named.event_type : undefined;
      let out: ProviderWebhookEvent;
      try {
        const event = parseInput(webhookEnvelope, json, 'PayPal webhook event');
        out = { eventId: event.id, type: event.event_type, checkout: null };
        if (event.event_type === 'CHECKOUT.ORDER.APPROVED' || event.event_type === 'CHECKOUT.ORDER.COMPLETED') {
          out.checkout = fromOrder(parseInput(orderSchema, event.resource, 'PayPal order'));
        } else if (/^PAYMENT\.CAPTURE\.(COMPLETED|PENDING|DENIED|DECLINED)$/.test(event.event_type)) {
          const c = parseInput(captureSchema, event.resource, 'PayPal capture');
          const orderId = c.supplementary_data?.related_ids?.order_id;
          // A capture not made through a PayPal order (an invoice, a payment link): no checkout of ours can hold it.
          if (!orderId)
            throw new UnusableWebhookEvent('a capture event without supplementary_data.related_ids.order_id', eventId, eventType);
          out.checkout = fromCapture(orderId, c);
        } else if (event.event_type === 'PAYMENT.CAPTURE.REFUNDED' || event.event_type === 'PAYMENT.CAPTURE.REVERSED') {
          const r = parseInput(refundSchema, event.resource, 'PayPal refund');
          out.refund = { ...fromRefund(r), reversal: event.event_type === 'PAYMENT.CAPTURE.REVERSED' };
        }
      } catch (err) {
        if (err instanceof AppError && err.code === 'VALIDATION_FAILED') throw new UnusableWebhookEvent(err.message, eventId, eventType);
        throw err;
      }
      // A body saying the money is still on its way may be PayPal's retry of a delivery that failed, sent after the
      // capture moved on (DENIED, COMPLETED): applied as sent, it took a failed checkout back to "on its way". The
      // order is read as it is now. Final states (COMPLETED, DENIED) are final: taken as sent.
      if (out.checkout?.state === 'PENDING') out.checkout = await readBack(conn, out.checkout);
      return out;
    },

    async refund(conn, input) {
      const r = await client.call(
        conn,
        'POST',
        `/v2/payments/captures/${encodeURIComponent(input.paymentReference)}/refund`,
        refundSchema,
        {
          requestId: input.idempotencyKey,
          // No amount = everything still unrefunded; an amount = partial. custom_id (our refund id) comes back
          // on the refund and its PAYMENT.CAPTURE.REFUNDED webhook: how we know the refund for ours.
          body: input.full
            ? { custom_id: input.idempotencyKey }
            : {
                amount: { currency_code: input.currency.toUpperCase(), value: centsToDecimalString(input.amountCents, input.currency) },
                custom_id: input.idempotencyKey,
                note_to_payer: input.reason.slice(0, 255),
              },
        },
      );
      return { providerRefundId: r.id, state: r.status === 'COMPLETED' ? 'COMPLETED' : 'PENDING', providerStatus: r.status };
    },

    async refundsOfPayment(conn, input) {
      // The order lists every refund of its captures (purchase_units[].payments.refunds): one read, whoever made them.
      const o = await client.call(conn, 'GET', `/v2/checkout/orders/${encodeURIComponent(input.providerCheckoutId)}`, orderSchema);
      return (o.purchase_units ?? [])
        .flatMap((u) => u.payments?.refunds ?? [])
        .map(fromRefund)
        .filter((r) => r.paymentReference === input.paymentReference)
        .slice(0, input.limit);
    },
  };
  return adapter;
}
