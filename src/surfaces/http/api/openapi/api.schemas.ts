// The REST API's answers as zod schemas: the OpenAPI document is generated from them (openapi.document.ts)
// and the API tests parse real answers with them, so the document cannot drift from what is sent.
// Names (`.meta({ id })`) become components/schemas in the document.
import { z } from 'zod';
import { $Enums } from '../../../../generated/prisma/index.js';
import { ERROR_CODES } from '../../../../platform/errors.js';
import type { WEBHOOK_EVENTS } from '../../../../modules/webhooks/webhook-events.js';
import { CANCEL_REASONS } from '../../../../modules/shared/events.js';

const values = <T extends Record<string, string>>(e: T) => Object.values(e) as [T[keyof T], ...T[keyof T][]];
const timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time (UTC)');
const cents = (what: string) => z.number().int().describe(`${what}, in the smallest unit of the currency (cents)`);

export const orderStatus = z.enum(values($Enums.OrderStatus)).meta({ id: 'OrderStatus' });
export const shippingStatus = z.enum(values($Enums.ShippingStatus)).meta({ id: 'ShippingStatus' });

export const orderSummary = z
  .strictObject({
    id: z.string(),
    number: z.number().int().describe("The shop's order number, as customers see it (#1001)"),
    status: orderStatus,
    shippingStatus,
    trackingNumber: z.string().nullable(),
    shippingCarrier: z.string().nullable(),
    trackingUrl: z.url().nullable().describe("The carrier's tracking page, when the carrier is known"),
    paymentReference: z.string().nullable().describe('The reference the customer was asked to put on a manual payment'),
    customerId: z.string(),
    paymentMethod: z.enum(values($Enums.PaymentMethod)),
    currency: z.string().length(3),
    subtotalCents: cents('Sum of the lines'),
    discountCents: cents('Discount'),
    discountName: z.string().nullable(),
    shippingCents: cents('Shipping'),
    shippingTypeName: z.string().nullable(),
    taxAmountCents: cents('Sales tax'),
    totalCents: cents('Total charged'),
    refundedTotalCents: cents('Refunded so far'),
    amountReceivedCents: cents('Received so far'),
    overpaidCents: cents('Received beyond the total (owed back)'),
    paymentDueAt: timestamp.nullable().describe('When an unpaid order expires (its pay window); null once paid or cancelled'),
    paidAt: timestamp.nullable(),
    cancelledAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'OrderSummary' });

export const payment = z
  .strictObject({
    id: z.string(),
    method: z.enum(values($Enums.PaymentMethod)),
    status: z.enum(values($Enums.PaymentStatus)),
    amountCents: cents('Amount'),
    refundedAmountCents: cents('Refunded from this payment'),
    currency: z.string().length(3),
    providerReference: z.string().nullable(),
    rejectedReason: z.string().nullable(),
    confirmedByType: z.enum(values($Enums.ActorType)).nullable(),
    confirmedAt: timestamp.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'Payment' });

export const refund = z
  .strictObject({
    id: z.string(),
    orderId: z.string(),
    paymentId: z.string().nullable(),
    mode: z.enum(values($Enums.RefundMode)),
    amountCents: cents('Refunded'),
    taxCents: cents('Sales tax part of the amount'),
    discountCents: cents('Discount share taken off the goods'),
    shippingCents: cents('Shipping part of the amount'),
    reason: z.string().nullable(),
    items: z.unknown().describe('The refunded lines: [{productId, quantity, ...}] (empty for an amount-only refund)'),
    actorType: z.enum(values($Enums.ActorType)),
    createdAt: timestamp,
  })
  .meta({ id: 'Refund' });

export const receipt = z
  .strictObject({
    id: z.string(),
    paymentId: z.string().nullable(),
    amountCents: cents('Money received'),
    currency: z.string().length(3),
    note: z.string().nullable(),
    actorType: z.enum(values($Enums.ActorType)),
    createdAt: timestamp,
  })
  .meta({ id: 'Receipt' });

export const orderDetail = orderSummary
  .extend({
    notes: z.string().nullable(),
    shippingAddress: z
      .unknown()
      .describe('The address the order ships to ({line1, line2?, city, state, postalCode, country}); null when nothing ships'),
    customer: z.strictObject({
      id: z.string(),
      discordUserId: z.string(),
      username: z.string().nullable(),
      displayName: z.string().nullable(),
    }),
    items: z.array(
      z.strictObject({
        productId: z.string(),
        sku: z.string().nullable(),
        name: z.string(),
        quantity: z.number().int(),
        unitPriceCents: cents('Unit price'),
        refundedQuantity: z.number().int(),
      }),
    ),
    payments: z.array(payment),
    refunds: z.array(refund),
    receipts: z.array(receipt).describe('Money recorded as received (partial payments add up to the total)'),
    customerNotices: z
      .strictObject({
        dmFailedAt: timestamp
          .nullable()
          .describe("When a DM about this order last failed (the customer's DMs were closed, or Discord refused it)"),
        undelivered: z.array(
          z.strictObject({
            id: z.string(),
            kind: z.string(),
            at: timestamp,
            shownInDiscordAt: timestamp.nullable(),
            why: z.string().describe('Why it did not arrive: "their DMs are closed", or "Discord refused it (404, code 10013 ...)"'),
            discordRefusal: z
              .strictObject({
                status: z.number().int().describe("Discord's HTTP status"),
                code: z.number().int().nullable().describe("Discord's JSON error code (50007: DMs closed)"),
              })
              .nullable()
              .describe("What Discord answered; null when no DM was tried (the customer's DMs were known closed) or for older notices"),
          }),
        ),
      })
      .describe('DMs about this order that did not reach the customer'),
  })
  .meta({ id: 'OrderDetail' });

