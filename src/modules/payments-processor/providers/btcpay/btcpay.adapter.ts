// BTCPay Server adapter (Greenfield API v1) for Bitcoin invoices paid into the shop's own BTCPay store.
// createCheckout makes an invoice carrying our order id in its metadata and sends the buyer to its
// checkoutLink. Webhooks are verified with BTCPay-Sig and then the invoice is read back, so the core always
// acts on BTCPay's current record (status and paidAmount), whatever order deliveries arrive in.
// Refunds are BTCPay's: a pull payment the customer claims with their own address at its viewLink; there is
// no idempotency key in Greenfield, so the pull payment is named after our refund id and a retried call finds
// the first one instead of creating a second.
import { AppError } from '../../../../platform/errors.js';
import { centsToDecimalString } from '../../../../platform/money.js';
import type {
  BtcPayConnection,
  ConnectionTestResult,
  CreateCheckoutInput,
  CreatedCheckout,
  ProviderAdapter,
  ProviderCheckoutState,
  ProviderRefund,
  ProviderWebhookEvent,
  RefundInput,
  RefundPayout,
  WebhookRequest,
} from '../provider.port.js';
import { ProviderRejectedError, UnusableWebhookEvent } from '../provider.port.js';
import { z } from 'zod';
import {
  apiKeySchema,
  GreenfieldClient,
  type GreenfieldOutbound,
  invoiceSchema,
  paymentMethodSchema,
  payoutSchema,
  pullPaymentSchema,
  storeSchema,
} from './greenfield.client.js';
import { btcpayInvoiceState, needsPayments } from './btcpay-invoice.js';
import { describeMissingPermissions, missingBtcPayPermissions } from './btcpay-permissions.js';
import { receivedOnInvoice } from './btcpay-received.js';
import { BTCPAY_INVOICE_EVENTS, BTCPAY_PAYOUT_EVENTS, isValidBtcPaySignature, parseBtcPayDelivery } from './btcpay-webhook.js';

export interface BtcPayAdapterOptions {
  /** Per request, in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** How long a buyer has to pay an invoice (BTCPay's checkout.expirationMinutes; default 30). */
  expirationMinutes?: number;
  /** The outbound rule for the shops' server URLs (default: production's, https to public addresses only). */
  outbound?: GreenfieldOutbound;
}

export class BtcPayAdapter implements ProviderAdapter<BtcPayConnection> {
  readonly provider = 'BTCPAY' as const;
  private readonly timeoutMs: number;
  private readonly expirationMinutes: number;
  private readonly outbound: GreenfieldOutbound;

  constructor(opts: BtcPayAdapterOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.expirationMinutes = opts.expirationMinutes ?? 30;
    this.outbound = opts.outbound ?? { policy: { production: true } };
  }

  /** One POST invoice (greenfield.client.ts request: its timer covers the whole exchange). */
  get createCheckoutMaxMs(): number {
    return this.timeoutMs;
  }

  private client(conn: BtcPayConnection): GreenfieldClient {
    return new GreenfieldClient(conn, this.timeoutMs, this.outbound);
  }

  async testConnection(conn: BtcPayConnection): Promise<ConnectionTestResult> {
    const gf = this.client(conn);
    try {
      // The key's permissions first: a key that opens checkouts but cannot refund or read a refund's claims
      // must not pass (btcpay-permissions.ts).
      const key = await gf.request('GET', '/api/v1/api-keys/current', apiKeySchema).catch((err: unknown) => {
        if (err instanceof ProviderRejectedError && !isRedirect(err)) throw new KeyUnreadable(answerOf(err));
        throw err;
      });
      const missing = missingBtcPayPermissions(key.permissions, conn.storeId);
      if (missing.length) return { ok: false, message: describeMissingPermissions(missing, conn.storeId) };
      const store = await gf.request('GET', gf.storePath(), storeSchema);
      return { ok: true, message: `Connected to BTCPay Server at ${conn.serverUrl}: store "${store.name ?? store.id}" (${store.id}).` };
    } catch (err) {
      return { ok: false, message: describeFailure(err, conn) };
    }
  }

  async createCheckout(conn: BtcPayConnection, input: CreateCheckoutInput): Promise<CreatedCheckout> {
    const gf = this.client(conn);
    const invoice = await gf.request('POST', gf.storePath('/invoices'), invoiceSchema, {
      amount: centsToDecimalString(input.amountCents, input.currency),
      currency: input.currency,
      metadata: { orderId: input.orderId, orderNumber: input.orderNumber, itemDesc: input.description, checkoutRef: input.idempotencyKey },
      checkout: { redirectURL: input.returnUrl, redirectAutomatically: true, expirationMinutes: this.expirationMinutes },
    });
    return { ...btcpayInvoiceState(invoice), redirectUrl: invoice.checkoutLink };
  }

