// /refund items as an admin can write them from what Discord shows: the SKU of the order's line (the admin
// post, the receipts and the panel show SKUs and names, never product ids), in any case; and an item not on
// the order is refused with the order's lines, so the admin can retype it.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, member, textOf, useHarness } from './harness.js';

const h = useHarness();
const f = factories();
const db = testDb();

async function paidOrderWithSkus() {
  const s = await f.shop();
  const [tee, sticker] = s.products;
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    status: 'PAID',
    paymentStatus: 'paid',
    lines: [
      { productId: tee!.id, sku: 'TEE-001', name: 'Ledgerline Tee', quantity: 2, unitPriceCents: 2500 },
      { productId: sticker!.id, sku: 'STK-001', name: 'Sticker Pack', quantity: 3, unitPriceCents: 500 },
    ],
  });
  const asAdmin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
  return { ...s, order, tee: tee!, sticker: sticker!, asAdmin };
}

describe('/refund items by SKU', () => {
  it('refunds the lines named by their SKU (any case) as by their product ids', async () => {
    const s = await paidOrderWithSkus();
    const reply = await interact(
      h,
      commandInteraction(s.asAdmin, 'refund', { order: String(s.order.number), items: 'TEE-001:1, stk-001:2', reason: 'Returned' }),
    );
    expect(textOf(reply)).toContain(`Refund of $35.00 recorded on order #${s.order.number}`);
    expect(textOf(reply)).toContain('Items: 1 × Ledgerline Tee, 2 × Sticker Pack');
    const lines = await db.orderItem.findMany({ where: { orderId: s.order.id }, orderBy: { sku: 'asc' } });
    expect(lines.map((l) => [l.sku, l.refundedQuantity])).toEqual([
      ['STK-001', 2],
      ['TEE-001', 1],
    ]);
    expect((await db.order.findUniqueOrThrow({ where: { id: s.order.id } })).status).toBe('PARTIALLY_REFUNDED');
  });

  it('refuses an item not on the order, naming the lines by SKU and id, and refunds nothing', async () => {
    const s = await paidOrderWithSkus();
    const reply = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: String(s.order.number), items: 'HOOD-LTD:1' }));
    const text = textOf(reply);
    expect(text).toContain(`Product HOOD-LTD is not on order #${s.order.number}.`);
    expect(text).toContain(`Ledgerline Tee (SKU TEE-001, ${s.tee.id})`);
    expect(text).toContain(`Sticker Pack (SKU STK-001, ${s.sticker.id})`);
    expect(await db.refund.count({ where: { orderId: s.order.id } })).toBe(0);
  });
});
