// Pay-by-invoice links: a time-limited, HMAC-signed URL that shows an order's summary in any browser and
// offers the processor-backed methods the tenant has enabled (never the manual P2P ones).
import type { OrderStatus, PaymentMethod, PaymentProvider, ShippingStatus } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/prisma.js';
import { AppError, notFound } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';
import { withoutTrailingSlash } from '../../platform/base-url.js';
import type { ConnectionService } from '../payments-processor/connections/connection.service.js';
import { isProcessorMethod, type ProcessorMethod } from '../payments-processor/connections/provider-definitions.js';
import type { CheckoutService, PressLanding, ReturnOutcome } from '../payments-processor/checkouts/checkout.service.js';
import { orderCheckoutNow } from '../payments-processor/checkouts/order-checkout-now.js';
import { ORDER_ITEMS_ORDER_BY, ORDER_STATUS_LABELS, orderAgainSentence, owedCents } from '../orders/index.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ReceiptDms, ReceiptDmState } from '../notifications/receipt-dm-state.js';
import type { TenantContext } from '../shared/actor.js';
import { InvoiceLinkExpiredError, signInvoiceToken, verifyInvoiceToken } from './invoice-token.js';
import { payLinkOffered } from './pay-link-offered.js';
import type { OrderTotals } from '../orders/index.js';

/** Longest link an admin may ask for: long enough for slow payers, short enough that old links die. */
export const INVOICE_LINK_MAX_TTL_SECONDS = 90 * 24 * 3600;

export interface InvoiceConfig {
  /** INVOICE_LINK_SIGNING_SECRET; undefined disables links (INVOICE_LINK_DISABLED). */
  signingSecret?: string;
  /** INVOICE_LINK_SIGNING_SECRET_PREVIOUS: still accepted (never used to sign) while links it signed live on. */
  previousSigningSecret?: string;
  defaultTtlSeconds: number;
  /** PUBLIC_BASE_URL; when unset the caller's origin is used. */
  publicBaseUrl?: string;
  /**
   * Outside production, where a link is made without a caller's origin (a Discord "Pay now" button), the
   * address the server prints in its banner (http://localhost:$PORT), as .env.example says.
   */
  developmentBaseUrl?: string;
}

export interface InvoiceLink {
  url: string;
  expiresAt: Date;
  /** Buttons the page will show now (processor-backed methods the tenant has enabled, when a processor is configured). */
  paymentMethods: ProcessorMethod[];
}

export interface InvoiceAddress {
  name?: string;
  line1: string;
  line2?: string;
  city: string;
  state?: string;
  postalCode: string;
  country: string;
}

export interface InvoiceView extends OrderTotals {
  shopName: string;
  orderNumber: number;
  status: OrderStatus;
  shippingStatus: ShippingStatus;
  items: { name: string; sku: string; quantity: number; unitPriceCents: number; lineTotalCents: number }[];
  refundedTotalCents: number;
  /** Recorded as received already (an admin's receipts of a part payment). */
  receivedCents: number;
  /** What a checkout charges: the total less receivedCents (orders' owedCents). */
  owedCents: number;
  shipTo: InvoiceAddress | null;
  expiresAt: Date;
  /** When an unpaid order is cancelled (its pay window, `orders.paymentDueAt`); null once paid or closed. */
  payBy: Date | null;
  /** The shop's time zone (IANA name), which the page's times are written in. */
  timeZone: string;
  /** Only PENDING_PAYMENT orders can be paid through the link. */
  payable: boolean;
  /** Processor-backed methods the tenant enabled AND connected, in a fixed order; empty when not payable. */
  methods: ProcessorMethod[];
  /** False when the shop has no working processor connection at all. */
  onlinePaymentConfigured: boolean;
  /**
   * A payment of this unpaid order that is on its way (a PayPal eCheck clearing, a BTCPay invoice confirming):
   * the page says so instead of offering to pay again (orderCheckoutNow, the read the admin post uses).
   */
  paymentOnItsWay: { provider: PaymentProvider; state: 'APPROVED' | 'PENDING'; amountCents: number; currency: string } | null;
  /** How the order was (or is to be) paid: a paid order's page is a receipt, which says with what. */
  paymentMethod: PaymentMethod;
  /** When the order was paid; null while it is not. */
  paidAt: Date | null;
  /**
   * Where the receipt DM of a paid order stands (notifications/receipt-dm-state.ts), so the page says only what is true
   * of it; null for an order that is not paid (no receipt is sent).
   */
  receiptDm: ReceiptDmState | null;
}

