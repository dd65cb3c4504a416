// The REST API's JSON shapes. Explicit, so a new column never leaks by accident and names stay stable.
import type {
  Customer,
  MissedNotice,
  Order,
  OrderItem,
  Payment,
  PaymentReceipt,
  Product,
  Refund,
} from '../../../generated/prisma/index.js';
import { trackingLink } from '../../../modules/shipping/carriers.js';
import { overpaidCents } from '../../../modules/orders/index.js';
import { refusalText } from '../../../modules/notifications/missed-notices.js';

/** What an order summary reads: the order's row without the customer's notes and address (never in a summary). */
export type OrderSummarySource = Omit<Order, 'notes' | 'shippingAddress'>;

export function orderSummaryDto(o: OrderSummarySource) {
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    shippingStatus: o.shippingStatus,
    trackingNumber: o.trackingNumber,
    shippingCarrier: o.shippingCarrier,
    trackingUrl: trackingLink(o.trackingNumber, o.shippingCarrier)?.url ?? null,
    paymentReference: o.paymentReference,
    customerId: o.customerId,
    paymentMethod: o.paymentMethod,
    currency: o.currency,
    subtotalCents: o.subtotalCents,
    discountCents: o.discountCents,
    discountName: o.discountName,
    shippingCents: o.shippingCents,
    shippingTypeName: o.shippingTypeName,
    taxAmountCents: o.taxAmountCents,
    totalCents: o.totalCents,
    refundedTotalCents: o.refundedTotalCents,
    amountReceivedCents: o.amountReceivedCents,
    /** Received beyond the total: the shop owes it back. */
    overpaidCents: overpaidCents(o),
    paidAt: o.paidAt,
    cancelledAt: o.cancelledAt,
    /**
     * While PENDING_PAYMENT: when the order is cancelled as expired (null until scheduled, moments after it is
     * placed); null once paid or cancelled, as documented (the column keeps the deadline the order had).
     */
    paymentDueAt: o.status === 'PENDING_PAYMENT' ? o.paymentDueAt : null,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

export function paymentDto(p: Payment) {
  return {
    id: p.id,
    method: p.method,
    status: p.status,
    amountCents: p.amountCents,
    refundedAmountCents: p.refundedAmountCents,
    currency: p.currency,
    providerReference: p.providerReference,
    rejectedReason: p.rejectedReason,
    confirmedByType: p.confirmedByType,
    confirmedAt: p.confirmedAt,
    createdAt: p.createdAt,
  };
}

export function refundDto(r: Refund) {
  return {
    id: r.id,
    orderId: r.orderId,
    paymentId: r.paymentId,
    mode: r.mode,
    amountCents: r.amountCents,
    // The parts of amountCents (docs/decisions/refund-tax-share.md): goods - discount + shipping + tax.
    taxCents: r.taxCents,
    discountCents: r.discountCents,
    shippingCents: r.shippingCents,
    reason: r.reason,
    items: r.items,
    actorType: r.actorType,
    createdAt: r.createdAt,
  };
}

export function receiptDto(r: PaymentReceipt) {
  return {
    id: r.id,
    paymentId: r.paymentId,
    amountCents: r.amountCents,
    currency: r.currency,
    note: r.note,
    actorType: r.actorType,
    createdAt: r.createdAt,
  };
}

type NoticeRow = Pick<MissedNotice, 'id' | 'kind' | 'createdAt' | 'shownAt' | 'refusedStatus' | 'refusedCode'>;

export function orderDetailDto(
  o: Order & {
    items: OrderItem[];
    payments: Payment[];
    refunds: Refund[];
    receipts: PaymentReceipt[];
    missedNotices: NoticeRow[];
    customer: Customer;
  },
) {
  return {
    ...orderSummaryDto(o),
    notes: o.notes,
    shippingAddress: o.shippingAddress,
    customer: {
      id: o.customer.id,
      discordUserId: o.customer.discordUserId,
      username: o.customer.username,
      displayName: o.customer.displayName,
    },
    items: o.items.map((i) => ({
      productId: i.productId,
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      unitPriceCents: i.unitPriceCents,
      refundedQuantity: i.refundedQuantity,
    })),
    payments: o.payments.map(paymentDto),
    refunds: o.refunds.map(refundDto),
    receipts: o.receipts.map(receiptDto),
    /** DMs about this order that did not reach the customer (their DMs were closed, or Discord refused them), and why. */
    customerNotices: {
      dmFailedAt: o.customerDmFailedAt,
      undelivered: o.missedNotices.map((n) => ({
        id: n.id,
        kind: n.kind,
        at: n.createdAt,
        shownInDiscordAt: n.shownAt,
        why: refusalText(n),
        discordRefusal: n.refusedStatus === null ? null : { status: n.refusedStatus, code: n.refusedCode },
      })),
    },
  };
}

export function productDto(p: Product) {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    unitPriceCents: p.unitPriceCents,
    currency: p.currency,
    trackStock: p.trackStock,
    stock: p.trackStock ? p.stock : null,
    requiredRoleIds: p.requiredRoleIds,
  };
}
