// The words for an order's status and shipping status wherever a person reads them instead of the stored enums
// ("PENDING_PAYMENT"): the panel (surfaces/admin/presentation/labels.ts) and a customer's /orders in Discord
// (surfaces/discord/views/order-status.view.ts). One list, so the two never say different things. The invoice page
// has its own, longer words for the customer who pays (invoice-page.view.ts: "Paid · shipped").
import type { OrderStatus, ShippingStatus } from '../../generated/prisma/index.js';

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  PENDING_PAYMENT: 'Awaiting payment',
  PAID: 'Paid',
  FULFILLING: 'Being prepared',
  SHIPPED: 'Shipped',
  COMPLETE: 'Complete',
  CANCELLED: 'Cancelled',
  REFUNDED: 'Refunded',
  PARTIALLY_REFUNDED: 'Partially refunded',
};

export const SHIPPING_STATUS_LABELS: Record<ShippingStatus, string> = {
  PENDING: 'Not shipped yet',
  LABEL_CREATED: 'Label created',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  FAILED: 'Delivery failed',
};

/**
 * What a customer whose order was cancelled (by them, by the shop, or because it was not paid in time) can do: order
 * again. One sentence for Discord (`/order`, as a command there) and the invoice page ("/order in the shop's
 * Discord"), so the two never tell the customer different things. `orderCommand` is how the surface names the command.
 */
export function orderAgainSentence(orderCommand: string): string {
  return `Run ${orderCommand} whenever you want to order again.`;
}
