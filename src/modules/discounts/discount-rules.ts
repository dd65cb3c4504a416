// Pure discount rules: what a discount takes off a subtotal, whether it applies, and which one wins.
import { Prisma, type Discount } from '../../generated/prisma/index.js';
import { percentOfCents } from '../../platform/money.js';

export type DiscountRule = Pick<
  Discount,
  | 'id'
  | 'name'
  | 'type'
  | 'percentOff'
  | 'amountOffCents'
  | 'scope'
  | 'startsAt'
  | 'endsAt'
  | 'minSubtotalCents'
  | 'maxUses'
  | 'maxUsesPerCustomer'
  | 'usedCount'
  | 'active'
>;

/** Cents the discount takes off `subtotalCents`: whole cents, never negative, never more than the subtotal. */
export function discountAmountCents(d: Pick<DiscountRule, 'type' | 'percentOff' | 'amountOffCents'>, subtotalCents: number): number {
  if (subtotalCents <= 0) return 0;
  const raw =
    d.type === 'PERCENT'
      ? percentOfCents(subtotalCents, Math.min(100, Math.max(0, d.percentOff ?? 0)))
      : Math.max(0, d.amountOffCents ?? 0);
  return Math.min(subtotalCents, raw);
}

/**
 * The discount rules as SQL over a discount row `d` (tenant, active, validity window, scope with the
 * customer's assignment `a` when given, optionally the minimum subtotal and the use limits): the same rules
 * isEligible checks below, in ONE place for every statement that reads or counts a discount (the review's
 * and submit's candidate reads and the conditional UPDATE that counts a use).
 */
export function eligibilitySql(input: {
  tenantId: string;
  customerId: string;
  now: Date;
  subtotalCents?: number;
  limits?: boolean;
  assignment?: boolean;
}): Prisma.Sql {
  const { tenantId, customerId, now } = input;
  const parts = [
    Prisma.sql`d."tenantId" = ${tenantId} AND d.active`,
    Prisma.sql`(d."startsAt" IS NULL OR d."startsAt" <= ${now}) AND (d."endsAt" IS NULL OR d."endsAt" > ${now})`,
  ];
  if (input.assignment) parts.push(Prisma.sql`(d.scope = 'GLOBAL' OR a.id IS NOT NULL)`);
  if (input.subtotalCents !== undefined) parts.push(Prisma.sql`d."minSubtotalCents" <= ${input.subtotalCents}`);
  if (input.limits) {
    parts.push(Prisma.sql`(d."maxUses" IS NULL OR d."usedCount" < d."maxUses")`);
    parts.push(
      Prisma.sql`(d.scope <> 'GLOBAL' OR d."maxUsesPerCustomer" IS NULL OR d."maxUsesPerCustomer" > ${customerUsesSql(tenantId, customerId)})`,
    );
  }
  return Prisma.join(parts, ' AND ');
}

/** How many of the customer's orders used the GLOBAL discount `d` (cancelled ones give their use back). */
export function customerUsesSql(tenantId: string, customerId: string): Prisma.Sql {
  return Prisma.sql`(SELECT count(*)::int FROM orders o WHERE o."tenantId" = ${tenantId} AND o."customerId" = ${customerId} AND o."discountId" = d.id AND o.status <> 'CANCELLED')`;
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
