// Entitlement failures in the panel, through the AdminJS API as its frontend calls it, with the real app
// pointed at the fake Discord API: Role changes lists a failed grant with Discord's reason in words, Retry
// queues it again (the role job), "Reconcile now" gives back a missing role; the products form refuses a role
// the bot cannot give (naming both roles) and "Check roles" says the same. Other shops and staff are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { PERMISSIONS } from '../../src/dev/fakes/fake-discord-guilds.js';
import { TASKS } from '../../src/modules/shared/events.js';
import { testDb } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';
import { queuedJobs } from '../modules/refunds/after-sale.harness.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const discord = new FakeDiscordApi();
let app: RunningAdmin;
let admin: AdminAgent;
let staff: AdminAgent;
let otherAdmin: AdminAgent;
let tenantId: string;
let guildId: string;
const vip = snowflake();
const botRole = snowflake();
const f = factories();
const db = testDb();

beforeAll(async () => {
  await discord.start();
  app = await startAdminApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
  tenantId = (await f.tenant()).id;
  guildId = (await f.guild({ tenantId, name: 'Hobby Hub' })).id;
  discord.guilds.addGuild(guildId, {
    roles: [
      { id: vip, name: 'VIP', position: 5, permissions: '0' },
      { id: botRole, name: 'Ledgerline', position: 2, permissions: PERMISSIONS.MANAGE_ROLES.toString() },
    ],
    botRoleIds: [botRole],
  });
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  staff = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId, role: 'TENANT_STAFF' })).email);
  otherAdmin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: (await f.tenant()).id })).email);
});
afterAll(async () => {
  await app?.close();
  await discord.stop();
});

const post = (who: AdminAgent, path: string) => who.agent.post(`/admin/api${path}`).set(who.headers());
const get = (who: AdminAgent, path: string) => who.agent.get(`/admin/api${path}`).set(who.headers());

/** A paid order whose grant of VIP failed the way the role job records it. */
async function failedGrant() {
  const customer = await f.customer({ tenantId });
  const product = await f.product({ tenantId, grantedRoleIds: [vip] });
  const order = await f.order({
    tenantId,
    customerId: customer.id,
    guildId,
    status: 'PAID',
    lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
  });
  const ent = await db.entitlement.create({
    data: { tenantId, customerId: customer.id, productId: product.id, roleId: vip, orderId: order.id },
  });
  const change = await db.roleChange.create({
    data: {
      tenantId,
      entitlementId: ent.id,
      customerId: customer.id,
      orderId: order.id,
      productId: product.id,
      roleId: vip,
      guildId,
      action: 'GRANT',
      state: 'FAILED',
      failureKind: 'ROLE_TOO_LOW',
      discordCode: 50013,
      attempts: 1,
      failureMessage: 'The bot\'s role "Ledgerline" is below the product\'s role "VIP", so Discord will not let the bot give it.',
    },
  });
  return { customer, product, order, ent, change };
}

describe('Role changes', () => {
  it('lists a failed grant with the reason in words, failed first; Retry queues the grant again (audited)', async () => {
    const { ent, change } = await failedGrant();
    const list = await get(admin, '/resources/RoleChange/actions/list');
    const row = list.body.records.find((r: { id: string }) => r.id === change.id);
    expect(row.params).toMatchObject({ state: 'FAILED', action: 'GRANT', roleId: vip });
    expect(row.params.failureMessage).toContain('"Ledgerline" is below the product\'s role "VIP"');
    expect(row.recordActions.map((a: { name: string }) => a.name)).toContain('retry');

    const res = await post(admin, `/resources/RoleChange/records/${change.id}/retry`);
    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect(res.body.record.params.state).toBe('PENDING');
    expect((await queuedJobs(db, TASKS.roleAdd)).filter((j) => j.payload.entitlementId === ent.id)).toHaveLength(1);
    const audit = await db.auditLog.findMany({ where: { tenantId, entityId: ent.id } });
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([['entitlement.retry_requested', 'PANEL_ADMIN']]);
  });

  it("another shop's admin cannot see or retry it", async () => {
    const { change } = await failedGrant();
    const show = await get(otherAdmin, `/resources/RoleChange/records/${change.id}/show`);
    expect(show.body.record?.params?.id).toBeUndefined();
    await post(otherAdmin, `/resources/RoleChange/records/${change.id}/retry`);
    expect((await db.roleChange.findUniqueOrThrow({ where: { id: change.id } })).state).toBe('FAILED');
  });

  it('Reconcile now gives back a missing role (tenant admins only)', async () => {
    const { customer } = await failedGrant();
    discord.guilds.addMember(guildId, customer.discordUserId);
    const refused = await post(staff, '/resources/RoleChange/actions/reconcileNow');
    expect(refused.body.notice?.type).not.toBe('success');
    expect(await db.auditLog.count({ where: { tenantId, action: 'entitlement.reconciled' } })).toBe(0);
    const res = await post(admin, '/resources/RoleChange/actions/reconcileNow');
    expect(res.body.notice.type).toBe('success');
    expect(res.body.notice.message).toMatch(/Reconciled: \d+ members? read, 1 missing role given back/);
    const jobs = await queuedJobs(db, TASKS.roleAdd);
    expect(jobs.some((j) => j.payload.tenantId === tenantId)).toBe(true);
    expect(await db.auditLog.count({ where: { tenantId, action: 'entitlement.reconciled', actorType: 'PANEL_ADMIN' } })).toBe(1);
  });
});

