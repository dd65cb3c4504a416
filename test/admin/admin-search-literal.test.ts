// The panel's search boxes and column filters match the text as typed: the orders list's search (customer name,
// username), the Customer list's name search, and every text column's filter (a customer's display name, a product's
// SKU). Prisma sends `contains` as a LIKE pattern without escaping it, so a "%" or "_" typed
// into the box matched every customer, and the list showed every order (the REST product search had the same fault,
// fixed with platform/db/like-text.ts likeLiteral).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
const f = factories();
let tenantId: string;

beforeAll(async () => {
  app = await startAdminApp({ env: { PUBLIC_BASE_URL: 'http://shop.test' } });
  tenantId = (await f.tenant()).id;
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

const list = async (resource: string, query: string) =>
  (await a.agent.get(`/admin/api/resources/${resource}/actions/list?perPage=500&${query}`).set(a.headers()).expect(200)).body as {
    records: { id: string }[];
  };

describe('the panel searches for the text as typed', () => {
  it('"%" and "_" find only the customers whose names hold them, in the orders list and the Customer list', async () => {
    const percent = await f.customer({ tenantId, displayName: '100% Robin', username: 'robin_100' });
    const plain = await f.customer({ tenantId, displayName: 'Quinn Plain', username: 'quinnplain' });
    const product = await f.product({ tenantId });
    const mine = await f.order({ tenantId, customerId: percent.id, lines: [{ productId: product.id, quantity: 1, unitPriceCents: 100 }] });
    const other = await f.order({ tenantId, customerId: plain.id, lines: [{ productId: product.id, quantity: 1, unitPriceCents: 100 }] });

    for (const term of ['%', '_']) {
      const orders = (await list('Order', `filters.q=${encodeURIComponent(term)}`)).records.map((r) => r.id);
      expect(orders, term).toContain(mine.id);
      expect(orders, term).not.toContain(other.id);
      const customers = (await list('Customer', `filters.name=${encodeURIComponent(term)}`)).records.map((r) => r.id);
      expect(customers, term).toContain(percent.id);
      expect(customers, term).not.toContain(plain.id);
    }
  });

  it('a text column\'s filter takes "%" and "_" as typed: Customers by display name, Products by SKU', async () => {
    const percent = await f.customer({ tenantId, displayName: '50% Sam', username: 'sam50' });
    const plain = await f.customer({ tenantId, displayName: 'Sam Plain', username: 'samplain' });
    const under = await f.product({ tenantId, sku: 'TEE_RED' });
    const other = await f.product({ tenantId, sku: 'MUG-BLUE' });

    const customers = (await list('Customer', `filters.displayName=${encodeURIComponent('%')}`)).records.map((r) => r.id);
    expect(customers).toContain(percent.id);
    expect(customers).not.toContain(plain.id);
    const products = (await list('Product', `filters.sku=${encodeURIComponent('_')}`)).records.map((r) => r.id);
    expect(products).toContain(under.id);
    expect(products).not.toContain(other.id);
  });
});
