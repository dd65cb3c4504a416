// A product sold out (or fewer left) between the customer's review and their Confirm, or while they were away
// from a resumed /order: the line is lowered to what is left or taken out, they are told, and the flow goes on
// (the review again, to confirm at the new total, or the product menu). Before, Confirm answered "out of stock,
// pick another product with /order", and /order resumed into the same error every time: nothing to press, and
// the line could not be changed (its quantity modal does not open for a sold-out product).
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import {
  commandInteraction,
  componentInteraction,
  customIdsOf,
  interact,
  member,
  messageOf,
  modalInteraction,
  textOf,
  useHarness,
} from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

/** A shop whose first product has `stock` units tracked, and the customer walked to the review with 2 of it. */
async function reviewedWithTwo(stock: number) {
  const s = await f.shop();
  const p = s.products[0]!;
  await db.product.update({ where: { id: p.id }, data: { trackStock: true, stock } });
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const steps = await walkToReview(h, as, { productId: p.id, quantity: '2', shippingTypeId: s.shippingType.id, openAddressForm: true });
  expect(textOf(steps.review)).toContain(`2 × ${p.name}`);
  return { ...s, p, as, review: steps.review };
}

const confirmIdOf = (res: Parameters<typeof customIdsOf>[0]) => customIdsOf(res).find((c) => c.startsWith('order:confirm:'));

describe('a product that sold out since the customer chose it', () => {
  it('on Confirm: fewer left lowers the line and shows the review again; confirming that places the order at it', async () => {
    const s = await reviewedWithTwo(5);
    await db.product.update({ where: { id: s.p.id }, data: { stock: 1 } });
    const res = await interact(h, componentInteraction(s.as, confirmIdOf(s.review)!, { message: messageOf(s.review) }));
    expect(res.type).toBe(7);
    const text = textOf(res);
    expect(text).toContain(`Only 1 of ${s.p.name} left now, so your order has 1.`);
    expect(text).toContain(`1 × ${s.p.name}`);
    expect(text).toContain('Total: $30.00');
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(0);

    const placed = await interact(h, componentInteraction(s.as, confirmIdOf(res)!, { message: messageOf(res) }));
    expect(textOf(placed)).toContain('Order submitted');
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id }, include: { items: true } });
    expect(order.totalCents).toBe(3000);
    expect(order.items.map((i) => i.quantity)).toEqual([1]);
  });

  it('on Confirm: none left takes the line out and shows the product menu; /order then goes on from there', async () => {
    const s = await reviewedWithTwo(5);
    await db.product.update({ where: { id: s.p.id }, data: { stock: 0 } });
    const res = await interact(h, componentInteraction(s.as, confirmIdOf(s.review)!, { message: messageOf(s.review) }));
    expect(res.type).toBe(7);
    expect(textOf(res)).toContain(`${s.p.name} is sold out now, so it was taken out of your order.`);
    expect(customIdsOf(res)).toContain('order:product-select');
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(0);

    const again = await interact(h, commandInteraction(s.as, 'order'));
    expect(customIdsOf(again)).toContain('order:product-select');
  });

  it('resuming /order after it sold out: the other line is kept and reviewed, not an "out of stock" with nothing to press', async () => {
    const s = await reviewedWithTwo(5);
    const other = s.products[1]!;
    const start = await interact(h, commandInteraction(s.as, 'order'));
    await interact(h, modalInteraction(s.as, `order:qty-modal:${other.id}`, { quantity: '1' }, messageOf(start)));
    await db.product.update({ where: { id: s.p.id }, data: { stock: 0 } });

    const resumed = await interact(h, commandInteraction(s.as, 'order'));
    const text = textOf(resumed);
    expect(text).toContain(`${s.p.name} is sold out now, so it was taken out of your order.`);
    expect(text).not.toContain(`× ${s.p.name}`);
    expect(text).toContain(`1 × ${other.name}`);
    expect(confirmIdOf(resumed)).toBeDefined();
  });
});