export interface CashAppPayView {
  shopName: string;
  orderNumber: number;
  totalCents: number;
  currency: string;
  checkoutId: string;
  applicationId: string;
  locationId: string;
  webPaymentsSdkUrl: string;
}

export interface InvoiceService {
  /**
   * Signs a link for a PENDING_PAYMENT order of ctx.tenantId. Errors: INVOICE_LINK_DISABLED (no secret),
   * VALIDATION_FAILED (expiresInSeconds not a whole number in 1..90 days), NOT_FOUND (not this tenant's
   * order), ILLEGAL_STATE (paid, cancelled or refunded order).
   */
  createLink(ctx: TenantContext, orderId: string, opts?: { expiresInSeconds?: number; fallbackBaseUrl?: string }): Promise<InvoiceLink>;
  /**
   * Whether a link can be made without a caller's origin (a signing secret and a public address): without
   * one, nothing can send a customer to the invoice page, so Discord does not offer PayPal, Cash App Pay
   * or Bitcoin (a "Pay now" would be promised and never shown).
   */
  linksAvailable(): boolean;
  /** INVOICE_LINK_DISABLED, INVOICE_LINK_INVALID (tampered, other secret) or INVOICE_LINK_EXPIRED. */
  verify(token: string): { tenantId: string; orderId: string; expiresAt: Date };
  /** What the invoice page shows. verify's errors, NOT_FOUND when the order was deleted. */
  view(token: string): Promise<InvoiceView>;
  /**
   * Opens a checkout at the shop's provider for the order and returns where to send the browser. Errors:
   * verify's, ILLEGAL_STATE (order no longer waiting for payment), PAYMENT_METHOD_NOT_ENABLED (not a
   * processor-backed method the tenant enabled and connected), UPSTREAM_UNAVAILABLE (provider down).
   * CONFLICT with `details.checkout` naming what the page should say instead (CheckoutService.start's): with
   * `expectedOwedCents` (the amount the page showed), `amount-changed` and no checkout when the order now owes
   * another amount (an admin edited it meanwhile), so the customer sees the new amount before paying it.
   */
  startCheckout(
    token: string,
    method: string,
    opts?: { fallbackBaseUrl?: string; expectedOwedCents?: number },
  ): Promise<{ url: string | null; checkoutId: string }>;
  /**
   * What the Cash App Pay page needs to run Square's Web Payments SDK for an open Square checkout of this
   * order (no secrets: the application and location ids are public by design). verify's errors (an expired link still
   * for a checkout of its order started before its end, as completeReturn); NOT_FOUND
   * when the checkout is not an open Square checkout of this order.
   */
  cashAppPay(token: string, checkoutId: string): Promise<CashAppPayView>;
  /**
   * Where a press of Pay made while an earlier press's checkout was being opened goes now (the page it was shown
   * refreshes itself until then): verify's errors, then CheckoutService.pressLanding's. `redirectUrl` null with 'landed':
   * the Cash App Pay page of `checkoutId`.
   */
  pressLanding(token: string, checkoutId: string): Promise<PressLanding>;
  /**
   * The Web Payments SDK's token for the checkout: verify's errors (an expired link still for a checkout of its order
   * started before its end, as completeReturn), then CheckoutService.charge's.
   */
  chargeToken(token: string, checkoutId: string, sourceToken: string): Promise<ReturnOutcome>;
  /**
   * The buyer is back from the provider (the checkout's return URL): verify's errors (an expired link still for a checkout
   * of its order started before its end: the buyer was paying when it expired), then CheckoutService.completeReturn's.
   */
  completeReturn(token: string, checkoutId: string, providerCheckoutId?: string): Promise<ReturnOutcome>;
}

