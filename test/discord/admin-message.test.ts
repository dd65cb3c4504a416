// The admin-channel order message follows the order whichever surface confirms or rejects its payment:
// the job that posts it stores its channel and id on the order, and the order.paid / order.cancelled jobs
// edit it (no more "awaiting payment" with live Approve/Reject buttons after /payment-confirm or the panel).
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, member, useHarness, textOf } from './harness.js';
import { waitFor } from '../helpers/wait-for.js';

const f = factories();
const db = testDb();

const h = useHarness({ worker: true });

/** An unpaid order whose admin message was posted (by the real order.created job); returns where. */
async function postedOrder() {
  const s = await f.shop();
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    paymentStatus: 'awaiting_admin_approval',
    guildId: s.guild.id,
  });
  await h.t.services.bus.emit(db, EVENTS.orderCreated, { tenantId: s.tenant.id, orderId: order.id });
  await h.fake.waitFor(
    (c) =>
      c.method === 'POST' &&
      c.path === `/channels/${s.tenant.adminChannelId}/messages` &&
      JSON.stringify(c.body).includes(`#${order.number}`),
  );
  const stored = await waitFor("the admin message's id on the order", async () => {
    const o = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    return o.adminMessageId ? o : null;
  });
  expect(stored.adminMessageChannelId).toBe(s.tenant.adminChannelId);
  return { s, order, messagePath: `/channels/${stored.adminMessageChannelId}/messages/${stored.adminMessageId}` };
}

const edited = (path: string, text: string) =>
  h.fake.waitFor((c) => c.method === 'PATCH' && c.path === path && JSON.stringify(c.body).includes(text));

describe('admin-channel order message', () => {
  it('/payment-confirm marks it paid and removes the buttons', async () => {
    const { s, order, messagePath } = await postedOrder();
    const admin = member({ roles: [s.tenant.adminRoleIds[0]!] });
    const res = await interact(h, commandInteraction({ guildId: s.guild.id, user: admin }, 'payment-confirm', { orderid: order.id }));
    expect(textOf(res)).toMatch(/paid|confirmed/i);
    const call = await edited(messagePath, `Order #${order.number} · paid`);
    expect((call.body as { components: unknown[] }).components).toEqual([]);
    expect(JSON.stringify(call.body)).toContain(`confirmed by <@${admin.id}>`);
  });

  it("the panel's mark-as-paid edits it too", async () => {
    const { s, order, messagePath } = await postedOrder();
    await h.t.services.orderAdmin.update({ tenantId: s.tenant.id, actor: { type: 'PANEL_ADMIN', id: 'adm_1' } }, order.id, {
      status: 'PAID',
    });
    const call = await edited(messagePath, 'confirmed in the admin panel');
    expect(JSON.stringify(call.body)).not.toContain('payment:approve');
  });

  it('a paid order cancelled before fulfilment: refunded in full, roles removed in Discord, message says so', async () => {
    const { s, order, messagePath } = await postedOrder();
    const roleId = '400000000000000777';
    const line = await db.orderItem.findFirstOrThrow({ where: { orderId: order.id } });
    await db.product.update({ where: { id: line.productId }, data: { grantedRoleIds: [roleId] } });
    const admin = member({ roles: [s.tenant.adminRoleIds[0]!] });
    await interact(h, commandInteraction({ guildId: s.guild.id, user: admin }, 'payment-confirm', { orderid: order.id }));
    const rolePath = `/guilds/${s.guild.id}/members/${s.customer.discordUserId}/roles/${roleId}`;
    await h.fake.waitFor((c) => c.method === 'PUT' && c.path === rolePath);

    const { changed } = await h.t.services.orderAdmin.cancel(
      { tenantId: s.tenant.id, actor: { type: 'PANEL_ADMIN', id: 'adm_1' } },
      order.id,
      { note: 'Cannot ship', confirmRefundCents: order.totalCents },
    );
    expect(changed).toBe(true);
    const after = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(after.status).toBe('CANCELLED');
    expect(after.refundedTotalCents).toBe(after.totalCents);
    await h.fake.waitFor((c) => c.method === 'DELETE' && c.path === rolePath);
    await edited(messagePath, 'then cancelled and refunded');
  });

  it('a refund from /refund says how much was refunded, then in full after the rest', async () => {
    const { s, order, messagePath } = await postedOrder();
    const admin = member({ roles: [s.tenant.adminRoleIds[0]!] });
    const as = { guildId: s.guild.id, user: admin };
    await interact(h, commandInteraction(as, 'payment-confirm', { orderid: order.id }));
    await edited(messagePath, `Order #${order.number} · paid`);
    await interact(h, commandInteraction(as, 'refund', { order: order.id, amount: 100 }));
    const total = (await db.order.findUniqueOrThrow({ where: { id: order.id } })).totalCents;
    const dollars = (c: number) => `$${(c / 100).toFixed(2)}`;
    const partly = await edited(messagePath, `refunded $1.00 of ${dollars(total)}`);
    // The title follows the refunds too: a refunded order is never shown as "paid" in the channel.
    expect((partly.body as { embeds: { title: string }[] }).embeds[0]!.title).toBe(`Order #${order.number} · partly refunded`);
    await interact(h, commandInteraction(as, 'refund', { order: order.id }));
    const full = await edited(messagePath, `refunded in full (${dollars(total)})`);
    expect((full.body as { embeds: { title: string }[] }).embeds[0]!.title).toBe(`Order #${order.number} · refunded`);
  });

  it('a rejection from the API says rejected, with the reason', async () => {
    const { s, order, messagePath } = await postedOrder();
    const payment = await db.payment.findFirstOrThrow({ where: { orderId: order.id } });
    await h.t.services.payments.reject(
      { tenantId: s.tenant.id, actor: { type: 'API_KEY', id: 'key_1' } },
      { paymentId: payment.id, reason: 'No money arrived' },
    );
    await edited(messagePath, 'Payment rejected: No money arrived');
  });
});
