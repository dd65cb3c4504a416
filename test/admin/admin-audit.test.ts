// Every settings/catalog save is on the record: one audit entry in the save's transaction (who, the changed
// fields only, before -> after, secrets masked), shown on the record's page as a readable timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import pg from 'pg';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';
import { waitFor } from '../helpers/wait-for.js';

let app: RunningAdmin;
let owner: AdminAgent;
let ownerId: string;
let tenantId: string;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant({ taxjarApiKey: 'tj_secret_key_1234', timeZone: 'America/New_York' })).id;
  const admin = await f.adminUser({ tenantId, email: 'owner@audit.test' });
  ownerId = admin.id;
  owner = await loggedIn(app.baseUrl, admin.email);
});
afterAll(async () => {
  await app?.close();
});

/** A form posted as the panel posts it: an edit carries the record as its form loaded it (loadedRow). */
const post = async (path: string, fields: Record<string, string>) => {
  const edit = /^\/resources\/(\w+)\/records\/([^/]+)\/edit$/.exec(path);
  const loaded: Record<string, string> = edit ? await loadedRow(owner, edit[1]!, edit[2]!) : {};
  let req = owner.agent.post(`/admin/api${path}`).set(owner.headers());
  for (const [k, v] of Object.entries({ ...fields, ...loaded })) req = req.field(k, v);
  return req;
};
const entries = (entityType: string, entityId: string) =>
  testDb().auditLog.findMany({ where: { tenantId, entityType, entityId }, orderBy: { createdAt: 'asc' } });