describe('products: the role check', () => {
  const base = {
    name: 'VIP pass',
    description: '',
    price: '9.99',
    currency: 'usd',
    active: 'true',
    trackStock: 'false',
    stock: '0',
    sortOrder: '1',
    accessDays: '30',
  };
  const create = (sku: string, role: string) => {
    let req = post(admin, '/resources/Product/actions/new');
    for (const [k, v] of Object.entries({ ...base, sku })) req = req.field(k, v);
    return req.field('grantedRoleIds.0', role);
  };

  it('refuses a role the bot is below, naming both roles and the fix; saves once the bot is moved up', async () => {
    const res = await create('VIP-1', vip);
    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors['grantedRoleIds.0'].message).toContain('The bot\'s role "Ledgerline" is below the product\'s role "VIP"');
    expect(res.body.record.errors['grantedRoleIds.0'].message).toContain('drag "Ledgerline" above "VIP"');
    expect(await db.product.count({ where: { tenantId, sku: 'VIP-1' } })).toBe(0);

    discord.guilds.updateRole(guildId, botRole, { position: 9 });
    try {
      const ok = await create('VIP-1', vip);
      expect(ok.body.notice).toMatchObject({ type: 'success' });
      expect(await db.product.findFirstOrThrow({ where: { tenantId, sku: 'VIP-1' } })).toMatchObject({
        grantedRoleIds: [vip],
        accessDays: 30,
      });
    } finally {
      discord.guilds.updateRole(guildId, botRole, { position: 2 });
    }
  });

  it('refuses a role that does not exist in the server', async () => {
    const res = await create('VIP-2', snowflake());
    expect(res.body.record.errors['grantedRoleIds.0'].message).toMatch(/does not exist in "Hobby Hub"/);
  });

  it('"Check roles" on a saved product says what to fix', async () => {
    const product = await f.product({ tenantId, grantedRoleIds: [vip] });
    const res = await post(admin, `/resources/Product/records/${product.id}/checkRoles`);
    expect(res.body.notice).toMatchObject({ type: 'error' });
    expect(res.body.notice.message).toContain('"Ledgerline" is below the product\'s role "VIP"');
  });
});

describe('settings: what to do when someone else removes a paid role', () => {
  it('a tenant admin switches the shop to RECORD', async () => {
    const loaded = await loadedRow(admin, 'Tenant', tenantId);
    let req = post(admin, `/resources/Tenant/records/${tenantId}/edit`);
    const fields = {
      name: 'Hobby Shop',
      currency: 'USD',
      adminChannelId: '',
      inventoryTracking: 'true',
      taxjarEnabled: 'false',
      taxjarApiKeyNew: '',
      addressValidation: 'false',
      roleRemovalPolicy: 'RECORD',
      ...loaded,
    };
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const res = await req;
    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: tenantId } })).roleRemovalPolicy).toBe('RECORD');
  });
});

describe('products: digital goods', () => {
  it('Upload keys adds them to the key stock and the stock; staff cannot', async () => {
    const product = await f.product({ tenantId, name: 'Game key', trackStock: true, stock: 0 });
    const res = await post(admin, `/resources/Product/records/${product.id}/uploadKeys`).send({ keys: 'key\nAAA-1\nBBB-2\nAAA-1' });
    expect(res.body.notice).toMatchObject({ type: 'success', message: '2 keys added; 2 available.' });
    expect(await db.product.findUniqueOrThrow({ where: { id: product.id } })).toMatchObject({
      digitalKind: 'LICENSE_KEY',
      stock: 2,
      trackStock: true,
    });
    const refused = await post(staff, `/resources/Product/records/${product.id}/uploadKeys`).send({ keys: 'CCC-3' });
    expect(refused.body.notice?.type).not.toBe('success');
    expect(await db.productKey.count({ where: { productId: product.id } })).toBe(2);
  });

  it('a product with a download link is saved from the form; a link that is not http(s) is refused', async () => {
    const fields = {
      sku: 'PACK-1',
      name: 'Sound pack',
      description: '',
      price: '5.00',
      currency: 'usd',
      active: 'true',
      trackStock: 'false',
      stock: '0',
      sortOrder: '1',
      digitalKind: 'DOWNLOAD_LINK',
    };
    let bad = post(admin, '/resources/Product/actions/new');
    for (const [k, v] of Object.entries({ ...fields, downloadUrl: 'javascript:alert(1)' })) bad = bad.field(k, v);
    expect(Object.keys((await bad).body.record.errors)).toContain('downloadUrl');
    let req = post(admin, '/resources/Product/actions/new');
    for (const [k, v] of Object.entries({ ...fields, downloadUrl: 'https://files.example/pack.zip' })) req = req.field(k, v);
    expect((await req).body.notice).toMatchObject({ type: 'success' });
    expect(await db.product.findFirstOrThrow({ where: { tenantId, sku: 'PACK-1' } })).toMatchObject({
      digitalKind: 'DOWNLOAD_LINK',
      downloadUrl: 'https://files.example/pack.zip',
    });
  });
});