export function createInvoiceService(deps: {
  db: Db;
  clock: Clock;
  config: InvoiceConfig;
  connections: ConnectionService;
  checkouts: CheckoutService;
  audit: Pick<AuditService, 'record'>;
  /** Where a paid order's receipt DM stands (notifications/receipt-dm-state.ts). */
  receiptDms: Pick<ReceiptDms, 'stateOf'>;
}): InvoiceService {
  const { db, clock, config, connections, checkouts, audit, receiptDms } = deps;

  const secret = (): string => {
    if (!config.signingSecret) {
      throw new AppError(
        'INVOICE_LINK_DISABLED',
        'Invoice links are disabled on this server: set INVOICE_LINK_SIGNING_SECRET (at least 32 characters) and restart.',
      );
    }
    return config.signingSecret;
  };
  const baseUrl = (fallback?: string): string => {
    const base = config.publicBaseUrl ?? fallback ?? config.developmentBaseUrl;
    if (!base) throw new AppError('ILLEGAL_STATE', 'Set PUBLIC_BASE_URL so invoice links can be built.');
    return withoutTrailingSlash(base);
  };
  /** Enabled AND connected processor-backed methods (manual ones never appear on the page). */
  const enabledMethods = async (tenantId: string, enabled: PaymentMethod[]): Promise<ProcessorMethod[]> =>
    (await connections.usableMethods(tenantId, enabled)).filter(isProcessorMethod);

  // checkoutThenOrder: the page reads the order's checkout before the order itself. A payment that arrives marks its
  // checkout and its order paid in one transaction (checkout-ledger.ts), so this order never pairs an order still
  // waiting for payment with a checkout already closed paid. Read the other way round (before 2026-12-07), a payment
  // committed between the two reads drew "Pay $42.50" (or, on an expired link, "get a new one") for an order just
  // paid, with no payment on its way shown.

  /**
   * verify, for the page's answers: an expired link of an order with a payment on its way says so (nothing to pay); of
   * an order Discord offers "Pay now" for, where to get a fresh one; of an order no longer waiting for payment, that it is paid (or cancelled) and its status, as there is
   * nothing to pay and no new link to ask for (its shop and order are read from the link only because its signature
   * was checked: InvoiceLinkExpiredError); any other expired link keeps "Ask the shop for a new link".
   */
  async function verified(token: string): Promise<{ tenantId: string; orderId: string; expiresAt: Date }> {
    try {
      return service.verify(token);
    } catch (err) {
      if (!(err instanceof InvoiceLinkExpiredError)) throw err;
      // The checkout before the order (checkoutThenOrder).
      const now = await orderCheckoutNow(db, err.link.tenantId, err.link.orderId);
      const order = await db.order.findFirst({
        where: { id: err.link.orderId, tenantId: err.link.tenantId },
        select: { number: true, status: true, paymentMethod: true, tenant: { select: { name: true } } },
      });
      if (!order) throw err;
      const closed = closedOrderWords(order.status);
      if (closed)
        throw new AppError(
          'INVOICE_LINK_EXPIRED',
          `This invoice link for order #${order.number} at ${order.tenant.name} has expired. ${closed}`,
        );
      // A payment on its way (the buyer finished paying as the link ended: an eCheck clearing, a Bitcoin invoice
      // confirming): nothing to pay, and no new link to ask for while it arrives.
      if (now && now.state !== 'OPEN')
        throw new AppError(
          'INVOICE_LINK_EXPIRED',
          `This invoice link for order #${order.number} at ${order.tenant.name} has expired, but a payment of ${formatMoney(now.amountCents, now.currency)} for it is on its way: there is nothing to pay now. The order is marked paid when it arrives, and you get a receipt in Discord.`,
        );
      if (!payLinkOffered(order)) throw err;
      throw new AppError(
        'INVOICE_LINK_EXPIRED',
        `This invoice link for order #${order.number} at ${order.tenant.name} has expired. Get a new one in the shop's Discord: run /orders, press "View #${order.number}", then "Pay now".`,
      );
    }
  }

  /**
   * verify, for a checkout the buyer is finishing (back from PayPal or BTCPay, or from the Cash App app to the Cash App
   * Pay page and its charge): a link that expired while they were paying still works for a checkout of its order
   * started before its end (the payment they approved is taken, and the page says what became of it); any other
   * expired link is verified's. Nothing new is started with it: the page and Pay refuse it.
   */
  async function finishing(token: string, checkoutId: string): Promise<{ tenantId: string; orderId: string }> {
    try {
      return service.verify(token);
    } catch (err) {
      if (!(err instanceof InvoiceLinkExpiredError)) throw err;
      const { tenantId, orderId, exp } = err.link;
      const started = await db.paymentCheckout.count({
        where: { id: checkoutId, tenantId, orderId, createdAt: { lt: new Date(exp * 1000) } },
      });
      if (started === 1) return { tenantId, orderId };
      return verified(token);
    }
  }

  /** What an expired link says of an order that waits for no payment: paid (refunded since, or not), or cancelled. */
  function closedOrderWords(status: OrderStatus): string | null {
    if (status === 'PENDING_PAYMENT') return null;
    if (status === 'CANCELLED')
      return `The order was cancelled: there is nothing to pay. ${orderAgainSentence("/order in the shop's Discord")}`;
    if (status === 'REFUNDED') return 'The order was paid and then refunded: there is nothing to pay.';
    if (status === 'PARTIALLY_REFUNDED')
      return `The order is already paid (part of it was refunded): there is nothing more to pay. Its status: ${ORDER_STATUS_LABELS[status]}.`;
    return `The order is already paid: there is nothing more to pay. Its status: ${ORDER_STATUS_LABELS[status]}.`;
  }

  const service: InvoiceService = {
    async createLink(ctx, orderId, opts = {}) {
      const key = secret();
      const ttl = opts.expiresInSeconds ?? config.defaultTtlSeconds;
      if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > INVOICE_LINK_MAX_TTL_SECONDS) {
        throw new AppError(
          'VALIDATION_FAILED',
          `expiresInSeconds must be a whole number from 1 to ${INVOICE_LINK_MAX_TTL_SECONDS} (90 days).`,
          {
            fields: [{ path: 'expiresInSeconds', message: `between 1 and ${INVOICE_LINK_MAX_TTL_SECONDS}` }],
          },
        );
      }
      const order = await db.order.findFirst({
        where: { id: orderId, tenantId: ctx.tenantId },
        select: { id: true, number: true, status: true, tenant: { select: { enabledPaymentMethods: true } } },
      });
      if (!order) throw notFound('Order', orderId, { orderId });
      if (order.status !== 'PENDING_PAYMENT') {
        throw new AppError(
          'ILLEGAL_STATE',
          `Order #${order.number} is ${order.status}: invoice links are only for orders waiting for payment.`,
          { status: order.status },
        );
      }
      const exp = Math.floor(clock.now().getTime() / 1000) + ttl;
      const token = signInvoiceToken(key, { tenantId: ctx.tenantId, orderId: order.id, exp });
      const expiresAt = new Date(exp * 1000);
      // Built before the audit entry: a link that cannot be made (no public address) is not recorded as sent.
      const url = `${baseUrl(opts.fallbackBaseUrl)}/invoice/${token}`;
      // Links are not stored (the signature is the proof), so the audit trail is the record of who sent one.
      await audit.record(db, ctx, { action: 'order.invoice_link_created', entityType: 'Order', entityId: order.id, after: { expiresAt } });
      return {
        url,
        expiresAt,
        paymentMethods: await enabledMethods(ctx.tenantId, order.tenant.enabledPaymentMethods),
      };
    },

    linksAvailable() {
      return Boolean(config.signingSecret && (config.publicBaseUrl ?? config.developmentBaseUrl));
    },

    verify(token) {
      const current = secret();
      const p = verifyInvoiceToken(config.previousSigningSecret ? [current, config.previousSigningSecret] : current, token, clock.now());
      return { tenantId: p.tenantId, orderId: p.orderId, expiresAt: new Date(p.exp * 1000) };
    },

    async view(token) {
      const link = await verified(token);
      // The checkout before the order (checkoutThenOrder).
      const checkoutNow = await orderCheckoutNow(db, link.tenantId, link.orderId);
      const order = await db.order.findFirst({
        where: { id: link.orderId, tenantId: link.tenantId },
        include: {
          items: { orderBy: ORDER_ITEMS_ORDER_BY },
          tenant: { select: { name: true, enabledPaymentMethods: true, timeZone: true } },
        },
      });
      if (!order) throw new AppError('NOT_FOUND', 'This order no longer exists. Contact the shop.');
      const payable = order.status === 'PENDING_PAYMENT';
      const methods = await enabledMethods(link.tenantId, order.tenant.enabledPaymentMethods);
      const now = payable ? checkoutNow : null;
      const paymentOnItsWay =
        now && now.state !== 'OPEN'
          ? { provider: now.provider, state: now.state, amountCents: now.amountCents, currency: now.currency }
          : null;
      // A paid order's customer is sent a receipt (order.paid); the page says where it stands.
      const receiptDm = order.paidAt ? await receiptDms.stateOf(link.tenantId, order.id) : null;
      return {
        shopName: order.tenant.name,
        orderNumber: order.number,
        status: order.status,
        shippingStatus: order.shippingStatus,
        currency: order.currency,
        items: order.items.map((i) => ({
          name: i.name,
          sku: i.sku,
          quantity: i.quantity,
          unitPriceCents: i.unitPriceCents,
          lineTotalCents: i.quantity * i.unitPriceCents,
        })),
        subtotalCents: order.subtotalCents,
        discountCents: order.discountCents,
        discountName: order.discountName,
        shippingCents: order.shippingCents,
        shippingTypeName: order.shippingTypeName,
        taxAmountCents: order.taxAmountCents,
        totalCents: order.totalCents,
        refundedTotalCents: order.refundedTotalCents,
        receivedCents: order.amountReceivedCents,
        owedCents: owedCents(order),
        shipTo: toAddress(order.shippingAddress),
        expiresAt: link.expiresAt,
        payBy: payable ? order.paymentDueAt : null,
        timeZone: order.tenant.timeZone,
        payable,
        methods: payable ? methods : [],
        onlinePaymentConfigured:
          methods.length > 0 || (await connections.usableMethods(link.tenantId, ['PAYPAL', 'CASHAPP_PAY', 'BTC_INVOICE'])).length > 0,
        paymentOnItsWay,
        paymentMethod: order.paymentMethod,
        paidAt: order.paidAt,
        receiptDm,
      };
    },

    async startCheckout(token, method, opts = {}) {
      const link = await verified(token);
      const page = `${baseUrl(opts.fallbackBaseUrl)}/invoice/${token}`;
      const { checkout, redirectUrl } = await checkouts.start({
        tenantId: link.tenantId,
        orderId: link.orderId,
        method,
        returnUrl: (checkoutId) => `${page}/return/${checkoutId}`,
        cancelUrl: `${page}?checkout=cancelled`,
        // Compared inside start()'s transaction, under the order's row lock.
        expectedOwedCents: opts.expectedOwedCents,
      });
      return { url: redirectUrl, checkoutId: checkout.id };
    },

    async cashAppPay(token, checkoutId) {
      const link = await finishing(token, checkoutId);
      const checkout = await db.paymentCheckout.findFirst({
        where: { id: checkoutId, tenantId: link.tenantId, orderId: link.orderId, provider: 'SQUARE', state: { in: ['OPEN', 'CREATING'] } },
        include: { order: { select: { number: true, tenant: { select: { name: true } } } } },
      });
      if (!checkout)
        throw new AppError('NOT_FOUND', 'This Cash App Pay payment is no longer open. Go back to the invoice and start again.');
      const { conn } = await connections.load({ id: checkout.connectionId }, { requireConnected: true });
      if (conn.provider !== 'SQUARE') throw new AppError('NOT_FOUND', 'This payment is not a Cash App Pay payment.');
      return {
        shopName: checkout.order.tenant.name,
        orderNumber: checkout.order.number,
        totalCents: checkout.amountCents,
        currency: checkout.currency,
        checkoutId: checkout.id,
        applicationId: conn.applicationId,
        locationId: conn.locationId,
        webPaymentsSdkUrl: conn.webPaymentsSdkUrl,
      };
    },

    async pressLanding(token, checkoutId) {
      const link = await verified(token);
      return checkouts.pressLanding({ tenantId: link.tenantId, orderId: link.orderId, checkoutId });
    },

    async chargeToken(token, checkoutId, sourceToken) {
      const link = await finishing(token, checkoutId);
      return checkouts.charge({ tenantId: link.tenantId, orderId: link.orderId, checkoutId, sourceToken });
    },

    async completeReturn(token, checkoutId, providerCheckoutId) {
      const link = await finishing(token, checkoutId);
      return checkouts.completeReturn({ tenantId: link.tenantId, orderId: link.orderId, checkoutId, providerCheckoutId });
    },
  };
  return service;
}

function toAddress(json: unknown): InvoiceAddress | null {
  if (!json || typeof json !== 'object') return null;
  const a = json as Record<string, unknown>;
  const s = (k: string) => (typeof a[k] === 'string' && a[k] ? (a[k] as string) : undefined);
  const line1 = s('line1');
  if (!line1) return null;
  return {
    name: s('name'),
    line1,
    line2: s('line2'),
    city: s('city') ?? '',
    state: s('state'),
    postalCode: s('postalCode') ?? '',
    country: s('country') ?? '',
  };
}
