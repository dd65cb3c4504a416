// The order page names everyone who acted on the order (its history, receipts, refunds and returns) by one read of
// their names (audit/actor-names.ts): before, its history and its receipts/refunds each read the names, so every page
// read discord_admin_names (and the panel admins and API keys) twice. A Discord admin is named by their kept name, else
// their name as the shop's customer, else by id; the customers are read only for admins without a kept name.
// Statements are counted as they reach PostgreSQL (every pg client's query, in this process, during the page's request).
import pg from 'pg';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, type AdminAgent } from './admin-helpers.js';
import { commandInteraction, interact, member, useHarness, useHarnessServer } from '../discord/harness.js';

const f = factories();
const db = testDb();
const h = useHarness();
const server = useHarnessServer(h);

afterEach(() => {
  vi.restoreAllMocks();
});

/** The order page (its show action, as the panel loads it), with the SQL statements it sent. */
async function showWithStatements(panel: AdminAgent, orderId: string) {
  const statements: string[] = [];
  const query = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text?: string };
    statements.push(typeof q === 'string' ? q : (q.text ?? ''));
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query);
  const show = await panel.agent.get(`/admin/api/resources/Order/records/${orderId}/show`).set(panel.headers()).expect(200);
  vi.restoreAllMocks();
  const detail = JSON.parse(show.body.record.params.detailJson as string) as {
    received: { receipts: { by: string }[] };
    timeline: { who: string; what: string }[];
  };
  /** How many statements read `table` (as Prisma names it) by the given column. */
  const reads = (table: string, column: string) =>
    statements.filter((s) => new RegExp(`FROM "public"\\."${table}" WHERE .*"${table}"\\."${column}" IN`, 's').test(s)).length;
  return { detail, statements, reads };
}

describe('the order page names who acted with one read', () => {
  it('reads the names of the actors of its history and of its receipts at once', async () => {
    const { shop: s, order } = await f.unpaidZelleOrder();
    // A receipt by each kind of actor: a Discord admin, a panel admin, an API key (each also in the history).
    const discordAdmin = { guildId: s.guild.id, user: member({ username: 'morgan_ops', roles: [s.tenant.adminRoleIds[0]!] }) };
    await interact(h, commandInteraction(discordAdmin, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
    const panelAdmin = await f.adminUser({ tenantId: s.tenant.id });
    const panel = await loggedIn(server.baseUrl, panelAdmin.email);
    const inPanel = await panel.agent
      .post(`/admin/api/resources/Order/records/${order.id}/recordReceipt`)
      .set(panel.headers())
      .send({ amount: '10.00', note: 'Zelle 2', receivedShown: '2000' });
    expect(inPanel.body.notice.type).toBe('success');
    const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'till', 'READ_WRITE');
    await request(h.t.app)
      .post(`/api/orders/${order.id}/payment/receipts`)
      .set({ authorization: `Bearer ${key}` })
      .send({ amountCents: 500, expectedAmountReceivedCents: 3000 })
      .expect(201);

    const { detail, reads } = await showWithStatements(panel, order.id);
    const named = ['a Discord admin (morgan_ops)', panelAdmin.email, 'API key "till"'];
    expect(detail.received.receipts.map((r) => r.by).sort()).toEqual([...named].sort());
    expect(new Set(detail.timeline.map((e) => e.who))).toEqual(new Set(named));
    expect(reads('discord_admin_names', 'discordUserId')).toBe(1);
    expect(reads('admin_users', 'id')).toBe(1);
    expect(reads('api_keys', 'id')).toBe(1);
    // Every Discord admin here has a kept name: the shop's customers are not read for one.
    expect(reads('customers', 'discordUserId')).toBe(0);
  });

  it('names a Discord admin without a kept name by their customer name, else by id, reading customers for them only', async () => {
    const { shop: s, order } = await f.unpaidZelleOrder();
    const kept = { guildId: s.guild.id, user: member({ username: 'morgan_ops', roles: [s.tenant.adminRoleIds[0]!] }) };
    await interact(h, commandInteraction(kept, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
    // Two admins who acted before names were kept: one also ordered from the shop (named so), one never did.
    const asCustomer = await f.customer({ tenantId: s.tenant.id, username: 'dana_k', displayName: 'Dana' });
    const unknown = member({ username: 'never_seen' }).id;
    await db.auditLog.createMany({
      data: [asCustomer.discordUserId, unknown].map((actorId) => ({
        tenantId: s.tenant.id,
        actorType: 'DISCORD_ADMIN',
        actorId,
        action: 'order.updated',
        entityType: 'Order',
        entityId: order.id,
        before: { notes: null },
        after: { notes: 'call first' },
      })),
    });
    // The kept name comes first, also for an admin who is a customer too.
    await f.customer({ tenantId: s.tenant.id, discordUserId: kept.user.id, username: 'morgan_c', displayName: 'Morgan C' });

    const panel = await loggedIn(server.baseUrl, (await f.adminUser({ tenantId: s.tenant.id })).email);
    const { detail, reads } = await showWithStatements(panel, order.id);
    expect(new Set(detail.timeline.map((e) => e.who))).toEqual(
      new Set(['a Discord admin (morgan_ops)', 'a Discord admin (Dana)', `a Discord admin (Discord user id ${unknown})`]),
    );
    expect(detail.received.receipts.map((r) => r.by)).toEqual(['a Discord admin (morgan_ops)']);
    expect(reads('discord_admin_names', 'discordUserId')).toBe(1);
    expect(reads('customers', 'discordUserId')).toBe(1);
  });
});
