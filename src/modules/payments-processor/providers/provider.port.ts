// The port every real payment provider adapter implements (PayPal Orders v2, Square for Cash App Pay, BTCPay
// Server's Greenfield API). Each call takes the shop's own connection (decrypted credentials + the base URL
// to talk to), so money always lands in the shop's own account; adapters hold no per-shop state of their own
// except caches keyed by connection (e.g. PayPal's OAuth token).
//
// Contract shared by all adapters:
// - Network failures, timeouts, 5xx, 401/403/408/429 throw AppError('UPSTREAM_UNAVAILABLE', ...) (retryable).
// - A refusal that a retry cannot fix (4xx other than the above) throws ProviderRejectedError with the
//   provider's own reason (its error name / detail), never a secret.
// - Amounts are integer minor units (cents) here; adapters convert to the provider's format ("12.34" strings
//   for PayPal and BTCPay, integer minor units for Square) and back.
// - A webhook whose signature is good but whose body we cannot use (not JSON, not shaped as the provider documents
//   it, a PayPal capture without its order id, another BTCPay store) throws UnusableWebhookEvent: acknowledged 200
//   and recorded by the checkout service (one rule for every provider), never refused: a refusal is retried by the
//   provider for days and cannot succeed.
// - Nothing an adapter logs or throws contains a credential, a webhook secret or a full checkout URL token.
import type { PaymentMethod } from '../../../generated/prisma/index.js';

export type ProviderId = 'PAYPAL' | 'SQUARE' | 'BTCPAY';

/** Which provider settles each processor-backed payment method of the spec. */
export const PROVIDER_FOR_METHOD = {
  PAYPAL: 'PAYPAL',
  CASHAPP_PAY: 'SQUARE',
  BTC_INVOICE: 'BTCPAY',
} as const satisfies Partial<Record<PaymentMethod, ProviderId>>;

export interface PayPalConnection {
  provider: 'PAYPAL';
  /** https://api-m.sandbox.paypal.com / https://api-m.paypal.com, or a local fake's URL (config override). */
  apiBaseUrl: string;
  environment: 'sandbox' | 'live';
  clientId: string;
  clientSecret: string;
  /** The id PayPal gave the webhook registered for this app (needed to verify its signatures). */
  webhookId: string;
}

export interface SquareConnection {
  provider: 'SQUARE';
  /** https://connect.squareupsandbox.com / https://connect.squareup.com, or a local fake's URL. */
  apiBaseUrl: string;
  /** The Web Payments SDK script the invoice page loads (sandbox / production CDN, or the fake's copy). */
  webPaymentsSdkUrl: string;
  environment: 'sandbox' | 'production';
  accessToken: string;
  locationId: string;
  applicationId: string;
  webhookSignatureKey: string;
}

export interface BtcPayConnection {
  provider: 'BTCPAY';
  /** The shop's own BTCPay Server, e.g. https://btcpay.example.com (no trailing slash). */
  serverUrl: string;
  storeId: string;
  apiKey: string;
  webhookSecret: string;
}

export type ProviderConnection = PayPalConnection | SquareConnection | BtcPayConnection;

export interface ConnectionTestResult {
  ok: boolean;
  /** What the provider answered, in words an owner reads (e.g. "Connected to PayPal sandbox as app AbC…",
   *  "Square refused the access token (401 UNAUTHORIZED)"). Never contains a secret. */
  message: string;
}

export interface CreateCheckoutInput {
  /** Our order id: PayPal custom_id (and the start of invoice_id), Square reference_id, BTCPay metadata.orderId. */
  orderId: string;
  orderNumber: number;
  amountCents: number;
  currency: string;
  /** Where the buyer comes back after paying (PayPal return_url, BTCPay checkout.redirectURL). */
  returnUrl: string;
  cancelUrl: string;
  /** Our checkout row id: PayPal-Request-Id / Square idempotency_key, so a retried create makes one checkout. */
  idempotencyKey: string;
  /** Shown to the buyer by the provider, e.g. "Demo Shop order #1001". */
  description: string;
}