export const product = z
  .strictObject({
    id: z.string(),
    sku: z.string().nullable(),
    name: z.string(),
    description: z.string().nullable(),
    unitPriceCents: cents('Unit price'),
    currency: z.string().length(3),
    trackStock: z.boolean(),
    stock: z.number().int().nullable().describe('Units in stock; null when stock is not tracked'),
    requiredRoleIds: z.array(z.string()).describe('Discord role ids a buyer must hold (empty: anyone)'),
  })
  .meta({ id: 'Product' });

export const refundPlan = z
  .strictObject({
    mode: z.enum(values($Enums.RefundMode)),
    amountCents: cents('To refund'),
    goodsCents: z.number().int().describe('The goods part (before the discount share)'),
    discountCents: z.number().int().describe('Discount share taken off the goods'),
    shippingCents: z.number().int().describe('Shipping part'),
    taxCents: z.number().int().describe('Sales tax part'),
    items: z.array(
      z.strictObject({
        productId: z.string(),
        name: z.string(),
        quantity: z.number().int(),
        restockQuantity: z.number().int(),
        amountCents: z.number().int(),
        discountCents: z.number().int(),
        taxCents: z.number().int(),
      }),
    ),
    refundedBeforeCents: z.number().int(),
    remainingAfterCents: z.number().int(),
    resultingStatus: z.enum(['PARTIALLY_REFUNDED', 'REFUNDED']),
  })
  .meta({ id: 'RefundPlan' });

export const receiptRecorded = z
  .strictObject({
    changed: z.boolean().describe('false when this Idempotency-Key already recorded a receipt (the first one is returned)'),
    paid: z.boolean().describe('true once the order is paid (the receipts cover the total), whether by this call or before'),
    receipt: receipt.nullable(),
    receivedCents: cents('Received so far'),
    remainingCents: cents('Still owed'),
    overpaidCents: cents('Received beyond the total'),
    order: orderSummary,
    payment: payment.nullable(),
  })
  .meta({ id: 'ReceiptRecorded' });

export const paymentDecision = z
  .strictObject({ changed: z.boolean().describe('false when the payment was already in this state'), order: orderSummary, payment })
  .meta({ id: 'PaymentDecision' });
export const refundCreated = z
  .strictObject({
    refund,
    order: orderSummary,
    plan: refundPlan,
    moneyReturn: z
      .enum(['processor', 'manual'])
      .describe('processor: sent back through the payment processor by a job; manual: the shop returns it by hand'),
  })
  .meta({ id: 'RefundCreated' });
export const invoiceLink = z
  .strictObject({ url: z.url(), expiresAt: timestamp, paymentMethods: z.array(z.string()) })
  .meta({ id: 'InvoiceLink' });
export const productList = z
  .strictObject({
    data: z.array(product),
    pageSize: z.number().int(),
    nextCursor: z.string().nullable().describe('Pass as cursor (with the same filters) for the next page; null on the last page'),
  })
  .meta({ id: 'ProductList' });

export const apiError = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
      message: z.string(),
      requestId: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** The body of every outgoing webhook (Standard Webhooks envelope: type, timestamp, data). */
export function webhookEnvelope(type: (typeof WEBHOOK_EVENTS)[number], data: z.ZodType) {
  return z.strictObject({ type: z.literal(type), timestamp, data });
}
export const webhookBodies = {
  'order.created': webhookEnvelope('order.created', z.strictObject({ order: orderSummary })),
  'order.paid': webhookEnvelope('order.paid', z.strictObject({ order: orderSummary, payment: payment.nullable() })),
  'order.refunded': webhookEnvelope('order.refunded', z.strictObject({ order: orderSummary, refund: refund.nullable() })),
  'order.cancelled': webhookEnvelope(
    'order.cancelled',
    z.strictObject({
      order: orderSummary,
      // The event's own list (it lacked 'expired', the pay window's: a receiver built from this section refused it).
      reason: z.enum(CANCEL_REASONS),
      note: z.string().nullable(),
    }),
  ),
  'order.shipped': webhookEnvelope(
    'order.shipped',
    z.strictObject({
      order: orderSummary,
      // The event's own tracking (data.order is read when the message is sent, and may say newer).
      trackingNumber: z.string().nullable().describe('The tracking number this shipment event is about'),
      carrier: z.string().nullable().describe('Its carrier code (USPS, UPS, FEDEX, DHL, ...), or null'),
      trackingUrl: z.url().nullable().describe("The carrier's tracking page for it, when the carrier is known"),
      trackingUpdate: z
        .boolean()
        .describe(
          'false: the parcel was just handed to the carrier (the order became SHIPPED, for the first time or again after a failed delivery); ' +
            'true: it was already on its way and its tracking number or carrier changed (replace the tracking you hold)',
        ),
    }),
  ),
  'order.delivered': webhookEnvelope('order.delivered', z.strictObject({ order: orderSummary })),
  'order.deleted': webhookEnvelope(
    'order.deleted',
    z
      .strictObject({ order: orderSummary, deletedAt: timestamp.describe('When it was deleted') })
      .describe('order: the order as it was when deleted (its status then); GET /orders/{id} answers 404 from now on'),
  ),
} as const;
