// What the panel says instead of internals: Discord roles and channels by name (from the bot's REST client,
// here src/dev/fake-discord-api.ts), ids when the bot cannot list them; "Not tracked" instead of "Stock 0";
// the customer's orders on the customer's page with statuses in words; the shop time zone validated;
// a refused save answers with what was typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let discord: FakeDiscordApi;
const f = factories();

beforeAll(async () => {
  discord = await new FakeDiscordApi().start();
  app = await startAdminApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
});
afterAll(async () => {
  await app?.close();
  await discord?.stop();
});

async function shopWithOwner() {
  const tenant = await f.tenant();
  const guild = await f.guild({ tenantId: tenant.id });
  const owner = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
  return { tenant, guild, owner };
}
const get = (who: AdminAgent, path: string) => who.agent.get(`/admin/api${path}`).set(who.headers());

describe('Discord roles and channels by name', () => {
  it('offers the guild roles (not @everyone, not the bot role) and text channels by name', async () => {
    const { tenant, guild, owner } = await shopWithOwner();
    const p = await f.product({ tenantId: tenant.id });
    const edit = await get(owner, `/resources/Product/records/${p.id}/edit`);
    const roles = JSON.parse(edit.body.record.params.requiredRoleIdsOptions) as { value: string; label: string }[];
    expect(roles.map((r) => r.label)).toEqual(['Shop Admin', 'Moderator', 'VIP', 'Member']);
    expect(roles.map((r) => r.value)).not.toContain(guild.id);
    const settings = await get(owner, `/resources/Tenant/records/${tenant.id}/show`);
    expect(JSON.parse(settings.body.record.params.adminChannelIdOptions).map((c: { label: string }) => c.label)).toEqual([
      '#general',
      '#orders',
      '#announcements',
    ]);
    expect(discord.find('GET', new RegExp(`^/guilds/${guild.id}/roles$`)).length).toBe(1);
  });

  it('falls back to ids when the bot cannot list them', async () => {
    const { tenant, owner } = await shopWithOwner();
    discord.fail({
      method: 'GET',
      path: /^\/guilds\/\d+\/(roles|channels)$/,
      status: 403,
      body: { message: 'Missing Access', code: 50001 },
      times: Infinity,
    });
    try {
      const edit = await get(owner, `/resources/Tenant/records/${tenant.id}/edit`);
      expect(edit.status).toBe(200);
      expect(edit.body.record.params.adminRoleIdsOptions).toBeUndefined();
      expect(edit.body.record.params['adminRoleIds.0']).toBe(tenant.adminRoleIds[0]);
    } finally {
      discord.reset();
    }
  });
});

describe('words, not internals', () => {
  it('a product that does not track stock says so', async () => {
    const { tenant, owner } = await shopWithOwner();
    const untracked = await f.product({ tenantId: tenant.id, trackStock: false, stock: 0 });
    const tracked = await f.product({ tenantId: tenant.id, trackStock: true, stock: 7 });
    const list = await get(owner, '/resources/Product/actions/list');
    const shown = (id: string) => list.body.records.find((r: { id: string }) => r.id === id).params.stockShown;
    expect(shown(untracked.id)).toBe('Not tracked');
    expect(shown(tracked.id)).toBe('7');
  });

  it("the customer's page lists their orders with statuses in words", async () => {
    const { tenant, owner } = await shopWithOwner();
    await testDb().tenant.update({ where: { id: tenant.id }, data: { timeZone: 'Europe/Berlin' } });
    const customer = await f.customer({ tenantId: tenant.id });
    const order = await f.order({ tenantId: tenant.id, customerId: customer.id, createdAt: new Date('2026-07-01T10:00:00Z') });
    const show = await get(owner, `/resources/Customer/records/${customer.id}/show`);
    expect(JSON.parse(show.body.record.params.customerOrdersJson)).toEqual([
      expect.objectContaining({
        number: order.number,
        status: 'Awaiting payment',
        total: '$15.00',
        when: 'Jul 1, 2026, 12:00 PM GMT+2',
        url: `/admin/resources/Order/records/${order.id}/show`,
      }),
    ]);
  });

  it('refuses an unknown time zone and answers with what was typed', async () => {
    const { tenant, owner } = await shopWithOwner();
    const res = await owner.agent
      .post(`/admin/api/resources/Tenant/records/${tenant.id}/edit`)
      .set(owner.headers())
      .field('name', 'Typed name')
      .field('currency', 'USD')
      .field('enabledPaymentMethods.0', 'ZELLE')
      .field('adminRoleIds.0', '123456789012345678')
      .field('timeZone', 'Mars/Olympus_Mons');
    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.timeZone.message).toMatch(/IANA time zone/);
    expect(res.body.record.params).toMatchObject({
      name: 'Typed name',
      timeZone: 'Mars/Olympus_Mons',
      'enabledPaymentMethods.0': 'ZELLE',
      'adminRoleIds.0': '123456789012345678',
    });
    expect(res.body.record.params['enabledPaymentMethods.1']).toBeUndefined();
    expect((await testDb().tenant.findUniqueOrThrow({ where: { id: tenant.id } })).name).toBe(tenant.name);
  });
});

describe('list filters', () => {
  it('offers no money filter that cannot work: no raw "Price Cents", no formatted price or amount', async () => {
    const { owner } = await shopWithOwner();
    // The filter drawer draws the resource's filterProperties from the state the panel's page hands the browser.
    const html = (await owner.agent.get('/admin')).text;
    const state = JSON.parse(/window\.REDUX_STATE = (.*);$/m.exec(html)![1]!) as {
      resources: { id: string; filterProperties: { propertyPath: string }[] }[];
    };
    const filters = (id: string) => state.resources.find((r) => r.id === id)!.filterProperties.map((p) => p.propertyPath);
    expect(filters('ShippingType')).toEqual(['name', 'active']);
    expect(filters('Discount')).toEqual(['name', 'type', 'scope', 'active', 'startsAt', 'endsAt']);
  });
});
