// A discounted order refunded in parts: each refund's breakdown carries its share of the discount and of the sales
// tax (refund-shares.ts): item by item from Discord (/refund items), the share its units carry; an amount (/refund
// amount) or an amount with items (the REST API), the share of what it refunds, no longer none of it (the whole
// discount then landed on the refund of the rest). The last refund takes what rounding left, and the refunds add
// up to the order's discount, tax, shipping and total to the cent; the customer never gets back more than they paid.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, interact, member, textOf, useHarness } from './harness.js';

const h = useHarness();
const f = factories();
const db = testDb();

/** Tee 2 × $25.00 and Sticker 3 × $5.00 ($65.00), less a $10.01 discount, $5.00 shipping and $3.33 tax: $63.32 paid. */
async function discountedPaidOrder() {
  const s = await f.shop();
  const [tee, sticker] = s.products;
  const order = await f.order({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    guildId: s.guild.id,
    status: 'PAID',
    paymentStatus: 'paid',
    discountCents: 1001,
    shippingCents: 500,
    taxAmountCents: 333,
    totalCents: 6500 - 1001 + 500 + 333,
    amountReceivedCents: 6500 - 1001 + 500 + 333,
    lines: [
      { productId: tee!.id, sku: 'TEE-001', name: 'Ledgerline Tee', quantity: 2, unitPriceCents: 2500 },
      { productId: sticker!.id, sku: 'STK-001', name: 'Sticker Pack', quantity: 3, unitPriceCents: 500 },
    ],
  });
  const asAdmin = { guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) };
  return { ...s, order, asAdmin };
}

describe('/refund items on a discounted order', () => {
  it('each item refund carries its units’ share of the discount and tax; together they are the order’s, to the cent', async () => {
    const s = await discountedPaidOrder();
    const refund = (items?: string) =>
      interact(h, commandInteraction(s.asAdmin, 'refund', { order: String(s.order.number), ...(items ? { items } : {}) }));

    // Tee 1 of 2 ($25.00) and Sticker 1 of 3 ($5.00): $30.00 of the $65.00 of goods.
    const first = await refund('TEE-001:1, STK-001:1');
    // Tee 1 and Sticker 2: the rest of the goods.
    const second = await refund('TEE-001:1, STK-001:2');
    const rows = await db.refund.findMany({ where: { orderId: s.order.id }, orderBy: { createdAt: 'asc' } });
    expect(rows).toHaveLength(2);
    const [r1, r2] = rows;

    // Discount: Tee's line carries 1001 × 5000/6500 = 770, Sticker's 231; per unit 385 and 77.
    expect(r1!.discountCents).toBe(385 + 77);
    expect(r2!.discountCents).toBe(385 + 154);
    expect(r1!.discountCents + r2!.discountCents).toBe(1001);
    // Tax: over the discounted lines (4230, 1269) and shipping (500): 235, 70, 28.
    expect(r1!.taxCents).toBe(118 + 23);
    expect(r2!.taxCents).toBe(117 + 47);
    expect(r1!.amountCents).toBe(3000 - 462 + 141);
    expect(r2!.amountCents).toBe(3500 - 539 + 164);
    expect(textOf(first)).toContain('Items $30.00 · discount −$4.62 · sales tax $1.41');
    expect(textOf(second)).toContain('Items $35.00 · discount −$5.39 · sales tax $1.64');

    // The rest (shipping and its tax) in full: the refunds sum to what the customer paid, never more.
    await refund();
    const all = await db.refund.findMany({ where: { orderId: s.order.id } });
    const sum = (k: 'amountCents' | 'discountCents' | 'taxCents' | 'shippingCents') => all.reduce((t, r) => t + r[k], 0);
    const order = await db.order.findUniqueOrThrow({ where: { id: s.order.id } });
    expect(sum('amountCents')).toBe(order.totalCents);
    expect(sum('discountCents')).toBe(order.discountCents);
    expect(sum('taxCents')).toBe(order.taxAmountCents);
    expect(sum('shippingCents')).toBe(order.shippingCents);
    expect(order.refundedTotalCents).toBe(order.totalCents);
    expect(order.status).toBe('REFUNDED');
  });

  /** The refunds' parts add up to the order's, to the cent, and to no more than was paid. */
  async function expectRefundsAddUp(orderId: string) {
    const all = await db.refund.findMany({ where: { orderId } });
    const sum = (k: 'amountCents' | 'discountCents' | 'taxCents' | 'shippingCents') => all.reduce((t, r) => t + r[k], 0);
    const order = await db.order.findUniqueOrThrow({ where: { id: orderId } });
    expect(order.status).toBe('REFUNDED');
    expect(sum('amountCents')).toBe(order.totalCents);
    expect(sum('discountCents')).toBe(order.discountCents);
    expect(sum('taxCents')).toBe(order.taxAmountCents);
    expect(sum('shippingCents')).toBe(order.shippingCents);
  }

  it('a partial refund by amount carries its share of the discount; the rest carries the rest, not all of it', async () => {
    const s = await discountedPaidOrder();
    // Half of the $63.32 paid: half of each part (goods net, shipping, tax), the discount's share with the goods.
    const half = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: String(s.order.number), amount: 3166 }));
    expect(textOf(half)).toContain('Items $32.51 · discount −$5.01 · shipping $2.50 · sales tax $1.66');
    const rest = await interact(h, commandInteraction(s.asAdmin, 'refund', { order: String(s.order.number) }));
    expect(textOf(rest)).toContain('Items $32.49 · discount −$5.00 · shipping $2.50 · sales tax $1.67');
    await expectRefundsAddUp(s.order.id);
  });

  it('an amount given with items (REST) is split like those items, discount included', async () => {
    const s = await discountedPaidOrder();
    const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'test key', 'READ_WRITE');
    const auth = { authorization: `Bearer ${key}` };
    const tee = s.products[0]!;
    // One Tee back ($25.00 less its $3.85 of the discount, plus $1.18 tax: $22.33), compensated with $20.00 instead.
    const both = await request(h.t.app)
      .post(`/api/orders/${s.order.id}/refunds`)
      .set(auth)
      .send({ amountCents: 2000, items: [{ productId: tee.id, quantity: 1 }] })
      .expect(201);
    expect(both.body.plan).toMatchObject({ mode: 'BOTH', amountCents: 2000, goodsCents: 2239, discountCents: 345, taxCents: 106 });
    await request(h.t.app).post(`/api/orders/${s.order.id}/refunds`).set(auth).send({}).expect(201);
    await expectRefundsAddUp(s.order.id);
  });
});
