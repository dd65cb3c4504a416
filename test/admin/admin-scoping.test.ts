// Tenant scoping and roles: an admin sees and changes only their tenant's records, through every AdminJS
// endpoint (list, search, show, edit, delete, custom record actions, bulk actions), and secrets never
// leave the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
const f = factories();
type Shop = Awaited<ReturnType<typeof makeShop>>;
let mine: Shop;
let theirs: Shop;
let a: AdminAgent;

async function makeShop() {
  const shop = await f.shop({ tenant: { taxjarApiKey: `tj_live_${Math.random().toString(36).slice(2)}abcd` } });
  const [first, second] = shop.products as [(typeof shop.products)[number], (typeof shop.products)[number]];
  const order = await f.order({
    tenantId: shop.tenant.id,
    customerId: shop.customer.id,
    notes: 'original',
    lines: [{ productId: first.id, quantity: 1, unitPriceCents: 2500 }],
  });
  const paid = await f.order({
    tenantId: shop.tenant.id,
    customerId: shop.customer.id,
    status: 'PAID',
    paymentStatus: 'paid',
    lines: [{ productId: second.id, quantity: 2, unitPriceCents: 500 }],
  });
  const admin = await f.adminUser({ tenantId: shop.tenant.id, role: 'TENANT_ADMIN' });
  const staff = await f.adminUser({ tenantId: shop.tenant.id, role: 'TENANT_STAFF' });
  const apiKey = await f.apiKey({ tenantId: shop.tenant.id });
  return { ...shop, products: [first, second] as const, order, paid, admin, staff, apiKey };
}

beforeAll(async () => {
  app = await startAdminApp();
  mine = await makeShop();
  theirs = await makeShop();
  a = await loggedIn(app.baseUrl, mine.admin.email);
});
afterAll(async () => {
  await app?.close();
});

const get = (who: AdminAgent, path: string) => who.agent.get(`/admin/api${path}`).set(who.headers());
const post = (who: AdminAgent, path: string) => who.agent.post(`/admin/api${path}`).set(who.headers());
const ids = (body: { records?: { id: string }[] }) => (body.records ?? []).map((r) => r.id);

function expectRefused(res: { status: number; body: { record?: { params?: object }; notice?: { type: string }; error?: unknown } }) {
  if (res.status === 200) {
    expect(res.body.notice?.type).toBe('error');
    expect(res.body.record?.params ?? {}).toEqual({});
  } else {
    expect([403, 404]).toContain(res.status);
  }
}

