// A digital-only shipping type (shipping_types.digitalOnly, e.g. the demo's free "Digital delivery") is offered
// and accepted only when every line of the cart is digital (checkout/selection-rules.ts shipping.digitalOnly):
// a cart with goods to ship neither sees it in the shipping menu nor can pick it with a replayed (or old)
// select menu or /order-shipping's option; a cart of digital items can. Before the rule, a customer could
// ship a hoodie by free "Digital delivery".
import { expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { ELM_ST, shopWithDigitalDelivery as digitalDeliveryShop } from './flows.js';
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

const h = useHarness({ worker: false });
const f = factories();

async function shopWithDigitalDelivery() {
  const s = await digitalDeliveryShop(f);
  return { ...s, as: { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) } };
}

/** /order, the product, quantity 1 and the address: the shipping step's response. */
async function toShipping(s: Awaited<ReturnType<typeof shopWithDigitalDelivery>>, productId: string) {
  const start = await interact(h, commandInteraction(s.as, 'order'));
  await interact(h, componentInteraction(s.as, 'order:product-select', { values: [productId], message: messageOf(start) }));
  const addressStep = await interact(h, modalInteraction(s.as, `order:qty-modal:${productId}`, { quantity: '1' }, messageOf(start)));
  return interact(h, modalInteraction(s.as, 'order:address:modal', ELM_ST, messageOf(addressStep)));
}

const chosenShipping = async (customerId: string) =>
  (await h.t.services.db.orderSession.findFirstOrThrow({ where: { customerId, activeSlot: 1 }, select: { shippingTypeId: true } }))
    .shippingTypeId;

it('a cart with goods to ship is not offered the digital-only type, and a replayed menu choosing it is refused', async () => {
  const s = await shopWithDigitalDelivery();
  const shipping = await toShipping(s, s.products[0]!.id);
  const offered = optionsOf(shipping, 'order:shipping-type-select').map((o) => o.value);
  expect(offered).toEqual([s.shippingType.id]);

  // The same select menu sent back with the digital-only type's id (an old menu, or a crafted replay).
  const replayed = await interact(
    h,
    componentInteraction(s.as, 'order:shipping-type-select', { values: [s.digitalOnly.id], message: messageOf(shipping) }),
  );
  expect(textOf(replayed)).toMatch(
    /Digital delivery is only for orders of digital items, and your order has goods to ship: choose another shipping option/,
  );
  expect(await chosenShipping(s.customer.id)).toBeNull();

  // /order-shipping's option names it too: refused the same way, nothing written.
  const legacy = await interact(h, commandInteraction(s.as, 'order-shipping', { shipping: s.digitalOnly.id }));
  expect(textOf(legacy)).toMatch(/Digital delivery is only for orders of digital items/);
  expect(await chosenShipping(s.customer.id)).toBeNull();

  // The offered type is taken.
  const payment = await interact(
    h,
    componentInteraction(s.as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
  );
  expect(customIdsOf(payment)).toContain('order:payment-method-select');
  expect(await chosenShipping(s.customer.id)).toBe(s.shippingType.id);
});

it('a cart of digital items is offered the digital-only type and can pick it; goods added later take that choice back', async () => {
  const s = await shopWithDigitalDelivery();
  const shipping = await toShipping(s, s.ebook.id);
  const offered = optionsOf(shipping, 'order:shipping-type-select').map((o) => o.value);
  expect(offered).toEqual([s.shippingType.id, s.digitalOnly.id]);
  const payment = await interact(
    h,
    componentInteraction(s.as, 'order:shipping-type-select', { values: [s.digitalOnly.id], message: messageOf(shipping) }),
  );
  expect(customIdsOf(payment)).toContain('order:payment-method-select');
  expect(await chosenShipping(s.customer.id)).toBe(s.digitalOnly.id);

  // A hoodie added afterwards: Digital delivery no longer fits the cart, so the choice is dropped and asked again.
  const hoodie = s.products[0]!.id;
  await interact(h, modalInteraction(s.as, `order:qty-modal:${hoodie}`, { quantity: '1' }, messageOf(payment)));
  expect(await chosenShipping(s.customer.id)).toBeNull();
});
