// A product on an order is not deleted (the panel's refusal is proven in admin-actions.browser.test.ts); the
// entitlements' foreign key stops any other delete of it (it used to cascade: a refund afterwards found no
// entitlement to revoke and the customer kept the paid role); a shop can still be deleted with everything.
import { describe, expect, it } from 'vitest';
import { assertProductNotOrdered } from '../../../src/modules/catalog/ordered-product.js';
import { AppError } from '../../../src/platform/errors.js';
import { factories } from '../../helpers/factories.js';
import { testDb } from '../../helpers/db.js';

const db = testDb();
const f = factories(db);

async function soldProduct() {
  const tenant = await f.tenant();
  const product = await f.product({ tenantId: tenant.id, name: 'VIP pass' });
  const customer = await f.customer({ tenantId: tenant.id });
  const lines = [{ productId: product.id, quantity: 1, unitPriceCents: 900 }];
  const order = await f.order({ tenantId: tenant.id, customerId: customer.id, status: 'PAID', lines });
  const entitlement = await f.entitlement({ tenantId: tenant.id, customerId: customer.id, productId: product.id, orderId: order.id });
  return { tenant, product, customer, order, entitlement };
}

describe('a product on an order', () => {
  it('is refused by the rule, with the reason and what to do instead; a product never ordered passes', async () => {
    const { tenant, product, customer } = await soldProduct();
    await f.order({ tenantId: tenant.id, customerId: customer.id, lines: [{ productId: product.id, quantity: 2, unitPriceCents: 900 }] });
    const err = await db.$transaction((tx) => assertProductNotOrdered(tx, product)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: 'CONFLICT',
      message:
        '"VIP pass" is on 2 orders, so it cannot be deleted: refunds of those orders still need it (its stock, the roles it granted, its keys). Turn off Active to stop selling it.',
    });
    const unsold = await f.product({ tenantId: tenant.id });
    await expect(db.$transaction((tx) => assertProductNotOrdered(tx, unsold))).resolves.toBeUndefined();
    // Another shop's orders of a product with the same id do not count (the id is the tenant's).
    const other = await f.tenant();
    await expect(db.$transaction((tx) => assertProductNotOrdered(tx, { ...product, tenantId: other.id }))).resolves.toBeUndefined();
  });

  it('cannot be deleted around the rule either: the entitlement keeps it (it used to go with the product)', async () => {
    const { product, entitlement } = await soldProduct();
    await expect(db.product.delete({ where: { id: product.id } })).rejects.toThrow(/foreign key|Foreign key/);
    expect(await db.entitlement.count({ where: { id: entitlement.id } })).toBe(1);
  });

  it('goes with its shop when the whole shop is deleted', async () => {
    const { tenant, product, entitlement } = await soldProduct();
    await db.tenant.delete({ where: { id: tenant.id } });
    expect(await db.product.count({ where: { id: product.id } })).toBe(0);
    expect(await db.entitlement.count({ where: { id: entitlement.id } })).toBe(0);
  });
});
