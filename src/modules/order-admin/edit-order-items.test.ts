// The pure total recomputation after an admin edits an order's items.
import { describe, expect, it } from 'vitest';
import { recomputeTotals } from './edit-order-items.js';

describe('recomputeTotals', () => {
  const order = { subtotalCents: 4000, discountCents: 400, shippingCents: 500, taxAmountCents: 360 };

  it('re-applies a percent discount and keeps the tax rate', () => {
    expect(recomputeTotals(order, 7000, { type: 'PERCENT', percentOff: 10, amountOffCents: null, minSubtotalCents: 0 })).toEqual({
      subtotalCents: 7000,
      discountCents: 700,
      taxAmountCents: 630,
      totalCents: 7430,
    });
  });

  it('caps a fixed discount at the subtotal and drops a discount under its minimum', () => {
    expect(
      recomputeTotals({ ...order, taxAmountCents: 0 }, 300, {
        type: 'FIXED_AMOUNT',
        percentOff: null,
        amountOffCents: 500,
        minSubtotalCents: 0,
      }),
    ).toMatchObject({ discountCents: 300, totalCents: 500 });
    expect(recomputeTotals(order, 1000, { type: 'PERCENT', percentOff: 10, amountOffCents: null, minSubtotalCents: 2000 })).toMatchObject({
      discountCents: 0,
      taxAmountCents: 100,
    });
  });

  it('keeps the amount of a discount deleted since (capped) and rounds tax half up to whole cents', () => {
    const t = recomputeTotals({ subtotalCents: 3000, discountCents: 0, shippingCents: 0, taxAmountCents: 1 }, 4500, null);
    expect(t).toEqual({ subtotalCents: 4500, discountCents: 0, taxAmountCents: 2, totalCents: 4502 });
    expect(recomputeTotals({ ...order, discountCents: 5000 }, 1000, null).discountCents).toBe(1000);
  });
});