describe('audited saves', () => {
  it('a product save records who and only the changed fields, and its page shows them in words', async () => {
    const kept = snowflake();
    const added = snowflake();
    const p = await f.product({ tenantId, sku: 'AUD-1', name: 'Hoodie', unitPriceCents: 2500, requiredRoleIds: [kept] });
    const res = await post(`/resources/Product/records/${p.id}/edit`, {
      sku: 'AUD-1',
      name: 'Hoodie',
      description: '',
      price: '30.00',
      currency: 'USD',
      active: 'true',
      trackStock: 'true',
      stock: '4',
      sortOrder: '0',
      'requiredRoleIds.0': kept,
      'requiredRoleIds.1': added,
    });
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const [entry, ...more] = await entries('Product', p.id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ action: 'product.updated', actorType: 'PANEL_ADMIN', actorId: ownerId });
    expect(entry!.before).toEqual({ unitPriceCents: 2500, requiredRoleIds: [kept], trackStock: false, stock: 0 });
    expect(entry!.after).toEqual({ unitPriceCents: 3000, requiredRoleIds: [kept, added], trackStock: true, stock: 4 });

    const show = await owner.agent.get(`/admin/api/resources/Product/records/${p.id}/show`).set(owner.headers());
    const [item] = JSON.parse(show.body.record.params.auditTimelineJson);
    expect(item).toMatchObject({ who: 'owner@audit.test', what: 'Changed the product' });
    expect(item.when).toMatch(/E[SD]T$/);
    expect(item.changes).toContainEqual({ field: 'unitPriceCents', label: 'Unit price', before: '$25.00', after: '$30.00' });
  });

  it('shop settings: the TaxJar key is recorded as changed, never by value; payment methods in words', async () => {
    const t = await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const res = await post(`/resources/Tenant/records/${tenantId}/edit`, {
      name: t.name,
      currency: 'USD',
      'enabledPaymentMethods.0': 'VENMO_P2P',
      adminChannelId: '',
      inventoryTracking: 'true',
      taxjarEnabled: 'false',
      taxjarApiKeyNew: 'tj_new_secret_5678',
      addressValidation: 'false',
      timeZone: 'America/New_York',
    });
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const entry = (await entries('Tenant', tenantId)).at(-1)!;
    expect(JSON.stringify(entry)).not.toMatch(/tj_(secret|new)/);
    expect(entry.after).toMatchObject({ taxjarApiKey: '••••', enabledPaymentMethods: ['VENMO_P2P'] });
    const show = await owner.agent.get(`/admin/api/resources/Tenant/records/${tenantId}/show`).set(owner.headers());
    const [item] = JSON.parse(show.body.record.params.auditTimelineJson);
    expect(item.changes).toContainEqual(expect.objectContaining({ field: 'enabledPaymentMethods', after: 'Venmo' }));
  });

  it('a save that waits for another writer records the row it changed, and keeps what the other writer changed', async () => {
    const p = await f.product({ tenantId, sku: 'AUD-LOCK', name: 'Cap', unitPriceCents: 2500 });
    // Another writer (a refund's restock, a second admin) holds the row and changes it, uncommitted. (A change of
    // the price itself would make the form's price change a conflict, refused: admin-stale-forms.browser.test.ts.)
    const other = new pg.Client({ connectionString: testDatabaseUrl() });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`UPDATE products SET description = 'Wool' WHERE id = $1`, [p.id]);
      const save = post(`/resources/Product/records/${p.id}/edit`, {
        sku: 'AUD-LOCK',
        name: 'Cap',
        description: '',
        price: '30.00',
        currency: 'USD',
        active: 'true',
        trackStock: 'false',
        stock: '0',
        sortOrder: '0',
      }).then((r) => r);
      // Wait (by state, not by time) until the panel's save is queued behind that lock, then let it through.
      await waitFor(
        "the panel's save waiting on the lock",
        async () =>
          (
            await other.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
            )
          ).rows[0].n > 0,
        { intervalMs: 20 },
      );
      await other.query('COMMIT');
      expect((await save).body.notice).toMatchObject({ type: 'success' });
    } finally {
      await other.end();
    }
    const [entry] = await entries('Product', p.id);
    expect(entry!.before).toEqual({ unitPriceCents: 2500 });
    expect(entry!.after).toEqual({ unitPriceCents: 3000 });
    expect(await testDb().product.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({ description: 'Wool', unitPriceCents: 3000 });
  });

  it('shipping types, discounts, admin users: created, changed and deleted are all on the record', async () => {
    const created = await post('/resources/ShippingType/actions/new', {
      name: 'Courier',
      price: '9.00',
      active: 'true',
      sortOrder: '0',
    });
    const shipId = created.body.record.id as string;
    await post(`/resources/ShippingType/records/${shipId}/edit`, { name: 'Courier', price: '9.50', active: 'true', sortOrder: '0' });
    await post(`/resources/ShippingType/records/${shipId}/delete`, {});
    expect((await entries('ShippingType', shipId)).map((e) => e.action)).toEqual([
      'shipping_type.created',
      'shipping_type.updated',
      'shipping_type.deleted',
    ]);

    const d = await f.discount({ tenantId, name: 'Ten off' });
    await post(`/resources/Discount/records/${d.id}/edit`, {
      name: 'Ten off',
      type: 'PERCENT',
      percentOff: '15',
      scope: 'GLOBAL',
      minSubtotal: '0.00',
      active: 'true',
    });
    expect((await entries('Discount', d.id))[0]).toMatchObject({
      action: 'discount.updated',
      before: { percentOff: 10 },
      after: { percentOff: 15 },
    });

    const staff = await f.adminUser({ tenantId, role: 'TENANT_STAFF' });
    await post(`/resources/AdminUser/records/${staff.id}/edit`, {
      email: staff.email,
      role: 'TENANT_ADMIN',
      tenant: tenantId,
      password: 'a brand new long password',
    });
    const [e] = await entries('AdminUser', staff.id);
    expect(e).toMatchObject({
      action: 'admin_user.updated',
      before: { role: 'TENANT_STAFF', passwordHash: '••••' },
      after: { role: 'TENANT_ADMIN', passwordHash: '••••' },
    });
  });

  it('a refused save leaves no entry (same transaction)', async () => {
    await f.product({ tenantId, sku: 'TAKEN' });
    const p = await f.product({ tenantId, sku: 'FREE' });
    const res = await post(`/resources/Product/records/${p.id}/edit`, {
      sku: 'TAKEN',
      name: 'X',
      description: '',
      price: '1.00',
      currency: 'USD',
      active: 'true',
      trackStock: 'false',
      stock: '0',
      sortOrder: '0',
    });
    expect(res.body.notice.type).toBe('error');
    expect(await entries('Product', p.id)).toEqual([]);
  });
});
