// The address modal asks for the recipient's full name (spec 004's address has a name; the modal used to fill it
// with the customer's Discord name, so a parcel was addressed to "user12345"). Discord allows five inputs: the
// name comes first, and the street takes its optional second line (apartment, suite) in one two-line input. The
// name is stored with the order's address and shown wherever the ship-to is (the review, the admin post).
// A modal opened before the change (line1/line2 inputs, no name) is still read, shipping to the Discord name.
import { expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { ELM_ST } from './flows.js';
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

const h = useHarness({ worker: true });
const f = factories();
const db = testDb();

type Embed = { fields?: { name: string; value: string }[] };
const shipTo = (embeds: Embed[] | undefined) => embeds?.[0]?.fields?.find((x) => x.name === 'Ship to')?.value;

/** /order, the product, quantity 1, "Enter new address": the modal Discord opens, and the step it sits on. */
async function toAddressModal() {
  const s = await f.shop();
  const user = member({ id: s.customer.discordUserId });
  const as = { guildId: s.guild.id, user };
  const start = await interact(h, commandInteraction(as, 'order'));
  const productId = s.products[0]!.id;
  const addressStep = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '1' }, messageOf(start)));
  const form = await interact(h, componentInteraction(as, 'order:address:new', { message: messageOf(addressStep) }));
  return { ...s, user, as, addressStep, form };
}

it('asks for the full name first, within five inputs, and ships the order to that name (review, order, admin post)', async () => {
  const s = await toAddressModal();
  const rows = (s.form.data as unknown as { components: { components: { custom_id: string; label: string }[] }[] }).components;
  expect(rows).toHaveLength(5);
  expect(rows.map((r) => r.components[0]!.custom_id)).toEqual(['name', 'street', 'city', 'state', 'postal_country']);
  expect(rows[0]!.components[0]!.label).toMatch(/^Full name/);

  const typed = { name: 'Jane Doe', street: '1 Elm St\nApt 4B', city: 'Springfield', state: 'IL', postal_country: '62701 us' };
  const shipping = await interact(h, modalInteraction(s.as, 'order:address:modal', typed, messageOf(s.addressStep)));
  expect(textOf(shipping)).toContain('Jane Doe\n1 Elm St\nApt 4B\nSpringfield, IL 62701\nUS');
  const payment = await interact(
    h,
    componentInteraction(s.as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
  );
  const review = await interact(
    h,
    componentInteraction(s.as, 'order:payment-method-select', { values: ['VENMO_P2P'], message: messageOf(payment) }),
  );
  expect(shipTo(review.data.embeds as Embed[])).toMatch(/^Jane Doe\n1 Elm St\nApt 4B\n/);
  expect(shipTo(review.data.embeds as Embed[])).not.toContain(s.user.username);

  const submitted = await interact(h, componentInteraction(s.as, customIdsOf(review)[0]!, { message: messageOf(review) }));
  expect(textOf(submitted)).toContain('Order submitted');
  const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
  expect(order.shippingAddress).toMatchObject({ name: 'Jane Doe', line1: '1 Elm St', line2: 'Apt 4B', city: 'Springfield', country: 'US' });

  const post = await h.fake.waitFor(
    (c) =>
      c.method === 'POST' &&
      c.path === `/channels/${s.tenant.adminChannelId}/messages` &&
      JSON.stringify(c.body).includes(`#${order.number}`),
  );
  expect(shipTo((post.body as { embeds: Embed[] }).embeds)).toMatch(/^Jane Doe\n1 Elm St\nApt 4B\n/);

  // The saved address keeps the name: picking it again (or the legacy form prefilled with it) ships to Jane Doe.
  const saved = await db.address.findFirstOrThrow({ where: { customerId: s.customer.id } });
  expect(saved.name).toBe('Jane Doe');
});

it('a modal opened before the name input (line1 and line2, no name) still works, shipping to the Discord name as before', async () => {
  const s = await toAddressModal();
  const shipping = await interact(
    h,
    modalInteraction(s.as, 'order:address:modal', { ...ELM_ST, line2: 'Unit 2' }, messageOf(s.addressStep)),
  );
  expect(textOf(shipping)).toContain(`${s.user.username}\n1 Elm St\nUnit 2\nSpringfield, IL 62701\nUS`);
});
