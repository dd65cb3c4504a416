// /refund has no screen before it: what the admin knew is the order when they sent the command (the interaction's id,
// stamped by Discord). A refund recorded on the order after that (by another admin in the panel, or through the API)
// refuses it, with what was refunded meanwhile, by whom and when, and nothing refunded (refunds/refunded-meanwhile.ts).
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, member, textOf, useHarness } from './harness.js';

const h = useHarness();
const f = factories();
const db = testDb();

async function paidOrder() {
  const s = await f.shop();
  const [tee] = s.products;
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    status: 'PAID',
    paymentStatus: 'paid',
    lines: [{ productId: tee!.id, name: 'Ledgerline Tee', quantity: 2, unitPriceCents: 2500 }],
  });
  const asAdmin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
  const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'Till', 'READ_WRITE');
  const restRefund = (amountCents: number) =>
    request(h.t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set({ authorization: `Bearer ${key}` })
      .send({ amountCents })
      .expect(201);
  return { ...s, order, asAdmin, restRefund };
}

describe('/refund after a refund made since it was sent', () => {
  it('is refused, saying who refunded what and when meanwhile, and refunds nothing', async () => {
    const s = await paidOrder();
    // The admin sends /refund amount:1000 (its id is stamped now) ...
    const sent = commandInteraction(s.asAdmin, 'refund', { order: String(s.order.number), amount: 1000, reason: 'Damage compensation' });
    // ... and before it reaches the service, another admin refunds $10.00 through the API.
    await s.restRefund(1000);
    const made = await db.refund.findFirstOrThrow({ where: { orderId: s.order.id } });

    const reply = await interact(h, sent);
    expect(reply.data.flags).toBe(64);
    expect(textOf(reply)).toContain(
      `Order #${s.order.number} was refunded meanwhile: $10.00 by API key "Till" (<t:${Math.floor(made.createdAt.getTime() / 1000)}:f>). It now has $10.00 refunded, $40.00 left to refund. This refund was not made: nothing was refunded, no money was sent and no stock changed, so nothing is refunded twice.`,
    );
    expect(await db.refund.count({ where: { orderId: s.order.id } })).toBe(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).refundedTotalCents).toBe(1000);

    // Sent again later, now that the admin could know of it: refunded. The API refund is dated a minute back: the send
    // time is put on the database's clock by reading this instance's clock after the database's (onDatabaseClock), so a
    // pause of a busy test process between the two counts toward "meanwhile" (the safe side). Sent straight after, the
    // refund of milliseconds before was once read as made after it (CI on Node 24, 2026-12-08).
    await db.$executeRaw`UPDATE refunds SET "createdAt" = "createdAt" - interval '1 minute' WHERE id = ${made.id}`;
    const again = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: String(s.order.number), amount: 1000 }));
    expect(textOf(again)).toContain(`Refund of $10.00 recorded on order #${s.order.number}`);
    expect((await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).refundedTotalCents).toBe(2000);
  });

  it("another Discord admin's /refund recorded meanwhile is named by a mention", async () => {
    const s = await paidOrder();
    const other = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
    const sent = commandInteraction(s.asAdmin, 'refund', { order: String(s.order.number) });
    await interact(h, commandInteraction(other, 'refund', { order: String(s.order.number), amount: 500 }));
    const reply = await interact(h, sent);
    expect(textOf(reply)).toContain(`Order #${s.order.number} was refunded meanwhile: $5.00 by <@${other.user.id}> (<t:`);
    expect(await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).toMatchObject({
      refundedTotalCents: 500,
      status: 'PARTIALLY_REFUNDED',
    });
  });
});
