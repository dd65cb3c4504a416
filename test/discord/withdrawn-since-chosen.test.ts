// A product, shipping option or payment method the shop withdrew after the customer chose it: review and submit
// refuse it, and before, the rich flow had no screen to change it, so Confirm and every resumed /order answered the
// same "no longer available: remove it from your order" (or "choose another shipping option") with nothing to
// press. Now the product is taken out (the flow goes on from what is left), and the shipping or payment menu is
// shown again with why.
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
  optionsOf,
  textOf,
  useHarness,
} from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

async function reviewed() {
  const s = await f.shop();
  const p = s.products[0]!;
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const steps = await walkToReview(h, as, { productId: p.id, quantity: '2', shippingTypeId: s.shippingType.id, openAddressForm: true });
  expect(customIdsOf(steps.review).some((c) => c.startsWith('order:confirm:'))).toBe(true);
  return { ...s, p, as, review: steps.review };
}

const confirmIdOf = (res: Parameters<typeof customIdsOf>[0]) => customIdsOf(res).find((c) => c.startsWith('order:confirm:'));
const confirm = (s: Awaited<ReturnType<typeof reviewed>>) =>
  interact(h, componentInteraction(s.as, confirmIdOf(s.review)!, { message: messageOf(s.review) }));

describe('a choice the shop withdrew after the customer made it', () => {
  it('a product made inactive: Confirm takes it out and the other line is reviewed; nothing is placed', async () => {
    const s = await reviewed();
    const other = s.products[1]!;
    const start = await interact(h, commandInteraction(s.as, 'order'));
    await interact(h, modalInteraction(s.as, `order:qty-modal:${other.id}`, { quantity: '1' }, messageOf(start)));
    const review = await interact(h, commandInteraction(s.as, 'order'));
    await db.product.update({ where: { id: s.p.id }, data: { active: false } });

    const res = await interact(h, componentInteraction(s.as, confirmIdOf(review)!, { message: messageOf(review) }));
    const text = textOf(res);
    expect(text).toContain(`${s.p.name} is no longer available, so it was taken out of your order.`);
    expect(text).not.toContain(`× ${s.p.name}`);
    expect(text).toContain(`1 × ${other.name}`);
    expect(confirmIdOf(res)).toBeDefined();
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });

  it('a product made inactive while away: /order takes it out and shows the product menu', async () => {
    const s = await reviewed();
    await db.product.update({ where: { id: s.p.id }, data: { active: false } });
    const res = await interact(h, commandInteraction(s.as, 'order'));
    expect(textOf(res)).toContain(`${s.p.name} is no longer available, so it was taken out of your order.`);
    expect(customIdsOf(res)).toContain('order:product-select');
  });

  it('a shipping option withdrawn: Confirm shows the shipping menu with why; choosing another reaches the review', async () => {
    const s = await reviewed();
    const other = await f.shippingType({ tenantId: s.tenant.id, name: 'Courier', priceCents: 900 });
    await db.shippingType.update({ where: { id: s.shippingType.id }, data: { active: false } });

    const res = await confirm(s);
    expect(textOf(res)).toContain(`${s.shippingType.name} shipping is no longer offered: choose another shipping option.`);
    expect(optionsOf(res, 'order:shipping-type-select').map((o) => o.value)).toEqual([other.id]);
    const again = await interact(
      h,
      componentInteraction(s.as, 'order:shipping-type-select', { values: [other.id], message: messageOf(res) }),
    );
    expect(textOf(again)).toContain('Shipping (Courier): $9.00');
    expect(confirmIdOf(again)).toBeDefined();
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });

  it('a payment method the shop stopped taking: /order shows the payment menu with why', async () => {
    const s = await reviewed();
    await db.tenant.update({ where: { id: s.tenant.id }, data: { enabledPaymentMethods: ['ZELLE'] } });
    const res = await interact(h, commandInteraction(s.as, 'order'));
    expect(textOf(res)).toContain('This shop does not accept that payment method (any more).');
    expect(optionsOf(res, 'order:payment-method-select').map((o) => o.value)).toEqual(['ZELLE']);
  });
});
