// The other resources: writes validated with zod (field errors come back to the form), secrets write-only,
// passwords hashed, guilds linked by the platform admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/platform/crypto.js';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
const f = factories();
let tenantId: string;

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant({ taxjarApiKey: 'tj_secret_key_9876' })).id;
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

const post = (who: AdminAgent, path: string) => who.agent.post(`/admin/api${path}`).set(who.headers());
const get = (who: AdminAgent, path: string) => who.agent.get(`/admin/api${path}`).set(who.headers());

describe('products', () => {
  const base = {
    sku: 'HAT-1',
    name: 'Hat',
    description: '',
    price: '19.99',
    currency: 'usd',
    active: 'true',
    trackStock: 'true',
    stock: '7',
    sortOrder: '2',
  };

  it('creates a product from the form, with role ids as arrays and the price shown as money', async () => {
    const role = snowflake();
    let req = post(a, '/resources/Product/actions/new');
    for (const [k, v] of Object.entries(base)) req = req.field(k, v);
    const res = await req.field('grantedRoleIds.0', role);
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const row = await testDb().product.findFirstOrThrow({ where: { tenantId, sku: 'HAT-1' } });
    expect(row).toMatchObject({
      unitPriceCents: 1999,
      currency: 'USD',
      trackStock: true,
      stock: 7,
      grantedRoleIds: [role],
      requiredRoleIds: [],
      description: null,
    });
    // The panel then opens the new product, not the list.
    expect(res.body.redirectUrl).toBe(`/admin/resources/Product/records/${row.id}/show`);
    const list = await get(a, '/resources/Product/actions/list');
    expect(list.body.records.find((r: { id: string }) => r.id === row.id).params.price).toBe('$19.99');
  });

  it('returns field errors for invalid values and writes nothing', async () => {
    let req = post(a, '/resources/Product/actions/new');
    for (const [k, v] of Object.entries({ ...base, sku: 'bad sku!', price: '-5', stock: 'lots' })) req = req.field(k, v);
    const res = await req.field('grantedRoleIds.0', 'not-a-role');
    expect(res.body.notice.type).toBe('error');
    expect(res.body.redirectUrl).toBeUndefined();
    expect(Object.keys(res.body.record.errors)).toEqual(expect.arrayContaining(['sku', 'price', 'stock', 'grantedRoleIds.0']));
    expect(await testDb().product.count({ where: { tenantId, sku: 'bad sku!' } })).toBe(0);
  });

  it('refuses a price with letters or a Unicode minus before it (not read as the number after them)', async () => {
    const p = await f.product({ tenantId, unitPriceCents: 999 });
    for (const price of ['abc 12', 'N/A 3', '\u22125', 'EUR 12']) {
      let req = post(a, `/resources/Product/records/${p.id}/edit`);
      for (const [k, v] of Object.entries({ ...base, sku: p.sku, price })) req = req.field(k, v);
      const res = await req;
      expect(res.body.notice.type, price).toBe('error');
      expect(res.body.record.errors.price.message, price).toBe('an amount in USD, such as 24.50');
    }
    expect((await testDb().product.findUniqueOrThrow({ where: { id: p.id } })).unitPriceCents).toBe(999);
  });

  it('refuses a currency code that names no currency ("USS") and writes nothing', async () => {
    const p = await f.product({ tenantId, unitPriceCents: 999 });
    let req = post(a, `/resources/Product/records/${p.id}/edit`);
    for (const [k, v] of Object.entries({ ...base, sku: p.sku, currency: 'uss' })) req = req.field(k, v);
    const res = await req;
    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.currency.message).toMatch(/not an ISO 4217 currency code/);
    expect((await testDb().product.findUniqueOrThrow({ where: { id: p.id } })).currency).toBe('USD');
  });

  it('drops a field named after an Object member (constructor.prototype.x, __proto__.x, toString) like any unknown field, no 500', async () => {
    // Found by the panel fuzz: AdminJS looked the names up in a plain object and threw before any hook ran.
    const p = await f.product({ tenantId, unitPriceCents: 999 });
    for (const key of ['constructor.prototype.polluted', '__proto__.polluted', 'constructor', 'toString', 'name.hasOwnProperty']) {
      const loaded = await loadedRow(a, 'Product', p.id);
      let req = post(a, `/resources/Product/records/${p.id}/edit`);
      for (const [k, v] of Object.entries({ ...base, sku: p.sku, price: '12.00', ...loaded, [key]: 'junk' })) req = req.field(k, v);
      const res = await req;
      expect(res.status, key).toBe(200);
      expect(res.body.notice, key).toMatchObject({ type: 'success' });
    }
    expect((await testDb().product.findUniqueOrThrow({ where: { id: p.id } })).unitPriceCents).toBe(1200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports a duplicate SKU as a form error', async () => {
    await f.product({ tenantId, sku: 'DUP-1' });
    let req = post(a, '/resources/Product/actions/new');
    for (const [k, v] of Object.entries({ ...base, sku: 'DUP-1' })) req = req.field(k, v);
    const res = await req;
    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.sku.message).toMatch(/already used/);
  });
});