/** A checkout as the provider sees it now. */
export interface ProviderCheckoutState {
  /** PayPal order id, Square payment id, BTCPay invoice id. */
  providerCheckoutId: string;
  /**
   * OPEN: waiting for the buyer; APPROVED: buyer approved, capture still needed (PayPal);
   * PENDING: money on its way, not final (PayPal capture PENDING, BTCPay Processing); PAID: final and
   * settled; FAILED: declined/denied/invalid; EXPIRED: the provider closed it unpaid; VOIDED: we voided it.
   */
  state: 'OPEN' | 'APPROVED' | 'PENDING' | 'PAID' | 'FAILED' | 'EXPIRED' | 'VOIDED';
  /** What was actually paid, when known (PAID/PENDING). */
  paidAmountCents?: number;
  currency?: string;
  /** What a refund must name: PayPal capture id, Square payment id, BTCPay invoice id. */
  paymentReference?: string;
  /** Our order id as the provider echoes it back (custom_id or invoice_id's order part, reference_id, metadata.orderId). */
  orderId?: string;
  /** The provider's own words for the state (e.g. "COMPLETED", "Settled/PaidLate"), kept for the record. */
  providerStatus: string;
  /**
   * Where the buyer can go on paying this checkout, while it still takes money (BTCPay: the invoice's
   * checkoutLink, which shows what already arrived). A new press of the pay button goes there instead of
   * opening a second checkout for the whole amount. Absent: a new checkout is made.
   */
  resumeUrl?: string;
  /**
   * While OPEN: when the provider closes it by itself if nobody pays, as the provider says (BTCPay: the invoice's
   * expirationTime). Absent when the provider does not say (PayPal publishes no lifetime for an unapproved order;
   * it answers 404 once it has forgotten one) and for Square, whose checkout exists only on our side until charged.
   */
  expiresAt?: Date;
  /**
   * With FAILED from a capture: the provider refused to take the money the buyer approved, and nothing was taken
   * (PayPal's DUPLICATE_INVOICE_ID). What happened, in words for the shop's admins; the ledger records it on the
   * order and tells the admin channel once.
   */
  captureRefused?: string;
  /**
   * The provider has no record of the checkout now (404 on the read; for PayPal's read-back of a webhook, any refusal
   * of the read): `state` is not what it reported but what we make of that (PayPal getCheckout: EXPIRED, an order
   * never approved that PayPal forgot; a read-back: the webhook's body as sent). The ledger lets it close only a checkout nothing was ever on its way on (OPEN), and never lets it end
   * money on its way (APPROVED, PENDING) or reopen a closed checkout (checkout-ledger.ts, notFoundKeeps).
   */
  notFound?: true;
  /**
   * With `notFound`: the payment the checkout recorded (`KnownPayment.paymentReference`, PayPal's capture) was asked
   * about by its id too and is unknown as well, or none was recorded. The ledger then ends a checkout whose money was
   * on its way (FAILED) and tells the admins (payment.unknown_at_provider), rather than keep it blocking the order.
   */
  paymentNotFound?: true;
}

/** What the checkout recorded of its payment, so that an adapter can ask for it when the checkout itself is unknown. */
export interface KnownPayment {
  paymentReference?: string | null;
}

export interface CreatedCheckout extends ProviderCheckoutState {
  /** Where to send the buyer's browser (PayPal approve / payer-action link, BTCPay checkoutLink). Null for
   *  Square, whose Cash App Pay button lives on our invoice page (Web Payments SDK). */
  redirectUrl: string | null;
}

