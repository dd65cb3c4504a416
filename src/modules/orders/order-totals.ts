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
