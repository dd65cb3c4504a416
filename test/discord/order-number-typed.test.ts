// An order number as admins type it in Discord's order options: "# 1001", with a space after the "#" (the panel and
// every message write "#1001", and people copy the "#"). /refund and /payment-confirm answered "Order # 1001 not
// found" while the panel's search found it; both options now read the number by the panel's one rule.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, member, textOf, useHarness } from './harness.js';
import { paidShopOrder } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

describe('An order number typed "# 1001"', () => {
  it('/refund order:"# 1001" refunds that order', async () => {
    const s = await paidShopOrder(f);
    const res = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: `# ${s.order.number}`, amount: 500 }));
    expect(textOf(res)).toContain('Refund of $5.00 recorded');
    expect((await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).refundedTotalCents).toBe(500);
  });

  it('/payment-confirm orderid:" #  1001 " confirms that order', async () => {
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id });
    const admin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
    const res = await interact(h, commandInteraction(admin, 'payment-confirm', { orderid: ` #  ${order.number} ` }));
    expect(textOf(res)).toContain(`Order #${order.number} marked as paid`);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
  });

  it('a number that is no order is still not found, by the number as typed', async () => {
    const s = await paidShopOrder(f);
    const res = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: '# 99999' }));
    expect(textOf(res)).toContain('not found');
    expect((await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).refundedTotalCents).toBe(0);
  });
});
