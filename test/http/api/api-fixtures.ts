// Shared set-up for the REST API tests: the real app, a tenant with an API key, order helpers.
import { systemActor } from '../../../src/modules/shared/actor.js';
import { afterAll, beforeAll } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { factories } from '../../helpers/factories.js';
import { adminCtx as asAdmin } from '../../helpers/actors.js';

export const f = factories();

/** A tenant with a customer, two products and an API key for it. */
export async function apiTenant(t: TestApp, tenantData: Record<string, unknown> = {}) {
  const tenant = await f.tenant(tenantData);
  const customer = await f.customer({ tenantId: tenant.id });
  const products = [
    await f.product({ tenantId: tenant.id, name: 'Alpha', unitPriceCents: 2000, sortOrder: 1 }),
    await f.product({ tenantId: tenant.id, name: 'Beta', unitPriceCents: 500, sortOrder: 2 }),
  ];
  const { key, record } = await t.services.apiKeys.create(asAdmin(tenant.id), 'test key', 'READ_WRITE');
  const auth = { authorization: `Bearer ${key}` };
  const ctx = { tenantId: tenant.id, actor: systemActor };
  return { tenant, customer, products, key, keyRecord: record, auth, ctx };
}

/** An order of 2 × Alpha + 1 × Beta (4500 cents), PENDING_PAYMENT with a payment awaiting approval. */
export async function pendingOrder(shop: Awaited<ReturnType<typeof apiTenant>>, data: Record<string, unknown> = {}) {
  const [a, b] = [shop.products[0]!, shop.products[1]!];
  return f.order({
    tenantId: shop.tenant.id,
    customerId: shop.customer.id,
    lines: [
      { productId: a.id, name: 'Alpha', quantity: 2, unitPriceCents: 2000 },
      { productId: b.id, name: 'Beta', quantity: 1, unitPriceCents: 500 },
    ],
    ...data,
  });
}

export type ApiShop = Awaited<ReturnType<typeof apiTenant>>;

/**
 * The set-up the REST test files share: the real app on the file's database and one shop with an API key,
 * created before the file's tests and closed after them. Both returned objects read the live ones.
 */
export function useApiShop(): { t: TestApp; shop: ApiShop } {
  let t: TestApp | undefined;
  let shop: ApiShop | undefined;
  beforeAll(async () => {
    t = await createTestApp();
    shop = await apiTenant(t);
  });
  afterAll(async () => {
    await t?.services.close();
  });
  const live = <T extends object>(read: () => T | undefined, what: string): T =>
    new Proxy({} as T, {
      get: (_target, key) => {
        const value = read();
        if (!value) throw new Error(`${what} is not set up yet: use it inside a test or a hook`);
        return Reflect.get(value, key);
      },
    });
  return { t: live(() => t, 'the test app'), shop: live(() => shop, 'the API shop') };
}
