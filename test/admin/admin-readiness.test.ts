// The "Before your first order" checklist as the panel's dashboard API answers it: for a shop's admin, each gap in
// one sentence with the page that fixes it; for staff the same gaps without links (they may not change those
// pages); for a platform admin no checklist; and only the signed-in admin's own shop's gaps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminAccountsService } from '../../src/modules/admin-accounts/admin-accounts.service.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

interface Item {
  key: string;
  text: string;
  blocksOrders: boolean;
  fix?: { label: string; url: string };
}

describe('dashboard checklist', () => {
  let app: RunningAdmin;
  const f = factories();
  let a: string;
  let b: string;

  beforeAll(async () => {
    app = await startAdminApp();
    const accounts = createAdminAccountsService({ db: testDb() });
    a = (await accounts.createShop({ name: 'Shop A', guildId: '811111111111111111' })).tenant.id;
    b = (await accounts.createShop({ name: 'Shop B', guildId: '822222222222222222' })).tenant.id;
    // Shop B lacks what shop A does not: instructions for Venmo, a working PayPal connection, a shipping type.
    await testDb().tenant.update({ where: { id: b }, data: { enabledPaymentMethods: ['VENMO_P2P', 'PAYPAL'] } });
    await f.product({ tenantId: b });
    await testDb().tenant.update({
      where: { id: a },
      data: { enabledPaymentMethods: ['ZELLE'], paymentInstructions: { ZELLE: { handle: 'pay@a.test' } } },
    });
  }, 120_000);
  afterAll(() => app?.close());

  const dashboard = async (admin: AdminAgent) => (await admin.agent.get('/admin/api/dashboard').set(admin.headers()).expect(200)).body;

  it("shows a shop's admin its own gaps, each with the page that fixes it", async () => {
    const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: a })).email);
    const body = await dashboard(admin);
    expect(body.readiness.canFix).toBe(true);
    const items = body.readiness.items as Item[];
    expect(items.map((i) => [i.key, i.blocksOrders, i.fix?.url])).toEqual([
      ['product', true, '/admin/resources/Product/actions/new'],
      ['adminChannel', false, `/admin/resources/Tenant/records/${a}/edit`],
      ['adminRole', false, `/admin/resources/Tenant/records/${a}/edit`],
    ]);
    expect(items[0]!.text).toBe('There is no product to order yet: add one, with its price.');
    expect(items[1]!.text).toBe('No admin channel is set: new orders are not posted in Discord for your admins to see and confirm.');

    const other = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: b })).email);
    const bItems = (await dashboard(other)).readiness.items as Item[];
    expect(bItems.map((i) => [i.key, i.fix?.url])).toEqual([
      ['instructions-VENMO_P2P', `/admin/resources/Tenant/records/${b}/edit`],
      ['connection-PAYPAL', '/admin/resources/PaymentConnection/actions/list'],
      ['shippingType', '/admin/resources/ShippingType/actions/new'],
      ['adminChannel', `/admin/resources/Tenant/records/${b}/edit`],
      ['adminRole', `/admin/resources/Tenant/records/${b}/edit`],
    ]);
    expect(bItems[1]!.text).toBe('PayPal is switched on, but the shop has no PayPal connection: customers are not offered PayPal.');
    expect(bItems[0]!.text).toBe(
      'Venmo is switched on without payment instructions: customers who choose it are told only that the shop will send them the details.',
    );
    // Tenant isolation: none of shop B's gaps (nor its links) is on shop A's dashboard.
    expect(JSON.stringify(body)).not.toContain(b);
  });

  it('shows staff the gaps without links, and a platform admin no checklist', async () => {
    const staff = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: a, role: 'TENANT_STAFF' })).email);
    const body = await dashboard(staff);
    expect(body.readiness.canFix).toBe(false);
    expect((body.readiness.items as Item[]).map((i) => [i.key, i.fix])).toEqual([
      ['product', undefined],
      ['adminChannel', undefined],
      ['adminRole', undefined],
    ]);
    const platform = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: null, role: 'PLATFORM_ADMIN' })).email);
    const view = await dashboard(platform);
    expect(view.kind).toBe('platform');
    expect(view.readiness).toBeUndefined();
  });

  it('is empty once the shop lacks nothing', async () => {
    await testDb().tenant.update({
      where: { id: a },
      data: { adminChannelId: '833333333333333333', adminRoleIds: ['844444444444444444'] },
    });
    await f.product({ tenantId: a, digitalKind: 'DOWNLOAD_LINK', downloadUrl: 'https://example.com/a' });
    const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: a })).email);
    expect((await dashboard(admin)).readiness).toEqual({ items: [], canFix: true });
  });
});
