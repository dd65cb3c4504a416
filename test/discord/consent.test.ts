// The customer consents to the amount (issue 10, section 1): Confirm & submit and /order-submit place the
// order only at what the review showed. A price changed, a payment method disabled or an older review's
// button leaves nothing ordered; the new review says what changed and asks again.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, componentInteraction, customIdsOf, interact, member, messageOf, useHarness, textOf } from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();

const h = useHarness();

async function toReview() {
  const s = await f.shop();
  const product = s.products[1]!;
  await db.product.update({ where: { id: product.id }, data: { name: 'Sticker Pack', unitPriceCents: 800 } });
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  // Straight to the quantity modal (no product menu, no "Enter new address"); the address has no line2, and "US".
  const { review } = await walkToReview(h, as, {
    productId: product.id,
    quantity: '2',
    shippingTypeId: s.shippingType.id,
    address: { line1: '1 Elm St', city: 'Springfield', state: 'IL', postal_country: '62701 US' },
    pickProduct: false,
  });
  expect(textOf(review)).toContain('2 × Sticker Pack @ $8.00');
  return { s, as, product, review, confirmId: customIdsOf(review)[0]! };
}

const orders = (tenantId: string) => db.order.findMany({ where: { tenantId } });

describe('consent to the amount', () => {
  it('a price changed after the review is shown, not charged; the new review places it at the new price', async () => {
    const { s, as, product, review, confirmId } = await toReview();
    await db.product.update({ where: { id: product.id }, data: { unitPriceCents: 900 } });

    const again = await interact(h, componentInteraction(as, confirmId, { message: messageOf(review) }));
    expect(again.type).toBe(7);
    expect(textOf(again)).toContain('Sticker Pack is now $9.00');
    expect(textOf(again)).not.toContain('Order submitted');
    expect(await orders(s.tenant.id)).toHaveLength(0);
    const newConfirm = customIdsOf(again)[0]!;
    expect(newConfirm).toMatch(/^order:confirm:/);
    expect(newConfirm).not.toBe(confirmId);

    // The old review's button stays refused even now that the new review is stored.
    const stale = await interact(h, componentInteraction(as, confirmId, { message: messageOf(review) }));
    expect(textOf(stale)).not.toContain('Order submitted');
    expect(await orders(s.tenant.id)).toHaveLength(0);

    const placed = await interact(h, componentInteraction(as, newConfirm, { message: messageOf(again) }));
    expect(textOf(placed)).toContain('Order submitted');
    const [order] = await orders(s.tenant.id);
    expect(order!.subtotalCents).toBe(1800);
  });

  it('/order-submit after a price change shows the change and places nothing; run again, it places the order', async () => {
    const { s, as, product } = await toReview();
    await db.product.update({ where: { id: product.id }, data: { unitPriceCents: 900 } });

    const first = await interact(h, commandInteraction(as, 'order-submit'));
    expect(textOf(first)).toContain('Sticker Pack is now $9.00');
    expect(textOf(first)).toMatch(/\/order-submit/);
    expect(await orders(s.tenant.id)).toHaveLength(0);

    const second = await interact(h, commandInteraction(as, 'order-submit'));
    expect(textOf(second)).toContain('Order submitted');
    expect((await orders(s.tenant.id))[0]!.subtotalCents).toBe(1800);
  });

  it('a payment method the shop disabled after the review is refused at Confirm', async () => {
    const { s, as, review, confirmId } = await toReview();
    await db.tenant.update({ where: { id: s.tenant.id }, data: { enabledPaymentMethods: ['ZELLE'] } });

    const res = await interact(h, componentInteraction(as, confirmId, { message: messageOf(review) }));
    expect(textOf(res)).toMatch(/does not accept that payment method/);
    expect(await orders(s.tenant.id)).toHaveLength(0);
  });
});
