// Pure discount rules: what a discount takes off a subtotal, whether it applies, and which one wins.
import type { Discount } from '../../generated/prisma/index.js';
import { percentOfCents } from '../../platform/money.js';

export type DiscountRule = Pick<
  Discount,
  'id' | 'name' | 'type' | 'percentOff' | 'amountOffCents' | 'scope' | 'startsAt' | 'endsAt' | 'minSubtotalCents' | 'maxUses' | 'maxUsesPerCustomer' | 'usedCount' | 'active'
>;

/** Cents the discount takes off `subtotalCents`: whole cents, never negative, never more than the subtotal. */
export function discountAmountCents(d: Pick<DiscountRule, 'type' | 'percentOff' | 'amountOffCents'>, subtotalCents: number): number {
  if (subtotalCents <= 0) return 0;
  const raw = d.type === 'PERCENT' ? percentOfCents(subtotalCents, Math.min(100, Math.max(0, d.percentOff ?? 0))) : Math.max(0, d.amountOffCents ?? 0);
  return Math.min(subtotalCents, raw);
}

/**
 * Whether the discount may be used now for this subtotal by a customer who has used it `customerUses`
 * times: active, inside its validity window (startsAt inclusive, endsAt exclusive), subtotal at least
 * minSubtotalCents, and below maxUses and maxUsesPerCustomer.
 */
export function isEligible(d: DiscountRule, ctx: { now: Date; subtotalCents: number; customerUses: number }): boolean {
  if (!d.active) return false;
  if (d.startsAt && ctx.now < d.startsAt) return false;
  if (d.endsAt && ctx.now >= d.endsAt) return false;
  if (ctx.subtotalCents < d.minSubtotalCents) return false;
  if (d.maxUses !== null && d.usedCount >= d.maxUses) return false;
  if (d.maxUsesPerCustomer !== null && ctx.customerUses >= d.maxUsesPerCustomer) return false;
  return discountAmountCents(d, ctx.subtotalCents) > 0;
}

/**
 * Best first: the largest amount off; on a tie the customer's own (ASSIGNED) discount before a global one,
 * then the one that ends soonest (use it before it lapses), then by id for a stable order.
 */
export function rankDiscounts<T extends { rule: DiscountRule; amountCents: number }>(candidates: T[]): T[] {
  const endOf = (d: DiscountRule) => d.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return [...candidates].sort(
    (a, b) =>
      b.amountCents - a.amountCents ||
      (a.rule.scope === b.rule.scope ? 0 : a.rule.scope === 'ASSIGNED' ? -1 : 1) ||
      endOf(a.rule) - endOf(b.rule) ||
      (a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0),
  );
}