/** A verified webhook, reduced to what the payments core acts on. */
export interface ProviderWebhookEvent {
  /** The provider's event id (PayPal event id, Square event_id, BTCPay deliveryId or originalDeliveryId):
   *  events are de-duplicated per connection, on (provider, connectionId, eventId). */
  eventId: string;
  /** The provider's own event type, e.g. "PAYMENT.CAPTURE.COMPLETED", "payment.updated", "InvoiceSettled". */
  type: string;
  /** Present when the event is about a checkout; null for event types we record but do not act on. */
  checkout: ProviderCheckoutState | null;
  /** Present when the event is about a refund (PayPal PAYMENT.CAPTURE.REFUNDED, Square refund.updated). */
  refund?: {
    providerRefundId: string;
    state: 'PENDING' | 'COMPLETED' | 'FAILED';
    amountCents?: number;
    /** The paid checkout's paymentReference the refund is against (PayPal: the capture id from the refund's "up" link). */
    paymentReference?: string;
    /** True for money taken back by the provider or the payer's bank (PayPal PAYMENT.CAPTURE.REVERSED), not by us. */
    reversal?: boolean;
    /**
     * The idempotency key of the request that made this refund, as the provider echoes it back (PayPal: the
     * refund's custom_id; Square: the mark at the end of its reason): our refund's id, or the unapplied-money
     * refund's key. Absent for a refund made in the provider's dashboard.
     */
    ourKey?: string;
  } | null;
  /**
   * BTCPay PayoutCreated / PayoutApproved / PayoutUpdated: a claim on a refund's pull payment (the payout) and
   * its state as BTCPay reads it now (the webhook is only a hint: the adapter reads the payout back).
   */
  payout?: RefundPayout | null;
}

/** BTCPay's PayoutState, as Greenfield spells it. */
export type PayoutState = 'AwaitingApproval' | 'AwaitingPayment' | 'InProgress' | 'Completed' | 'Cancelled';

export interface RefundPayout {
  /** The refund's pull payment: ProviderRefund.providerRefundId. */
  pullPaymentId: string;
  payoutId: string;
  state: PayoutState;
  /** The store's page of this pull payment's payouts, where the merchant approves and pays them. */
  adminUrl: string;
}

export interface RefundInput {
  /** ProviderCheckoutState.paymentReference of the paid checkout. */
  paymentReference: string;
  /** The checkout id (BTCPay refunds are per invoice; PayPal and Square use paymentReference). */
  providerCheckoutId: string;
  amountCents: number;
  currency: string;
  /** True when this refund returns everything still unrefunded (PayPal: empty body). */
  full: boolean;
  /**
   * Our refund id: PayPal-Request-Id / Square idempotency_key, so a retried job never pays twice. Also sent
   * where the provider echoes it on the refund (PayPal custom_id, Square the end of the reason), so a refund's
   * webhook is known for ours even before the job has recorded the provider's refund id.
   */
  idempotencyKey: string;
  reason: string;
}

/** A refund of a payment as the provider lists it now (the same facts a refund webhook carries). */
export type ProviderRefundRecord = NonNullable<ProviderWebhookEvent['refund']>;

export interface ProviderRefund {
  providerRefundId: string;
  /** COMPLETED: money sent; PENDING: the provider will say later (webhook); CLAIM_SENT: BTCPay pull payment
   *  created, the customer must claim it at claimUrl. */
  state: 'COMPLETED' | 'PENDING' | 'CLAIM_SENT';
  claimUrl?: string;
  providerStatus: string;
  /** CLAIM_SENT: the claim will wait for the merchant's approval at the provider (BTCPay autoApproveClaims false). */
  awaitsApproval?: boolean;
  /** CLAIM_SENT: where the merchant follows (approves, pays) the claims: BTCPay's payouts page of the pull payment. */
  adminUrl?: string;
}

export interface WebhookRequest {
  rawBody: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The public URL the provider posted to, exactly as configured there (Square signs it). */
  notificationUrl: string;
}

/** The provider refused for good (4xx other than auth/throttling): retrying the same call cannot succeed. */
export class ProviderRejectedError extends Error {
  readonly httpStatus: number;
  /** The provider's error name, e.g. "UNPROCESSABLE_ENTITY/CAPTURED_AMOUNT_FULLY_REFUNDED". */
  readonly providerCode: string;
  constructor(message: string, httpStatus: number, providerCode: string) {
    super(message);
    this.name = 'ProviderRejectedError';
    this.httpStatus = httpStatus;
    this.providerCode = providerCode;
  }
}

