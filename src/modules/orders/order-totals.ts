// The money lines every view of an order shows (quote, invoice page, admin detail), in whole cents.
export interface OrderTotals {
  currency: string;
  subtotalCents: number;
  discountCents: number;
  discountName: string | null;
  shippingCents: number;
  shippingTypeName: string | null;
  taxAmountCents: number;
  totalCents: number;
}

/**
 * What an order still waits for: its total less what was recorded as received (orders.amountReceivedCents, the
 * receipts of a part payment), never below 0. A confirm records this much; a processor checkout charges it.
 */
export function owedCents(order: { totalCents: number; amountReceivedCents: number }): number {
  return Math.max(order.totalCents - order.amountReceivedCents, 0);
}

/**
 * What came in beyond the total (a customer who paid twice or too much) and the shop still owes back: less what
 * it marked as returned (orders.overpaymentReturnedCents, payments/return-overpayment.command.ts); 0 if none.
 */
export function overpaidCents(order: { totalCents: number; amountReceivedCents: number; overpaymentReturnedCents: number }): number {
  return Math.max(order.amountReceivedCents - order.totalCents - order.overpaymentReturnedCents, 0);
}

/**
 * The order's lines as they stand after refunds by items: each with its units not refunded, fully refunded lines
 * left out (what is still to be shipped, or was). Quantity refunded is `order_items.refundedQuantity`.
 */
export function linesNotRefunded<L extends { quantity: number; refundedQuantity: number }>(lines: readonly L[]): L[] {
  return lines.filter((l) => l.quantity > l.refundedQuantity).map((l) => ({ ...l, quantity: l.quantity - l.refundedQuantity }));
}
