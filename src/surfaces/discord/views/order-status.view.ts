// The words a customer reads for an order's status and shipping status in /orders (the list and the detail),
// instead of the stored enums ("PENDING_PAYMENT", "PENDING"); the same words as the panel and the invoice page.
import type { OrderStatus, ShippingStatus } from '../../../generated/prisma/index.js';
import { trackingLink } from '../../../modules/shipping/carriers.js';

const ORDER_STATUS_WORDS: Record<OrderStatus, string> = {
  PENDING_PAYMENT: 'Awaiting payment',
  PAID: 'Paid',
  FULFILLING: 'Being prepared',
  SHIPPED: 'Shipped',
  COMPLETE: 'Complete',
  CANCELLED: 'Cancelled',
  REFUNDED: 'Refunded',
  PARTIALLY_REFUNDED: 'Partially refunded',
};

const SHIPPING_STATUS_WORDS: Record<ShippingStatus, string> = {
  PENDING: 'Not shipped yet',
  LABEL_CREATED: 'Label created',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  FAILED: 'Delivery failed',
};

export function orderStatusWords(status: OrderStatus): string {
  return ORDER_STATUS_WORDS[status] ?? status;
}

export function shippingStatusWords(status: ShippingStatus): string {
  return SHIPPING_STATUS_WORDS[status] ?? status;
}

/** The tracking number (as code, with its carrier) and the carrier's tracking page when known; null without a number. */
export function trackingText(trackingNumber: string | null | undefined, carrier: string | null | undefined): string | null {
  const n = trackingNumber?.trim();
  if (!n) return null;
  const link = trackingLink(n, carrier);
  return link ? `\`${n}\` (${link.name})\n${link.url}` : `\`${n}\``;
}
