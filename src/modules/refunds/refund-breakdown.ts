// A refund's parts in words, for every place that shows one (the /refund reply, the admin refund form's
// preview and result, the customer's DM): "Items $20.00 · discount −$2.00 · sales tax $1.49". Zero parts
// other than the items are left out, so a shop without tax or discounts sees no noise.
import { formatMoney } from '../../platform/money.js';
import type { RefundParts } from './refund-shares.js';

export function refundBreakdown(parts: RefundParts, currency: string): string {
  const m = (c: number) => formatMoney(c, currency);
  return [
    `Items ${m(parts.goodsCents)}`,
    parts.discountCents > 0 ? `discount −${m(parts.discountCents)}` : undefined,
    parts.shippingCents > 0 ? `shipping ${m(parts.shippingCents)}` : undefined,
    parts.taxCents > 0 ? `sales tax ${m(parts.taxCents)}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The parts of a stored refund row (goods derived: amount = goods - discount + shipping + tax). */
export function partsOfRefund(r: { amountCents: number; discountCents: number; shippingCents: number; taxCents: number }): RefundParts {
  return {
    goodsCents: r.amountCents + r.discountCents - r.shippingCents - r.taxCents,
    discountCents: r.discountCents,
    shippingCents: r.shippingCents,
    taxCents: r.taxCents,
  };
}
