// The test harness itself: factories make valid rows for every model, truncateAll empties them.
import { describe, expect, it } from 'vitest';
import { testDb, truncateAll } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';

describe('test harness', () => {
  it('makes every model with its factory and truncates them all', async () => {
    const db = testDb();
    const f = factories(db);
    const { tenant, customer, products, shippingType } = await f.shop();
    const address = await f.address({ tenantId: tenant.id, customerId: customer.id });
    const discount = await f.discount({ tenantId: tenant.id, scope: 'ASSIGNED' });
    await f.discountAssignment({ tenantId: tenant.id, discountId: discount.id, customerId: customer.id });
    const session = await f.orderSession({
      tenantId: tenant.id,
      customerId: customer.id,
      addressId: address.id,
      shippingTypeId: shippingType.id,
    });
    await f.orderSessionItem({ sessionId: session.id, productId: products[0]!.id, quantity: 2 });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      lines: [{ productId: products[0]!.id, quantity: 2, unitPriceCents: 2500 }],
    });
    expect(order.totalCents).toBe(5000);
    expect(order.payment.amountCents).toBe(5000);
    await f.refund({ tenantId: tenant.id, orderId: order.id });
    await f.reservation({ tenantId: tenant.id, orderId: order.id, productId: products[0]!.id });
    await f.entitlement({ tenantId: tenant.id, customerId: customer.id, productId: products[0]!.id, orderId: order.id });
    await f.auditLog({ tenantId: tenant.id });
    await f.adminUser({ tenantId: tenant.id });
    await f.apiKey({ tenantId: tenant.id });
    await f.processedInteraction();

    await truncateAll(db);
    expect(await db.tenant.count()).toBe(0);
    expect(await db.order.count()).toBe(0);
    expect(await db.processedInteraction.count()).toBe(0);
  });

  it('rejects rows that break the invariants the database enforces', async () => {
    const db = testDb();
    const f = factories(db);
    const { tenant, customer, products } = await f.shop();
    await expect(db.product.update({ where: { id: products[0]!.id }, data: { stock: -1 } })).rejects.toThrow(
      /products_stock_nonnegative|check constraint/i,
    );
    const order = await f.order({ tenantId: tenant.id, customerId: customer.id });
    await expect(db.order.update({ where: { id: order.id }, data: { refundedTotalCents: order.totalCents + 1 } })).rejects.toThrow(
      /orders_refunded_within_total|check constraint/i,
    );
    await expect(
      db.order.create({
        data: {
          tenantId: tenant.id,
          customerId: customer.id,
          number: order.number,
          subtotalCents: 0,
          totalCents: 0,
          paymentMethod: 'ZELLE',
        },
      }),
    ).rejects.toThrow(/Unique constraint|unique/i);
  });
});
