// The endpoint's guards: signatures, stale timestamps, replayed interaction ids, malformed and forged custom
// ids, DMs, guilds with no shop, and admin-only commands and buttons used by ordinary members.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { generateDiscordTestKeys, signDiscordBody } from '../helpers/discord-signer.js';
import request from 'supertest';
import {
  commandInteraction,
  componentInteraction,
  interact,
  member,
  modalInteraction,
  PERMS,
  send,
  useHarness,
  textOf,
} from './harness.js';
import { parseCustomId, customId } from '../../src/surfaces/discord/custom-id.js';
import { COMMAND_ROUTES, COMPONENT_ROUTES } from '../../src/surfaces/discord/routes.js';

const f = factories();
const db = testDb();

const h = useHarness();

async function shop() {
  const s = await f.shop();
  const customer = member({ id: s.customer.discordUserId });
  return { ...s, customer, as: (user = customer) => ({ guildId: s.guild.id, user }) };
}

describe('signature and replay', () => {
  it('refuses a bad signature and a stale timestamp with 401, before any handler', async () => {
    const s = await shop();
    const body = JSON.stringify(commandInteraction(s.as(), 'orders'));
    const other = generateDiscordTestKeys();
    await request(h.t.app).post('/discord/interactions').set(signDiscordBody(other, body)).send(body).expect(401);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const res = await send(h, JSON.parse(body), { timestamp: old });
    expect(res.status).toBe(401);
    expect(await db.processedInteraction.count()).toBe(0);
  });

  it('tags every interaction response with a request id', async () => {
    const s = await shop();
    const res = await send(h, commandInteraction(s.as(), 'help'), { expectStatus: 200 });
    expect(res.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
  });

  it('runs a replayed interaction id once', async () => {
    const s = await shop();
    const first = commandInteraction(s.as(), 'order');
    const a = await interact(h, first);
    expect(a.data.components?.length).toBeGreaterThan(0);
    await interact(h, componentInteraction(s.as(), 'order:cancel'));
    const replay = await interact(h, first);
    expect(textOf(replay)).toMatch(/already handled/);
    // The replay did not open a new session after the cancel.
    expect(await db.orderSession.count({ where: { tenantId: s.tenant.id, activeSlot: 1 } })).toBe(0);
  });

  it('a replayed id writes no customer: not for another user, not in another shop, not a changed name', async () => {
    const s = await shop();
    const other = await shop();
    const first = commandInteraction(s.as(), 'orders');
    await interact(h, first);
    const before = await db.customer.findMany({ orderBy: { id: 'asc' } });
    const stranger = member();
    const replays = [
      commandInteraction({ guildId: s.guild.id, user: { ...s.customer, username: 'renamed_by_replay' }, id: first.id }, 'orders'),
      commandInteraction({ guildId: s.guild.id, user: stranger, id: first.id }, 'orders'),
      commandInteraction({ guildId: other.guild.id, user: stranger, id: first.id }, 'orders'),
    ];
    for (const replay of replays) expect(textOf(await interact(h, replay))).toMatch(/already handled/);
    expect(await db.customer.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });

  it('a route that only shows something is not claimed: a replay shows it again, and nothing is written', async () => {
    const s = await shop();
    const product = s.products?.[0] ?? (await f.product({ tenantId: s.tenant.id }));
    const customersBefore = await db.customer.count({ where: { tenantId: s.tenant.id } });
    const newAddress = componentInteraction(s.as(member()), 'order:address:new');
    const pick = componentInteraction(s.as(member()), 'order:product-select', { values: [product.id] });
    for (const i of [newAddress, newAddress, pick, pick]) {
      const res = await interact(h, i);
      expect(res.type).toBe(9); // the modal, both times
    }
    const ids = [newAddress.id, pick.id];
    expect(await db.processedInteraction.count({ where: { id: { in: ids } } })).toBe(0);
    // Two new Discord users clicked: neither became a customer (a first contact is a write).
    expect(await db.customer.count({ where: { tenantId: s.tenant.id } })).toBe(customersBefore);
  });

  it('only read-only, non-admin routes are marked showsOnly', () => {
    const showsOnly = Object.entries({ ...COMMAND_ROUTES, ...COMPONENT_ROUTES })
      .filter(([, r]) => r.showsOnly)
      .map(([name, r]) => ({ name, adminOnly: r.adminOnly ?? false }));
    expect(showsOnly.filter((r) => r.adminOnly)).toEqual([]);
    expect(showsOnly.map((r) => r.name).sort()).toEqual(
      [
        'catalog',
        'catalog:order',
        'catalog:page',
        'help',
        'legacy:add',
        'legacy:address-new',
        'legacy:address-retry',
        'legacy:browse',
        'order:address:new',
        'order:address:retry',
        'order:product-select',
        'order:products',
      ].sort(),
    );
  });
});

describe('tenant resolution', () => {
  it('answers a DM interaction with a clear ephemeral message', async () => {
    const res = await interact(h, commandInteraction({ guildId: null, user: member() }, 'order'));
    expect(res.type).toBe(4);
    expect(res.data.flags).toBe(64);
    expect(textOf(res)).toMatch(/inside a shop's Discord server/);
  });

  it('answers a guild with no shop with "not set up for ordering"', async () => {
    const res = await interact(h, commandInteraction({ guildId: '999999999999999999', user: member() }, 'order'));
    expect(res.data.flags).toBe(64);
    expect(textOf(res)).toContain('This server is not set up for ordering');
  });
});

describe('custom ids', () => {
  it('parses and refuses ids strictly', () => {
    expect(parseCustomId('order:address:new')).toEqual({ ok: true, id: { key: 'order:address:new', params: [] } });
    expect(parseCustomId('orders:detail:ord_abc:3')).toEqual({ ok: true, id: { key: 'orders:detail', params: ['ord_abc', 3] } });
    for (const bad of [
      '',
      'x'.repeat(101),
      'order:confirm:extra',
      'order:qty-modal:',
      'order:qty-modal:ord_1',
      'orders:page:-1',
      'nope:thing',
      'order:qty-modal:prod_1;drop',
      'orders:detail:ord_a',
    ]) {
      expect(parseCustomId(bad).ok, bad).toBe(false);
    }
    expect(() => customId('orders:page', 'x')).toThrow();
  });

  it('answers unknown and malformed ids with an ephemeral error, never a 500', async () => {
    const s = await shop();
    for (const id of ['totally:unknown', 'order:qty-modal:not-a-product', 'orders:page:abc', 'x'.repeat(120)]) {
      const res = await send(h, componentInteraction(s.as(), id));
      expect(res.status, id).toBe(200);
      expect(res.body.type).toBe(4);
      expect(res.body.data.flags).toBe(64);
      expect(textOf(res.body)).toMatch(/not valid/);
    }
    // A modal id sent as a button is refused too.
    const res = await interact(h, componentInteraction(s.as(), 'order:address:modal'));
    expect(textOf(res)).toMatch(/not valid/);
  });

  it("never shows another customer's order, nor another tenant's", async () => {
    const s = await shop();
    const otherCustomer = await f.customer({ tenantId: s.tenant.id });
    const theirs = await f.order({ tenantId: s.tenant.id, customerId: otherCustomer.id });
    const res = await interact(h, componentInteraction(s.as(), `orders:detail:${theirs.id}:0`));
    expect(textOf(res)).toMatch(/not found/i);

    const elsewhere = await shop();
    const foreign = await f.order({
      tenantId: elsewhere.tenant.id,
      customerId: (await db.customer.findFirstOrThrow({ where: { tenantId: elsewhere.tenant.id } })).id,
    });
    const res2 = await interact(h, componentInteraction(s.as(), `orders:detail:${foreign.id}:0`));
    expect(textOf(res2)).toMatch(/not found/i);
  });

  it("acts on the caller's own session only: another user cannot touch it through the flow ids", async () => {
    const s = await shop();
    await interact(h, commandInteraction(s.as(), 'order'));
    await interact(h, modalInteraction(s.as(), `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }));
    const intruder = member();
    const res = await interact(h, componentInteraction(s.as(intruder), 'order:cancel'));
    expect(textOf(res)).toContain('No order in progress'); // the intruder's own (empty) flow, nothing else
    const owner = await db.customer.findFirstOrThrow({ where: { tenantId: s.tenant.id, discordUserId: s.customer.id } });
    const session = await db.orderSession.findFirstOrThrow({
      where: { tenantId: s.tenant.id, customerId: owner.id, activeSlot: 1 },
      include: { items: true },
    });
    expect(session.items).toHaveLength(1);
  });
});

describe('admin-only commands and buttons', () => {
  it('refuses ordinary members everywhere and changes nothing', async () => {
    const s = await shop();
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: (await db.customer.findFirstOrThrow({ where: { tenantId: s.tenant.id } })).id,
    });
    const attempts = [
      commandInteraction(s.as(), 'refund', { order: order.id }),
      commandInteraction(s.as(), 'payment-confirm', { orderid: order.id }),
      componentInteraction(s.as(), `payment:approve:${order.payment.id}`),
      componentInteraction(s.as(), `payment:reject:${order.payment.id}`),
      modalInteraction(s.as(), `payment:reject-modal:${order.payment.id}`, { reason: 'nope' }),
    ];
    for (const i of attempts) {
      const res = await interact(h, i);
      expect(res.type).toBe(4);
      expect(textOf(res)).toMatch(/Only shop admins/);
    }
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
    expect((await db.payment.findUniqueOrThrow({ where: { id: order.payment.id } })).status).toBe('awaiting_admin_approval');
  });

  it('accepts Manage Server and Administrator permissions as admin', async () => {
    const s = await shop();
    const customerId = (await db.customer.findFirstOrThrow({ where: { tenantId: s.tenant.id } })).id;
    const o1 = await f.order({ tenantId: s.tenant.id, customerId });
    const o2 = await f.order({ tenantId: s.tenant.id, customerId });
    const r1 = await interact(
      h,
      commandInteraction(s.as(member({ permissions: PERMS.manageGuild })), 'payment-confirm', { orderid: String(o1.number) }),
    );
    expect(textOf(r1)).toContain(`Order #${o1.number} marked as paid`);
    const r2 = await interact(
      h,
      commandInteraction(s.as(member({ permissions: PERMS.administrator })), 'payment-confirm', { orderid: `#${o2.number}` }),
    );
    expect(textOf(r2)).toContain('marked as paid');
    const again = await interact(
      h,
      commandInteraction(s.as(member({ permissions: PERMS.administrator })), 'payment-confirm', { orderid: o2.id }),
    );
    expect(textOf(again)).toContain('already paid');
  });

  it("cannot reach another tenant's payment even as an admin", async () => {
    const s = await shop();
    const other = await shop();
    const foreign = await f.order({
      tenantId: other.tenant.id,
      customerId: (await db.customer.findFirstOrThrow({ where: { tenantId: other.tenant.id } })).id,
    });
    const admin = member({ roles: [s.tenant.adminRoleIds[0]!] });
    const res = await interact(h, componentInteraction(s.as(admin), `payment:approve:${foreign.payment.id}`));
    expect(res.type).toBe(4);
    expect(textOf(res)).toMatch(/not found/i);
    expect((await db.order.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe('PENDING_PAYMENT');
  });
});
