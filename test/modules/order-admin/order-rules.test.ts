// The state machines as data and the pure total recomputation.
import { describe, expect, it } from 'vitest';
import { recomputeTotals } from '../../../src/modules/order-admin/edit-order-items.js';
import {
  canShip,
  ORDER_TRANSITIONS,
  orderStatusAfterShipping,
  SHIPPING_TRANSITIONS,
} from '../../../src/modules/orders/order-transitions.js';
import { OrderStatus, ShippingStatus } from '../../../src/generated/prisma/index.js';

describe('ORDER_TRANSITIONS', () => {
  it('covers every status and only names real statuses', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual(Object.values(OrderStatus).sort());
    for (const list of Object.values(ORDER_TRANSITIONS)) for (const t of list) expect(Object.values(OrderStatus)).toContain(t.to);
    expect(Object.keys(SHIPPING_TRANSITIONS).sort()).toEqual(Object.values(ShippingStatus).sort());
  });

  it('reaches PAID only by confirm, CANCELLED only by cancel and only before fulfilment (PENDING_PAYMENT, PAID), refund statuses only by refund', () => {
    for (const [from, list] of Object.entries(ORDER_TRANSITIONS)) {
      for (const t of list) {
        if (t.to === 'PAID') expect([from, t.via]).toEqual(['PENDING_PAYMENT', 'confirm']);
        if (t.to === 'CANCELLED')
          expect([
            ['PENDING_PAYMENT', 'cancel'],
            ['PAID', 'cancel'],
          ]).toContainEqual([from, t.via]);
        if (t.to === 'REFUNDED' || t.to === 'PARTIALLY_REFUNDED') expect(t.via).toBe('refund');
      }
    }
    expect(ORDER_TRANSITIONS.CANCELLED).toEqual([]);
    expect(ORDER_TRANSITIONS.REFUNDED).toEqual([]);
  });

  it('shipping moves the order forward only from the statuses it should', () => {
    expect(orderStatusAfterShipping('PAID', 'SHIPPED')).toBe('SHIPPED');
    expect(orderStatusAfterShipping('FULFILLING', 'SHIPPED')).toBe('SHIPPED');
    expect(orderStatusAfterShipping('SHIPPED', 'DELIVERED')).toBe('COMPLETE');
    expect(orderStatusAfterShipping('PARTIALLY_REFUNDED', 'SHIPPED')).toBe('PARTIALLY_REFUNDED');
    expect(orderStatusAfterShipping('PAID', 'LABEL_CREATED')).toBe('PAID');
    expect(canShip('PENDING', 'DELIVERED')).toBe(false);
    expect(canShip('FAILED', 'SHIPPED')).toBe(true);
  });
});

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
