// The words a customer reads for an order's status and shipping status in /orders (the list and the detail), and an
// admin in /refund's answer, instead of the stored enums ("PENDING_PAYMENT", "PENDING"): the panel's words
// (modules/orders/status-words.ts).
import type { OrderStatus, ShippingStatus } from '../../../generated/prisma/index.js';
import { trackingLink } from '../../../modules/shipping/carriers.js';
import { ORDER_STATUS_LABELS, SHIPPING_STATUS_LABELS } from '../../../modules/orders/index.js';

export function orderStatusWords(status: OrderStatus): string {
  return ORDER_STATUS_LABELS[status] ?? status;
}

export function shippingStatusWords(status: ShippingStatus): string {
  return SHIPPING_STATUS_LABELS[status] ?? status;
}

/** The tracking number (as code, with its carrier) and the carrier's tracking page when known; null without a number. */
export function trackingText(trackingNumber: string | null | undefined, carrier: string | null | undefined): string | null {
  const n = trackingNumber?.trim();
  if (!n) return null;
  const link = trackingLink(n, carrier);
  return link ? `\`${n}\` (${link.name})\n${link.url}` : `\`${n}\``;
}
