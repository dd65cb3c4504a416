import { describe, expect, it } from 'vitest';
import { createInventoryService } from '../../../src/modules/inventory/inventory.service.js';
import { withTransaction } from '../../../src/platform/db/prisma.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

const db = testDb(20);
const f = factories(db);
const inventory = createInventoryService();

async function setup(opts: { inventoryTracking?: boolean; stock?: number; trackStock?: boolean } = {}) {
  const tenant = await f.tenant({ inventoryTracking: opts.inventoryTracking ?? true });
  const customer = await f.customer({ tenantId: tenant.id });
  const product = await f.product({ tenantId: tenant.id, trackStock: opts.trackStock ?? true, stock: opts.stock ?? 10 });
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    lines: [{ productId: product.id, quantity: 3, unitPriceCents: 1500 }],
  });
  return { tenant, customer, product, order };
}
const stockOf = async (id: string) => (await db.product.findUniqueOrThrow({ where: { id } })).stock;

describe('inventory', () => {
  it('reserves once per order and product, and a second reserve is a no-op', async () => {
    const { tenant, product, order } = await setup();
    const input = { tenantId: tenant.id, orderId: order.id, lines: [{ productId: product.id, quantity: 3 }] };
    await withTransaction(db, (tx) => inventory.reserveForOrder(tx, input));
    await withTransaction(db, (tx) => inventory.reserveForOrder(tx, input));
    expect(await stockOf(product.id)).toBe(7);
    const res = await db.inventoryReservation.findMany({ where: { orderId: order.id } });
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({ quantity: 3, releasedQuantity: 0, state: 'RESERVED' });
  });

  it('refuses to oversell with OUT_OF_STOCK naming the product, and the transaction writes nothing', async () => {
    const { tenant, product, order } = await setup({ stock: 2 });
    const err = await withTransaction(db, (tx) =>
      inventory.reserveForOrder(tx, { tenantId: tenant.id, orderId: order.id, lines: [{ productId: product.id, quantity: 3 }] }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OUT_OF_STOCK', details: { productId: product.id, name: product.name, available: 2, requested: 3 } });
    expect((err as Error).message).toContain(product.name);
    expect(await stockOf(product.id)).toBe(2);
    expect(await db.inventoryReservation.count({ where: { tenantId: tenant.id } })).toBe(0);
  });

  it('does nothing for untracked products or tenants with inventory tracking off', async () => {
    const a = await setup({ trackStock: false, stock: 0 });
    await withTransaction(db, (tx) =>
      inventory.reserveForOrder(tx, { tenantId: a.tenant.id, orderId: a.order.id, lines: [{ productId: a.product.id, quantity: 3 }] }),
    );
    const b = await setup({ inventoryTracking: false, stock: 0 });
    await withTransaction(db, (tx) =>
      inventory.reserveForOrder(tx, { tenantId: b.tenant.id, orderId: b.order.id, lines: [{ productId: b.product.id, quantity: 3 }] }),
    );
    expect(await db.inventoryReservation.count({ where: { tenantId: { in: [a.tenant.id, b.tenant.id] } } })).toBe(0);
    expect(await stockOf(a.product.id)).toBe(0);
  });

  it('release puts every unreleased unit back exactly once', async () => {
    const { tenant, product, order } = await setup();
    await withTransaction(db, (tx) =>
      inventory.reserveForOrder(tx, { tenantId: tenant.id, orderId: order.id, lines: [{ productId: product.id, quantity: 3 }] }),
    );
    await withTransaction(db, (tx) =>
      inventory.restockItems(tx, { tenantId: tenant.id, orderId: order.id, items: [{ productId: product.id, quantity: 1 }] }),
    );
    expect(await stockOf(product.id)).toBe(8);
    const released = await Promise.all(
      [1, 2, 3].map(() => withTransaction(db, (tx) => inventory.releaseForOrder(tx, { tenantId: tenant.id, orderId: order.id }))),
    );
    expect(released.flat()).toEqual([{ productId: product.id, quantity: 2 }]);
    expect(await stockOf(product.id)).toBe(10);
    expect(await db.inventoryReservation.findFirst({ where: { orderId: order.id } })).toMatchObject({
      releasedQuantity: 3,
      state: 'RELEASED',
    });
  });

  it('restock never puts back more than was reserved', async () => {
    const { tenant, product, order } = await setup();
    await withTransaction(db, (tx) =>
      inventory.reserveForOrder(tx, { tenantId: tenant.id, orderId: order.id, lines: [{ productId: product.id, quantity: 3 }] }),
    );
    const first = await withTransaction(db, (tx) =>
      inventory.restockItems(tx, { tenantId: tenant.id, orderId: order.id, items: [{ productId: product.id, quantity: 5 }] }),
    );
    const second = await withTransaction(db, (tx) =>
      inventory.restockItems(tx, { tenantId: tenant.id, orderId: order.id, items: [{ productId: product.id, quantity: 1 }] }),
    );
    expect(first).toEqual([{ productId: product.id, quantity: 3 }]);
    expect(second).toEqual([]);
    expect(await stockOf(product.id)).toBe(10);
  });

  it("ignores another tenant's order", async () => {
    const a = await setup();
    const b = await setup();
    await withTransaction(db, (tx) =>
      inventory.reserveForOrder(tx, { tenantId: a.tenant.id, orderId: a.order.id, lines: [{ productId: a.product.id, quantity: 3 }] }),
    );
    expect(await withTransaction(db, (tx) => inventory.releaseForOrder(tx, { tenantId: b.tenant.id, orderId: a.order.id }))).toEqual([]);
    await expect(
      withTransaction(db, (tx) =>
        inventory.reserveForOrder(tx, { tenantId: b.tenant.id, orderId: b.order.id, lines: [{ productId: a.product.id, quantity: 1 }] }),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await stockOf(a.product.id)).toBe(7);
  });

  it('concurrent reservations never oversell', async () => {
    const tenant = await f.tenant();
    const customer = await f.customer({ tenantId: tenant.id });
    const product = await f.product({ tenantId: tenant.id, trackStock: true, stock: 4 });
    const orders = await Promise.all(
      Array.from({ length: 12 }, () =>
        f.order({ tenantId: tenant.id, customerId: customer.id, lines: [{ productId: product.id, quantity: 1, unitPriceCents: 100 }] }),
      ),
    );
    const results = await Promise.allSettled(
      orders.map((o) =>
        withTransaction(db, (tx) =>
          inventory.reserveForOrder(tx, { tenantId: tenant.id, orderId: o.id, lines: [{ productId: product.id, quantity: 1 }] }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(await stockOf(product.id)).toBe(0);
    expect(await db.inventoryReservation.count({ where: { tenantId: tenant.id } })).toBe(4);
  });
});
