import { describe, expect, it } from 'vitest';
import { discountAmountCents, isEligible, rankDiscounts, type DiscountRule } from './discount-rules.js';

const base: DiscountRule = {
  id: 'dis_a',
  name: 'A',
  type: 'PERCENT',
  percentOff: 10,
  amountOffCents: null,
  scope: 'GLOBAL',
  startsAt: null,
  endsAt: null,
  minSubtotalCents: 0,
  maxUses: null,
  maxUsesPerCustomer: null,
  usedCount: 0,
  active: true,
};
const now = new Date('2026-06-01T12:00:00Z');

describe('discount rules', () => {
  it('computes amounts in whole cents, capped at the subtotal', () => {
    expect(discountAmountCents(base, 999)).toBe(100); // 99.9 rounds half up
    expect(discountAmountCents({ ...base, percentOff: 100 }, 1234)).toBe(1234);
    expect(discountAmountCents({ ...base, type: 'FIXED_AMOUNT', percentOff: null, amountOffCents: 5000 }, 1234)).toBe(1234);
    expect(discountAmountCents(base, 0)).toBe(0);
  });

  it('checks active, window (start inclusive, end exclusive), minimum subtotal and use limits', () => {
    const ok = { now, subtotalCents: 1000, customerUses: 0 };
    expect(isEligible(base, ok)).toBe(true);
    expect(isEligible({ ...base, active: false }, ok)).toBe(false);
    expect(isEligible({ ...base, startsAt: now }, ok)).toBe(true);
    expect(isEligible({ ...base, startsAt: new Date(now.getTime() + 1) }, ok)).toBe(false);
    expect(isEligible({ ...base, endsAt: now }, ok)).toBe(false);
    expect(isEligible({ ...base, minSubtotalCents: 1001 }, ok)).toBe(false);
    expect(isEligible({ ...base, minSubtotalCents: 1000 }, ok)).toBe(true);
    expect(isEligible({ ...base, maxUses: 5, usedCount: 5 }, ok)).toBe(false);
    expect(isEligible({ ...base, maxUses: 5, usedCount: 4 }, ok)).toBe(true);
    expect(isEligible({ ...base, maxUsesPerCustomer: 1 }, { ...ok, customerUses: 1 })).toBe(false);
  });

  it('ranks by amount, then assigned before global, then the one ending soonest', () => {
    const c = (id: string, amountCents: number, extra: Partial<DiscountRule> = {}) => ({ rule: { ...base, id, ...extra }, amountCents });
    const ranked = rankDiscounts([
      c('dis_small', 100),
      c('dis_global', 500),
      c('dis_assigned', 500, { scope: 'ASSIGNED' }),
      c('dis_global_soon', 500, { endsAt: new Date(now.getTime() + 1000) }),
    ]);
    expect(ranked.map((r) => r.rule.id)).toEqual(['dis_assigned', 'dis_global_soon', 'dis_global', 'dis_small']);
  });
});