describe('discounts', () => {
  it('requires percentOff for a percent discount and clears the unused amount', async () => {
    const fields = {
      name: 'Spring',
      type: 'PERCENT',
      percentOff: '',
      amountOff: '5.00',
      scope: 'GLOBAL',
      startsAt: '',
      endsAt: '',
      minSubtotal: '0.00',
      maxUses: '',
      maxUsesPerCustomer: '',
      active: 'true',
    };
    let req = post(a, '/resources/Discount/actions/new');
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    const bad = await req;
    expect(bad.body.record.errors.percentOff.message).toMatch(/required/);
    req = post(a, '/resources/Discount/actions/new');
    for (const [k, v] of Object.entries({ ...fields, percentOff: '15' })) req = req.field(k, v);
    expect((await req).body.notice.type).toBe('success');
    const row = await testDb().discount.findFirstOrThrow({ where: { tenantId, name: 'Spring' } });
    expect(row).toMatchObject({ percentOff: 15, amountOffCents: null, maxUses: null });
  });
});

describe('discount dates', () => {
  it('refuses a date the database cannot store (year 275760, year 10000) under its field, and writes nothing', async () => {
    // Found by the panel fuzz: the date parsed, and the save failed with a 500.
    for (const endsAt of ['+275760-09-13T00:00:00Z', '+010000-01-01T00:00:00Z', '1899-12-31T00:00:00Z']) {
      let req = post(a, '/resources/Discount/actions/new');
      for (const [k, v] of Object.entries({
        name: 'Far future',
        type: 'PERCENT',
        percentOff: '10',
        scope: 'GLOBAL',
        active: 'true',
        endsAt,
      }))
        req = req.field(k, v);
      const res = await req;
      expect(res.status, endsAt).toBe(200);
      expect(res.body.notice?.type, endsAt).toBe('error');
      expect(res.body.record.errors.endsAt.message, endsAt).toBe('a date between the years 1900 and 9999');
    }
    expect(await testDb().discount.count({ where: { tenantId, name: 'Far future' } })).toBe(0);
  });
});

describe('tenant settings', () => {
  const settings = {
    name: 'Renamed Shop',
    currency: 'USD',
    'enabledPaymentMethods.0': 'VENMO_P2P',
    'enabledPaymentMethods.1': 'ZELLE',
    'paymentInstructions.VENMO_P2P.handle': '@renamed',
    'paymentInstructions.VENMO_P2P.instructions': 'Pay @renamed',
    'paymentInstructions.ZELLE.handle': '',
    'paymentInstructions.ZELLE.instructions': '',
    adminChannelId: '',
    inventoryTracking: 'true',
    taxjarEnabled: 'false',
    taxjarApiKeyNew: '',
    addressValidation: 'false',
  };
  const save = async (over: Record<string, string>) => {
    const loaded = await loadedRow(a, 'Tenant', tenantId);
    let req = post(a, `/resources/Tenant/records/${tenantId}/edit`);
    for (const [k, v] of Object.entries({ ...settings, ...over, ...loaded })) req = req.field(k, v);
    return req;
  };

  it('refuses a shop currency that names no currency ("USS")', async () => {
    const res = await save({ currency: 'USS' });
    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.currency.message).toMatch(/not an ISO 4217 currency code/);
    expect((await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } })).currency).toBe('USD');
  });

  it('saves settings; an empty TaxJar field keeps the key, which is never sent back', async () => {
    const res = await save({});
    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect(JSON.stringify(res.body)).not.toContain('tj_secret_key_9876');
    const row = await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(row).toMatchObject({
      name: 'Renamed Shop',
      enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'],
      adminChannelId: null,
      taxjarApiKey: 'tj_secret_key_9876',
    });
    expect(row.paymentInstructions).toEqual({ VENMO_P2P: { handle: '@renamed', instructions: 'Pay @renamed' } });
    const form = await get(a, `/resources/Tenant/records/${tenantId}/edit`);
    expect(JSON.stringify(form.body)).not.toContain('tj_secret_key_9876');
    expect(form.body.record.params.taxjarApiKeyMasked).toBe('•••• 9876');
  });

  it('replaces the TaxJar key without echoing it, and validates the fields and dependent fields', async () => {
    const res = await save({
      taxjarApiKeyNew: 'tj_new_key_1111',
      taxjarEnabled: 'true',
      'taxjarFromAddress.country': 'US',
      'taxjarFromAddress.zip': '94103',
      'taxjarFromAddress.state': 'CA',
    });
    expect(res.body.notice.type).toBe('success');
    expect(JSON.stringify(res.body)).not.toContain('tj_new_key_1111');
    // Stored encrypted (AES-256-GCM, secret-box.ts), never in the clear.
    const stored = (await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } })).taxjarApiKey!;
    expect(stored).toMatch(/^enc:v1:test1:/);
    expect(stored).not.toContain('tj_new_key_1111');
    expect(app.services.secrets.decrypt(stored)).toBe('tj_new_key_1111');

    // Each refusal under the input it concerns, in words.
    const longHandle = await save({ 'paymentInstructions.VENMO_P2P.handle': 'x'.repeat(201) });
    expect(longHandle.body.record.errors['paymentInstructions.VENMO_P2P.handle'].message).toBe('at most 200 characters');
    const noFrom = await save({ taxjarEnabled: 'true', taxjarFromAddress: '' });
    expect(noFrom.body.record.errors.taxjarFromAddress.message).toMatch(/ship from/);
    const noZip = await save({ taxjarEnabled: 'true', 'taxjarFromAddress.country': 'US' });
    expect(noZip.body.record.errors['taxjarFromAddress.zip'].message).toBe('required');
    const badMethod = await save({ 'enabledPaymentMethods.0': 'GOLD_BARS' });
    expect(badMethod.body.notice.type).toBe('error');
  });
});