describe('tenant scoping', () => {
  it("lists only the own tenant's orders, even when the query asks for another tenant", async () => {
    const res = await get(a, '/resources/Order/actions/list?perPage=100');
    expect(res.status).toBe(200);
    expect(ids(res.body).sort()).toEqual([mine.order.id, mine.paid.id].sort());
    const forced = await get(a, `/resources/Order/actions/list?filters.tenant=${theirs.tenant.id}`);
    expect(ids(forced.body)).not.toContain(theirs.order.id);
    expect(JSON.stringify(forced.body)).not.toContain(theirs.order.id);
  });

  it("refuses another tenant's order through the record-action API (show, edit, delete, markAsPaid, refund, cancel)", async () => {
    const other = theirs.order.id;
    const show = await get(a, `/resources/Order/records/${other}/show`);
    expectRefused(show);
    expect(JSON.stringify(show.body)).not.toContain(theirs.customer.id);

    expectRefused(await post(a, `/resources/Order/records/${other}/edit`).field('notes', 'hijacked'));
    expectRefused(await post(a, `/resources/Order/records/${other}/delete`));
    expectRefused(await get(a, `/resources/Order/records/${other}/markAsPaid`));
    expectRefused(await get(a, `/resources/Order/records/${other}/cancelOrder`));
    expectRefused(await post(a, `/resources/Order/records/${theirs.paid.id}/refund`).send({ intent: 'refund', mode: 'FULL' }));

    const row = await testDb().order.findUniqueOrThrow({ where: { id: other } });
    expect(row.notes).toBe('original');
    expect(row.status).toBe('PENDING_PAYMENT');
    expect((await testDb().order.findUniqueOrThrow({ where: { id: theirs.paid.id } })).refundedTotalCents).toBe(0);
  });

  it('scopes search, reference pickers and bulk actions', async () => {
    const name = theirs.customer.username!;
    const search = await get(a, `/resources/Customer/actions/search/${encodeURIComponent(name)}`);
    expect(search.status).toBe(200);
    expect(ids(search.body)).toEqual([]);
    const bulk = await get(a, `/resources/Product/bulk/bulkDelete?recordIds=${theirs.products[0].id}`);
    expect(bulk.status).not.toBe(200);
    expect(await testDb().product.count({ where: { id: theirs.products[0].id } })).toBe(1);
  });

  it("refuses edits and deletes of another tenant's products, and creates new rows in the own tenant only", async () => {
    expectRefused(await post(a, `/resources/Product/records/${theirs.products[0].id}/edit`).field('name', 'Hijacked'));
    expectRefused(await post(a, `/resources/Product/records/${theirs.products[0].id}/delete`));
    expect((await testDb().product.findUniqueOrThrow({ where: { id: theirs.products[0].id } })).name).not.toBe('Hijacked');

    const created = await post(a, '/resources/Product/actions/new')
      .field('sku', 'SCOPE-1')
      .field('name', 'Scoped')
      .field('price', '1.00')
      .field('currency', 'USD')
      .field('active', 'true')
      .field('trackStock', 'false')
      .field('stock', '0')
      .field('sortOrder', '0')
      .field('tenant', theirs.tenant.id);
    expect(created.body.notice?.type).toBe('success');
    const row = await testDb().product.findFirstOrThrow({ where: { sku: 'SCOPE-1' } });
    expect(row.tenantId).toBe(mine.tenant.id);
  });

  it('shows only the own tenant settings, with the TaxJar key masked', async () => {
    const list = await get(a, '/resources/Tenant/actions/list');
    expect(ids(list.body)).toEqual([mine.tenant.id]);
    expectRefused(await get(a, `/resources/Tenant/records/${theirs.tenant.id}/show`));
    const show = await get(a, `/resources/Tenant/records/${mine.tenant.id}/show`);
    expect(show.body.record.params.taxjarApiKey).toBeUndefined();
    expect(show.body.record.params.taxjarApiKeyMasked).toBe('•••• abcd');
    expect(JSON.stringify(show.body)).not.toContain(mine.tenant.taxjarApiKey!);
    // Populated references (e.g. an order's tenant) never carry the key either.
    const orders = await get(a, '/resources/Order/actions/list');
    expect(JSON.stringify(orders.body)).not.toContain(mine.tenant.taxjarApiKey!);
  });

  it('never returns password hashes or API key hashes', async () => {
    const users = await get(a, '/resources/AdminUser/actions/list');
    expect(ids(users.body).sort()).toEqual([mine.admin.id, mine.staff.id].sort());
    expect(JSON.stringify(users.body)).not.toContain('scrypt$');
    const keys = await get(a, '/resources/ApiKey/actions/list');
    expect(ids(keys.body)).toEqual([mine.apiKey.id]);
    expect(keys.body.records[0].params.prefix).toBe(mine.apiKey.prefix);
    expect(JSON.stringify(keys.body)).not.toContain(mine.apiKey.hash);
  });

  it('ignores filters and sorts on secret columns (no guessing a hash from result counts)', async () => {
    const all = ids((await get(a, '/resources/AdminUser/actions/list')).body).sort();
    const byHash = await get(a, '/resources/AdminUser/actions/list?filters.passwordHash=no-such-hash-prefix');
    expect(ids(byHash.body).sort()).toEqual(all);
    const tenantByKey = await get(a, '/resources/Tenant/actions/list?filters.taxjarApiKey=zzz&sortBy=taxjarApiKey');
    expect(ids(tenantByKey.body)).toEqual([mine.tenant.id]);
    const keyByHash = await get(a, '/resources/ApiKey/actions/list?filters.hash=zzz');
    expect(ids(keyByHash.body)).toEqual([mine.apiKey.id]);
    const viaRelation = await get(a, '/resources/Order/actions/list?sortBy=tenant.taxjarApiKey');
    expect(viaRelation.status).toBe(200);
    const unknown = await get(a, '/resources/Order/actions/list?filters.noSuchColumn=1');
    expect(unknown.status).toBe(200);
  });

  it("refuses references to another tenant's rows in forms", async () => {
    const discount = await f.discount({ tenantId: mine.tenant.id, scope: 'ASSIGNED' });
    const res = await post(a, '/resources/DiscountAssignment/actions/new')
      .field('discount', discount.id)
      .field('customer', theirs.customer.id);
    expect(res.body.notice?.type).toBe('error');
    expect(res.body.record.errors.customer.message).toMatch(/No such customer/);
    expect(await testDb().discountAssignment.count({ where: { discountId: discount.id } })).toBe(0);
  });
});

describe('roles', () => {
  it('staff work orders but cannot delete them or change settings', async () => {
    const s = await loggedIn(app.baseUrl, mine.staff.email);
    expect((await get(s, '/resources/Order/actions/list')).status).toBe(200);
    expectRefused(await post(s, `/resources/Order/records/${mine.order.id}/delete`));
    expect(await testDb().order.count({ where: { id: mine.order.id } })).toBe(1);
    expectRefused(await post(s, `/resources/Tenant/records/${mine.tenant.id}/edit`).field('name', 'Renamed'));
    const users = await get(s, '/resources/AdminUser/actions/list');
    expect(users.body.notice?.type).toBe('error');
    expect(ids(users.body)).toEqual([]);
  });

  it('a tenant admin cannot create a platform admin', async () => {
    const res = await post(a, '/resources/AdminUser/actions/new')
      .field('email', 'boss@evil.test')
      .field('role', 'PLATFORM_ADMIN')
      .field('password', 'long enough password');
    expect(res.body.notice?.type).toBe('error');
    expect(await testDb().adminUser.count({ where: { email: 'boss@evil.test' } })).toBe(0);
  });

  it('a platform admin manages tenants but sees no shop records', async () => {
    const boss = await f.adminUser({ role: 'PLATFORM_ADMIN', tenantId: null });
    const p = await loggedIn(app.baseUrl, boss.email);
    const tenants = await get(p, '/resources/Tenant/actions/list?perPage=100');
    expect(ids(tenants.body)).toEqual(expect.arrayContaining([mine.tenant.id, theirs.tenant.id]));
    const orders = await get(p, '/resources/Order/actions/list');
    expect(orders.body.notice?.type).toBe('error');
    expect(ids(orders.body)).toEqual([]);
    expectRefused(await get(p, `/resources/Order/records/${mine.order.id}/show`));

    const created = await post(p, '/resources/AdminUser/actions/new')
      .field('email', 'new-owner@shop.test')
      .field('role', 'TENANT_ADMIN')
      .field('tenant', theirs.tenant.id)
      .field('password', 'a long new password');
    expect(created.body.notice?.type).toBe('success');
    const row = await testDb().adminUser.findUniqueOrThrow({ where: { email: 'new-owner@shop.test' } });
    expect(row.tenantId).toBe(theirs.tenant.id);
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(created.body)).not.toContain(row.passwordHash);
  });
});
