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