  async getCheckout(conn: BtcPayConnection, providerCheckoutId: string): Promise<ProviderCheckoutState> {
    const gf = this.client(conn);
    const path = gf.storePath(`/invoices/${encodeURIComponent(providerCheckoutId)}`);
    const invoice = await gf.request('GET', path, invoiceSchema);
    if (!needsPayments(invoice)) return btcpayInvoiceState(invoice);
    // Closed, or an older BTCPay without paidAmount: what settled decides, read from the payment methods.
    const methods = await gf.request('GET', `${path}/payment-methods`, z.array(paymentMethodSchema));
    const received = receivedOnInvoice(methods, invoice.currency);
    if (!received)
      throw new AppError('UPSTREAM_UNAVAILABLE', 'BTCPay answered payment amounts we cannot read.', { why: 'payment-methods amounts' });
    return btcpayInvoiceState(invoice, received);
  }

  /**
   * Marks an invoice that has taken no full payment Invalid, so its checkout page stops taking money.
   * One already Processing or Settled is left alone: that money is real, and the core refunds it when it
   * learns of it; BTCPay would let us mark it Invalid, which would only hide it.
   */
  async voidCheckout(conn: BtcPayConnection, providerCheckoutId: string): Promise<void> {
    const current = await this.getCheckout(conn, providerCheckoutId);
    if (current.state !== 'OPEN' && current.state !== 'EXPIRED') return;
    const gf = this.client(conn);
    try {
      await gf.request('POST', gf.storePath(`/invoices/${encodeURIComponent(providerCheckoutId)}/status`), invoiceSchema, {
        status: 'Invalid',
      });
    } catch (err) {
      // BTCPay refuses (422) when the invoice moved on meanwhile (paid, or already invalid): fine if so.
      if (!(err instanceof ProviderRejectedError)) throw err;
      const now = await this.getCheckout(conn, providerCheckoutId);
      if (now.state === 'OPEN' || now.state === 'EXPIRED') throw err;
    }
  }

  async verifyWebhook(conn: BtcPayConnection, req: WebhookRequest): Promise<ProviderWebhookEvent> {
    if (!isValidBtcPaySignature(conn.webhookSecret, req)) {
      throw new AppError('BAD_SIGNATURE', 'The BTCPay-Sig webhook signature does not match.');
    }
    const d = parseBtcPayDelivery(req.rawBody);
    const payout = BTCPAY_PAYOUT_EVENTS.has(d.type) && d.payoutId;
    if (!payout && (!BTCPAY_INVOICE_EVENTS.has(d.type) || !d.invoiceId)) return { eventId: d.eventId, type: d.type, checkout: null };
    if (d.storeId && d.storeId !== conn.storeId) {
      throw new UnusableWebhookEvent(`the webhook is for another store (${d.storeId}) than this connection's`, d.eventId, d.type);
    }
    if (payout) return { eventId: d.eventId, type: d.type, checkout: null, payout: await this.getPayout(conn, d.payoutId!) };
    return { eventId: d.eventId, type: d.type, checkout: await this.getCheckout(conn, d.invoiceId!) };
  }

  /** A claim on a pull payment as BTCPay has it now (GET …/payouts/{id}), with the store's page to act on it. */
  async getPayout(conn: BtcPayConnection, payoutId: string): Promise<RefundPayout | null> {
    const gf = this.client(conn);
    const p = await gf.request('GET', gf.storePath(`/payouts/${encodeURIComponent(payoutId)}`), payoutSchema);
    if (!p.pullPaymentId) return null;
    return { pullPaymentId: p.pullPaymentId, payoutId: p.id, state: p.state, adminUrl: payoutsPage(conn, p.pullPaymentId) };
  }