export interface ProviderAdapter<C extends ProviderConnection = ProviderConnection> {
  readonly provider: C['provider'];
  /**
   * The longest createCheckout can take before its HTTP client gives up (its timeouts, over every call it makes):
   * a checkout still being created past that (plus a margin, checkouts/checkout-expiry.ts) was left by a process
   * that died. PayPal: an OAuth token and the create, once more after a 401; BTCPay: one call; Square: none.
   */
  readonly createCheckoutMaxMs: number;
  /** Calls the provider with the credentials (PayPal: OAuth token; Square: GET location; BTCPay: the key's permissions, then GET store). */
  testConnection(conn: C): Promise<ConnectionTestResult>;
  /**
   * Opens a checkout for the amount. PayPal: POST /v2/checkouts/orders (intent CAPTURE). BTCPay: POST invoice.
   * Square: no server-side checkout exists before the buyer tokenizes; the adapter returns state OPEN with
   * providerCheckoutId = idempotencyKey and redirectUrl null, and charge() later creates the payment.
   */
  createCheckout(conn: C, input: CreateCheckoutInput): Promise<CreatedCheckout>;
  /** Square only: CreatePayment with the Web Payments SDK token (source_id) for the checkout's amount. */
  charge?(
    conn: C,
    input: { sourceToken: string; amountCents: number; currency: string; idempotencyKey: string; orderId: string; note: string },
  ): Promise<ProviderCheckoutState>;
  /**
   * Square only: the payments made for our order (reference_id) since `since`, oldest first, at most
   * `limit`. For a checkout still named by our own id whose charge answer and webhooks were both lost: the
   * reconciliation looks for its payment here before retiring it (GetPayment cannot: the id is Square's).
   */
  paymentsForOrder?(conn: C, input: { orderId: string; since: Date; limit: number }): Promise<ProviderCheckoutState[]>;
  /** PayPal only: capture an APPROVED order (on return and on CHECKOUT.ORDER.APPROVED). Idempotent by request id. */
  capture?(conn: C, providerCheckoutId: string, idempotencyKey: string): Promise<ProviderCheckoutState>;
  /** Reads the checkout's current state (return page, reconciliation of checkouts whose webhook never came). */
  getCheckout(conn: C, providerCheckoutId: string, known?: KnownPayment): Promise<ProviderCheckoutState>;
  /** Closes an unpaid checkout so it can no longer be paid (BTCPay: mark invalid; PayPal: nothing to call, an
   *  uncaptured order lapses, so the adapter records nothing and returns; Square: nothing before charge). */
  voidCheckout(conn: C, providerCheckoutId: string): Promise<void>;
  /** Verifies the signature over the raw bytes (BAD_SIGNATURE AppError when it fails) and parses the event. */
  verifyWebhook(conn: C, req: WebhookRequest): Promise<ProviderWebhookEvent>;
  refund(conn: C, input: RefundInput): Promise<ProviderRefund>;
  /**
   * PayPal and Square: the refunds the provider holds for a payment, made by us or in its dashboard, at most
   * `limit` (PayPal: the order's purchase_units[].payments.refunds, one GET; Square: GetPayment's refund_ids,
   * then GetPaymentRefund for each). Reconciliation reads them when a webhook may have been lost.
   */
  refundsOfPayment?(
    conn: C,
    input: { paymentReference: string; providerCheckoutId: string; limit: number },
  ): Promise<ProviderRefundRecord[]>;
}

/**
 * A well-signed provider webhook we cannot act on (its body unreadable or not as documented, or about something we
 * cannot match): checkout.service.ts handleWebhook acknowledges it (200, outcome "unusable"), logs a warning and
 * records it when its event id is known. Thrown only after the signature was verified.
 */
export class UnusableWebhookEvent extends Error {
  constructor(
    readonly why: string,
    readonly eventId?: string,
    readonly eventType?: string,
  ) {
    super(why);
    this.name = 'UnusableWebhookEvent';
  }
}
