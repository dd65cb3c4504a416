// /order-shipping's `shipping` option suggests what the shipping menu offers the customer's open order
// (selection-rules.ts shippingChoices / shipping.digitalOnly): a cart with goods to ship is not offered a
// digital-only type (picking it was refused), a cart of digital items is. Without an open order, every active
// type (what an empty cart may take). Before, the autocomplete read no customer and listed every active type.
import { expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { shopWithDigitalDelivery } from './flows.js';
import {
  autocompleteInteraction,
  commandInteraction,
  interact,
  member,
  messageOf,
  modalInteraction,
  suggestionsOf,
  useHarness,
} from './harness.js';

const h = useHarness({ worker: false });
const f = factories();

/** A member of the shop's guild with one unit of `productId` in an open order (/order, the quantity modal). */
async function withCart(s: Awaited<ReturnType<typeof shopWithDigitalDelivery>>, productId: string) {
  const as = { guildId: s.guild.id, user: member() };
  const start = await interact(h, commandInteraction(as, 'order'));
  await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '1' }, messageOf(start)));
  return as;
}

const offered = async (as: { guildId: string | null; user: ReturnType<typeof member> }, typed = '') =>
  (await suggestionsOf(h, autocompleteInteraction(as, 'order-shipping', { shipping: typed }, 'shipping'))).map((c) => c.value);

it('a cart with goods to ship is not offered the digital-only type; a cart of digital items is', async () => {
  const s = await shopWithDigitalDelivery(f);

  const goods = await withCart(s, s.products[0]!.id);
  expect(await offered(goods)).toEqual([s.shippingType.id]);
  expect(await offered(goods, 'digital')).toEqual([]);

  const digital = await withCart(s, s.ebook.id);
  expect(await offered(digital)).toEqual([s.shippingType.id, s.digitalOnly.id]);
  const [choice] = await suggestionsOf(h, autocompleteInteraction(digital, 'order-shipping', { shipping: 'digi' }, 'shipping'));
  expect(choice).toEqual({ name: 'Digital delivery · $0.00', value: s.digitalOnly.id });
});

it('without an open order (or before the first contact), every active type: what a new cart may take', async () => {
  const s = await shopWithDigitalDelivery(f);
  const stranger = { guildId: s.guild.id, user: member() };
  expect(await offered(stranger)).toEqual([s.shippingType.id, s.digitalOnly.id]);
  // The autocomplete made no customer row (it writes nothing).
  expect(await h.t.services.db.customer.count({ where: { tenantId: s.tenant.id, discordUserId: stranger.user.id } })).toBe(0);
});

it('at most 25 suggestions', async () => {
  const s = await shopWithDigitalDelivery(f);
  for (let i = 0; i < 30; i++) await f.shippingType({ tenantId: s.tenant.id, name: `Courier ${i}`, priceCents: 100 + i });
  const goods = await withCart(s, s.products[0]!.id);
  const all = await offered(goods);
  expect(all).toHaveLength(25);
  expect(all).not.toContain(s.digitalOnly.id);
});
