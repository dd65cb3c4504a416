// The state machines as data: the order and shipping transition tables.
import { describe, expect, it } from 'vitest';
import { canShip, ORDER_TRANSITIONS, orderStatusAfterShipping, SHIPPING_TRANSITIONS } from './order-transitions.js';
import { OrderStatus, ShippingStatus } from '../../generated/prisma/index.js';

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
