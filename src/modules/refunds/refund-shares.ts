// The one rule for what part of an order's discount, shipping and sales tax a refund carries back
// (docs/decisions/refund-tax-share.md, after Shopify's refund calculation). Pure, whole cents:
// - Each line's share of the order discount is the order discount split by line totals; each line's share
//   of the tax is the order tax split by the lines' discounted totals and the shipping charge (the same
//   largest-remainder split, platform/money.ts prorateCents), so the shares sum exactly to the order's.
// - Refunding k units of a line of q, r already refunded, carries share(r+k) - share(r) of the line's
//   discount and tax, where share(n) = round(lineShare x n / q): units refunded one at a time add up to
//   the line's share exactly, and the last unit takes whatever rounding left.
// - An amount that is not tied to items is split like what it refunds: an amount-only refund like the
//   balance still refundable (goods, discount, shipping, tax left), an amount with items like those items
//   (goods, discount, tax); no part ever exceeds what is left of it.
// - A full refund returns exactly what is left of each part.
import { prorateCents } from '../../platform/money.js';

export interface ShareLine {
  productId: string;
  quantity: number;
  refundedQuantity: number;
  unitPriceCents: number;
}

export interface ShareOrder {
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxAmountCents: number;
  totalCents: number;
  refundedTotalCents: number;
  items: ShareLine[];
}

/** What earlier refunds of the order already carried back (sums of the refund rows). */
export interface RefundedParts {
  discountCents: number;
  shippingCents: number;
  taxCents: number;
}

/** A refund's money in parts: amountCents = goodsCents - discountCents + shippingCents + taxCents. */
export interface RefundParts {
  goodsCents: number;
  discountCents: number;
  shippingCents: number;
  taxCents: number;
}

export interface LineShare {
  productId: string;
  /** The line's whole share of the order discount and tax (all its units). */
  discountCents: number;
  taxCents: number;
}

/**
 * Each line's share of the order discount and tax (in the order of `order.items`), and the tax that falls on
 * shipping. Lines are split in product id order, so ties of the split go the same way whatever order the
 * caller read the lines in.
 */
export function lineShares(order: ShareOrder): { lines: LineShare[]; shippingTaxCents: number } {
  const sorted = [...order.items].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  const totals = sorted.map((l) => l.quantity * l.unitPriceCents);
  const discounts = prorateCents(Math.min(order.discountCents, order.subtotalCents), totals);
  const nets = totals.map((t, i) => t - (discounts[i] ?? 0));
  const taxes = prorateCents(order.taxAmountCents, [...nets, order.shippingCents]);
  const byProduct = new Map(
    sorted.map((l, i) => [l.productId, { productId: l.productId, discountCents: discounts[i] ?? 0, taxCents: taxes[i] ?? 0 }]),
  );
  return { lines: order.items.map((l) => byProduct.get(l.productId)!), shippingTaxCents: taxes[sorted.length] ?? 0 };
}

/** round(share x units / quantity), half up, in integers. */
function cumulative(shareCents: number, units: number, quantity: number): number {
  return quantity > 0 ? Math.floor((2 * shareCents * units + quantity) / (2 * quantity)) : 0;
}

/** The discount and tax `units` more units of `line` carry back, `line.refundedQuantity` already refunded. */
export function unitsShare(share: LineShare, line: ShareLine, units: number): { discountCents: number; taxCents: number } {
  const from = line.refundedQuantity;
  const to = Math.min(line.quantity, from + units);
  return {
    discountCents: cumulative(share.discountCents, to, line.quantity) - cumulative(share.discountCents, from, line.quantity),
    taxCents: cumulative(share.taxCents, to, line.quantity) - cumulative(share.taxCents, from, line.quantity),
  };
}

/** What is left of each part after earlier refunds. */
export function remainingParts(order: ShareOrder, refunded: RefundedParts): RefundParts & { balanceCents: number } {
  const discountCents = Math.max(0, Math.min(order.discountCents, order.subtotalCents) - refunded.discountCents);
  const shippingCents = Math.max(0, order.shippingCents - refunded.shippingCents);
  const taxCents = Math.max(0, order.taxAmountCents - refunded.taxCents);
  const balanceCents = order.totalCents - order.refundedTotalCents;
  return { goodsCents: balanceCents + discountCents - shippingCents - taxCents, discountCents, shippingCents, taxCents, balanceCents };
}

/**
 * Splits an amount that is not (only) the items' own sum: in proportion to `like` (goods net of discount,
 * shipping, tax), no part above what is left of it; what a capped part cannot take stays with the goods. The
 * goods part carries its share of `like`'s discount (goods net x discount / net goods, half up, at most what is
 * left of the discount), so a partial refund returns its part of the discount as an item refund does, and a
 * later refund of the rest is not left the whole of it.
 */
export function splitAmount(
  amountCents: number,
  like: { netGoodsCents: number; discountCents: number; shippingCents: number; taxCents: number },
  left: RefundParts,
): RefundParts {
  const [, shipping = 0, tax = 0] = prorateCents(amountCents, [
    Math.max(0, like.netGoodsCents),
    Math.max(0, like.shippingCents),
    Math.max(0, like.taxCents),
  ]);
  const shippingCents = Math.min(shipping, left.shippingCents);
  const taxCents = Math.min(tax, left.taxCents);
  const netGoodsCents = amountCents - shippingCents - taxCents;
  const discountCents =
    like.netGoodsCents > 0 && like.discountCents > 0 && netGoodsCents > 0
      ? Math.min(left.discountCents, cumulative(Math.max(0, like.discountCents), netGoodsCents, like.netGoodsCents))
      : 0;
  return { goodsCents: netGoodsCents + discountCents, discountCents, shippingCents, taxCents };
}
