import { describe, expect, it } from 'vitest';
import { LATE_MONEY_WORDS, MONEY_FILTER, moneyFilterWhere } from './deleted-order-payments.resource.js';

describe('Payments for deleted orders: the list’s order and Money filter', () => {
  it('declares what became of the money in the order the list sorts it: the codes’ own order (what needs the admin first)', () => {
    // The list sorts by lateMoneyAction ascending; a new code must sort where the admin should see it.
    const codes = Object.keys(LATE_MONEY_WORDS);
    expect(codes).toEqual([...codes].sort());
    expect(codes[0]).toBe('FLAGGED');
  });

  it('reads "money arrived", "no money arrived" and "every payment", which no row stores, as conditions', () => {
    expect(moneyFilterWhere(MONEY_FILTER.ARRIVED)).toEqual({ lateMoneyAction: { not: null } });
    expect(moneyFilterWhere(MONEY_FILTER.NONE)).toEqual({ lateMoneyAction: null });
    expect(moneyFilterWhere(MONEY_FILTER.ALL)).toEqual({});
    expect(moneyFilterWhere('FLAGGED')).toEqual({ lateMoneyAction: 'FLAGGED' });
  });
});