describe('admin users', () => {
  it('creates a tenant user with a hashed password; edit without a password keeps it', async () => {
    const res = await post(a, '/resources/AdminUser/actions/new')
      .field('email', 'Staffer@Shop.test')
      .field('role', 'TENANT_STAFF')
      .field('password', 'a very long password');
    expect(res.body.notice.type).toBe('success');
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt\$|a very long password/);
    const row = await testDb().adminUser.findUniqueOrThrow({ where: { email: 'staffer@shop.test' } });
    expect(row.tenantId).toBe(tenantId);
    expect(await verifyPassword('a very long password', row.passwordHash)).toBe(true);

    const edit = await post(a, `/resources/AdminUser/records/${row.id}/edit`)
      .field('shownValuesJson', (await loadedRow(a, 'AdminUser', row.id)).shownValuesJson)
      .field('email', 'staffer@shop.test')
      .field('role', 'TENANT_ADMIN')
      .field('password', '');
    expect(edit.body.notice.type).toBe('success');
    const after = await testDb().adminUser.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.role).toBe('TENANT_ADMIN');
    expect(after.passwordHash).toBe(row.passwordHash);

    const short = await post(a, '/resources/AdminUser/actions/new')
      .field('email', 'short@shop.test')
      .field('role', 'TENANT_STAFF')
      .field('password', 'short');
    expect(short.body.record.errors.password.message).toMatch(/at least 12/);
  });

  it("a new password set in Admin users signs that account out everywhere; the module's length rule applies", async () => {
    const staff = await f.adminUser({ tenantId, role: 'TENANT_STAFF' });
    // Whoever holds the old (leaked) password is signed in.
    const holder = await loggedIn(app.baseUrl, staff.email);
    expect((await get(holder, '/resources/Order/actions/list')).status).toBe(200);
    const tooLong = await post(a, `/resources/AdminUser/records/${staff.id}/edit`)
      .field('email', staff.email)
      .field('role', 'TENANT_STAFF')
      .field('password', 'x'.repeat(201));
    expect(tooLong.body.record.errors.password.message).toMatch(/200/);
    expect((await testDb().adminUser.findUniqueOrThrow({ where: { id: staff.id } })).passwordHash).toBe(staff.passwordHash);
    expect((await get(holder, '/resources/Order/actions/list')).status).toBe(200);

    const edit = await post(a, `/resources/AdminUser/records/${staff.id}/edit`)
      .field('shownValuesJson', (await loadedRow(a, 'AdminUser', staff.id)).shownValuesJson)
      .field('email', staff.email)
      .field('role', 'TENANT_STAFF')
      .field('password', 'a brand new long password');
    expect(edit.body.notice.type).toBe('success');
    const row = await testDb().adminUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(await verifyPassword('a brand new long password', row.passwordHash)).toBe(true);
    expect((await get(holder, '/resources/Order/actions/list')).status).toBe(401);
    // The admin who set it stays signed in.
    expect((await get(a, '/resources/Order/actions/list')).status).toBe(200);
  });

  it('an admin cannot delete their own account', async () => {
    const me = await testDb().adminUser.findFirstOrThrow({ where: { tenantId, role: 'TENANT_ADMIN', email: { startsWith: 'admin-' } } });
    const res = await post(a, `/resources/AdminUser/records/${me.id}/delete`);
    expect(res.body.notice.type).toBe('error');
    expect(await testDb().adminUser.count({ where: { id: me.id } })).toBe(1);
  });
});