  async refund(conn: BtcPayConnection, input: RefundInput): Promise<ProviderRefund> {
    const gf = this.client(conn);
    const name = `Refund ${input.idempotencyKey}`;
    const existing = (await gf.request('GET', `${gf.storePath('/pull-payments')}?includeArchived=true`, z.array(pullPaymentSchema))).find(
      (pp) => pp.name === name,
    );
    const pp =
      existing ??
      (await gf.request('POST', gf.storePath(`/invoices/${encodeURIComponent(input.providerCheckoutId)}/refund`), pullPaymentSchema, {
        name,
        description: input.reason.slice(0, 500),
        // Custom in the invoice currency: exactly the amount the core decided, full or partial, with the
        // crypto amount worked out by BTCPay at the rate when the customer claims.
        refundVariant: 'Custom',
        customAmount: centsToDecimalString(input.amountCents, input.currency),
        customCurrency: input.currency,
      }));
    return {
      providerRefundId: pp.id,
      state: 'CLAIM_SENT',
      claimUrl: pp.viewLink,
      providerStatus: existing ? 'PullPaymentExisting' : 'PullPaymentCreated',
      // BTCPay auto-approves a refund's claims only when it is in the crypto paid (RateThen, CurrentRate):
      // a Custom refund in the invoice's fiat waits for the merchant's approval of each claim.
      awaitsApproval: pp.autoApproveClaims === false,
      adminUrl: payoutsPage(conn, pp.id),
    };
  }
}

/** BTCPay's own page of a pull payment's payouts (UIStorePullPaymentsController), where they are approved and paid. */
function payoutsPage(conn: BtcPayConnection, pullPaymentId: string): string {
  return `${conn.serverUrl.replace(/\/+$/, '')}/stores/${encodeURIComponent(conn.storeId)}/pull-payments/${encodeURIComponent(pullPaymentId)}/payouts`;
}

/** A 3xx: Greenfield calls follow no redirect (greenfield.client.ts), so the server URL is not the one to save. */
const isRedirect = (err: ProviderRejectedError) => err.httpStatus >= 300 && err.httpStatus < 400;

/** BTCPay answered GET /api/v1/api-keys/current with a refusal (not 401/403): the key's permissions are unknown. */
class KeyUnreadable extends Error {}

/** An answer as the panel may show it: its status and Greenfield's error code, never the server's words. */
function answerOf(err: ProviderRejectedError | { httpStatus: number; providerCode: string }): string {
  return `HTTP ${err.httpStatus} ${err.providerCode}`;
}

/**
 * Test connection's words (shown in the panel, kept as lastTestMessage and in the audit trail): ours, with the
 * answer's status and error code at most. The server is the shop's choice, so what it answered is not echoed.
 */
function describeFailure(err: unknown, conn: BtcPayConnection): string {
  if (err instanceof KeyUnreadable)
    return `BTCPay Server at ${conn.serverUrl} did not show the API key's permissions (${err.message}), so they cannot be checked.`;
  const details = err instanceof AppError ? (err.details ?? {}) : {};
  if (typeof details.refused === 'string')
    return `BTCPay Server at ${conn.serverUrl} was not called: ${details.refused}. The server URL must be the BTCPay Server's public https:// address; correct it, save and test again.`;
  if (err instanceof ProviderRejectedError) {
    // Not followed (it could lead anywhere): a server URL that redirects (a bare domain to www., http to https) used
    // to work through fetch, and "refused the request (HTTP 301)" did not say what to change.
    if (isRedirect(err))
      return `BTCPay Server at ${conn.serverUrl} answered with a redirect (HTTP ${err.httpStatus}), which is not followed: save the address it redirects to (open the URL in a browser to see it) and test again.`;
    if (err.httpStatus === 404) return `BTCPay Server at ${conn.serverUrl} has no store ${conn.storeId} (${answerOf(err)}).`;
    return `BTCPay Server at ${conn.serverUrl} refused the request (${answerOf(err)}).`;
  }
  const answer =
    typeof details.httpStatus === 'number' && typeof details.providerCode === 'string'
      ? answerOf({ httpStatus: details.httpStatus, providerCode: details.providerCode })
      : undefined;
  if (details.httpStatus === 401)
    return `BTCPay Server refused the API key (${answer}). Create a key with the store's invoice and pull payment permissions.`;
  if (details.httpStatus === 403 && details.providerCode === 'missing-permission' && err instanceof AppError) return err.message;
  if (details.httpStatus === 403) return `BTCPay Server says the API key lacks a permission for store ${conn.storeId} (${answer}).`;
  if (answer) return `Could not use BTCPay Server at ${conn.serverUrl} (${answer}).`;
  if (typeof details.why === 'string') return `Could not use BTCPay Server at ${conn.serverUrl} (${details.why}).`;
  return `Could not reach BTCPay Server at ${conn.serverUrl}.`;
}
