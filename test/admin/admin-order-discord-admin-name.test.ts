// The order page names a Discord admin who acted on the order by the name they acted under (global_name, else
// username), kept with their action's audit entry (discord_admin_names), also when they never ordered from the shop.
// Before, the page's receipts said "Discord admin 1234…" (their user id) and its history "Admin on Discord".
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn } from './admin-helpers.js';
import { commandInteraction, interact, member, useHarness, useHarnessServer } from '../discord/harness.js';

const f = factories();
const db = testDb();
const h = useHarness();
const server = useHarnessServer(h);

describe("a Discord admin on the order page's history", () => {
  it('is named by the name they acted under in Discord, not by their user id', async () => {
    const { shop: s, order } = await f.unpaidZelleOrder();
    const admin = { guildId: s.guild.id, user: member({ username: 'morgan_ops', roles: [s.tenant.adminRoleIds[0]!] }) };
    // Not a customer of the shop: nothing but the interaction says who they are.
    expect(await db.customer.count({ where: { tenantId: s.tenant.id, discordUserId: admin.user.id } })).toBe(0);
    await interact(h, commandInteraction(admin, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
    expect(await db.paymentReceipt.count({ where: { orderId: order.id, actorId: admin.user.id } })).toBe(1);

    const panel = await loggedIn(server.baseUrl, (await f.adminUser({ tenantId: s.tenant.id })).email);
    const show = await panel.agent.get(`/admin/api/resources/Order/records/${order.id}/show`).set(panel.headers()).expect(200);
    const detail = JSON.parse(show.body.record.params.detailJson as string) as {
      received: { receipts: { by: string }[] };
      timeline: { who: string; what: string }[];
    };
    const named = 'a Discord admin (morgan_ops)';
    expect(detail.received.receipts.map((r) => r.by)).toEqual([named]);
    const byAdmin = detail.timeline.filter((e) => e.who === named);
    expect(byAdmin.length).toBeGreaterThan(0);
    expect(JSON.stringify(detail)).not.toContain(`Discord admin ${admin.user.id}`);
    expect(detail.timeline.map((e) => e.who)).not.toContain('Admin on Discord');
  });

  it("names the same person's own action as a customer as the customer's, not the admin's (one Discord user id, two actors)", async () => {
    const s = await f.shop();
    const admin = { guildId: s.guild.id, user: member({ username: 'dana_owner', roles: [s.tenant.adminRoleIds[0]!] }) };
    // The owner also orders from their own shop: their customer record has the same Discord user id.
    const own = await f.customer({ tenantId: s.tenant.id, discordUserId: admin.user.id });
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: own.id,
      guildId: s.guild.id,
      paymentMethod: 'ZELLE',
      lines: [{ productId: s.products[0]!.id, name: 'Tee', quantity: 1, unitPriceCents: 5500 }],
    });
    await interact(h, commandInteraction(admin, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
    // Their own action as the order's customer (a self-service cancel writes its entry so: CUSTOMER, their user id).
    await db.auditLog.create({
      data: {
        tenantId: s.tenant.id,
        actorType: 'CUSTOMER',
        actorId: admin.user.id,
        action: 'order.cancelled',
        entityType: 'Order',
        entityId: order.id,
        before: { status: 'PENDING_PAYMENT' },
        after: { status: 'CANCELLED' },
      },
    });

    const panel = await loggedIn(server.baseUrl, (await f.adminUser({ tenantId: s.tenant.id })).email);
    const show = await panel.agent.get(`/admin/api/resources/Order/records/${order.id}/show`).set(panel.headers()).expect(200);
    const detail = JSON.parse(show.body.record.params.detailJson as string) as { timeline: { who: string; what: string }[] };
    const whos = detail.timeline.map((e) => e.who);
    expect(whos).toContain('a Discord admin (dana_owner)');
    expect(whos).toContain('Customer');
    expect(whos.filter((w) => w === 'a Discord admin (dana_owner)')).toHaveLength(whos.length - 1);
  });
});