describe('a shop keeps a shop admin', () => {
  /** Makes `user` staff through the edit form, as loaded (`shown`, loaded now when not given). */
  const demote = async (
    who: AdminAgent,
    user: { id: string; email: string; tenantId: string | null },
    shown?: { shownValuesJson: string },
  ) =>
    post(who, `/resources/AdminUser/records/${user.id}/edit`)
      .field('shownValuesJson', (shown ?? (await loadedRow(who, 'AdminUser', user.id))).shownValuesJson)
      .field('email', user.email)
      .field('role', 'TENANT_STAFF')
      .field('tenant', user.tenantId ?? '')
      .field('password', '');

  it("the shop's only shop admin cannot make themselves staff; with a second one they can", async () => {
    const shop = (await f.tenant()).id;
    const owner = await f.adminUser({ tenantId: shop });
    const agent = await loggedIn(app.baseUrl, owner.email);
    const refused = await demote(agent, owner);
    expect(refused.body.record.errors.role.message).toBe('A shop needs at least one shop admin: make another person shop admin first.');
    expect(refused.body.notice.type).toBe('error');
    expect((await testDb().adminUser.findUniqueOrThrow({ where: { id: owner.id } })).role).toBe('TENANT_ADMIN');
    expect(await testDb().auditLog.count({ where: { tenantId: shop, action: 'admin_user.updated' } })).toBe(0);

    await f.adminUser({ tenantId: shop });
    expect((await demote(agent, owner)).body.notice.type).toBe('success');
    expect((await testDb().adminUser.findUniqueOrThrow({ where: { id: owner.id } })).role).toBe('TENANT_STAFF');
  });

  it('two shop admins making each other staff at once: one of them stays shop admin', async () => {
    for (let round = 0; round < 5; round++) {
      const shop = (await f.tenant()).id;
      const [x, y] = [await f.adminUser({ tenantId: shop }), await f.adminUser({ tenantId: shop })];
      const [ax, ay] = [await loggedIn(app.baseUrl, x.email), await loggedIn(app.baseUrl, y.email)];
      // Both forms open first, as two admins would have them; then both saves at once (a form loaded after the
      // other's save committed would be refused to its new staff member before any save).
      const [shownY, shownX] = [await loadedRow(ax, 'AdminUser', y.id), await loadedRow(ay, 'AdminUser', x.id)];
      const answers = await Promise.all([demote(ax, y, shownY), demote(ay, x, shownX)]);
      const ok = answers.filter((r) => r.body.notice?.type === 'success');
      expect(ok.length, `round ${round}`).toBeLessThanOrEqual(1);
      expect(await testDb().adminUser.count({ where: { tenantId: shop, role: 'TENANT_ADMIN' } }), `round ${round}`).toBeGreaterThanOrEqual(
        1,
      );
    }
  });

  it("a platform admin cannot delete a shop's only shop admin, nor make them staff", async () => {
    const shop = (await f.tenant()).id;
    const owner = await f.adminUser({ tenantId: shop });
    const staff = await f.adminUser({ tenantId: shop, role: 'TENANT_STAFF' });
    const boss = await loggedIn(app.baseUrl, (await f.adminUser({ role: 'PLATFORM_ADMIN', tenantId: null })).email);
    const res = await post(boss, `/resources/AdminUser/records/${owner.id}/delete`);
    expect(res.body.notice).toMatchObject({
      type: 'error',
      message: 'A shop needs at least one shop admin: make another person shop admin first.',
    });
    expect(await testDb().adminUser.count({ where: { id: owner.id } })).toBe(1);
    expect((await demote(boss, owner)).body.record.errors.role).toBeDefined();
    // Staff are not shop admins: deleting one is not this rule's business.
    expect((await post(boss, `/resources/AdminUser/records/${staff.id}/delete`)).body.notice.type).toBe('success');
  });
});

describe('guilds', () => {
  it('the platform admin links a Discord server to a tenant; tenant admins only read', async () => {
    const boss = await loggedIn(app.baseUrl, (await f.adminUser({ role: 'PLATFORM_ADMIN', tenantId: null })).email);
    const id = snowflake();
    const res = await post(boss, '/resources/Guild/actions/new')
      .field('guildId', id)
      .field('name', 'Shop Discord')
      .field('tenant', tenantId);
    expect(res.body.notice.type).toBe('success');
    expect(await testDb().guild.findUniqueOrThrow({ where: { id } })).toMatchObject({ tenantId, name: 'Shop Discord' });
    const mine = await get(a, '/resources/Guild/actions/list');
    expect(mine.body.records.map((r: { id: string }) => r.id)).toContain(id);
    const refused = await post(a, '/resources/Guild/actions/new')
      .field('guildId', snowflake())
      .field('name', 'Mine now')
      .field('tenant', tenantId);
    expect(refused.body.notice.type).toBe('error');
  });
});
