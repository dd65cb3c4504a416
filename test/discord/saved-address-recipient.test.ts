// A saved address from before the address modal asked for the recipient's name carries the customer's Discord
// name (the old modal filled it in), marked `nameTyped` false. Picking it used to ship the order to "user12345"
// without a word; now it opens the address form filled with it and the name left to type (a select or a button
// may answer with a modal), and the name typed is kept on that saved address, so the next pick goes straight on.
import { expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { orderItemOptions } from './flows.js';
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
const db = testDb();

type ModalRows = { custom_id: string; components: { components: { custom_id: string; value?: string }[] }[] };
/** The modal's inputs by id, with what they are filled with ('' for empty). */
const modalFields = (res: { type: number; data: unknown }) => {
  expect(res.type).toBe(9);
  const data = res.data as ModalRows;
  return {
    customId: data.custom_id,
    ...Object.fromEntries(data.components.map((r) => [r.components[0]!.custom_id, r.components[0]!.value ?? ''])),
  };
};

/** A shop's customer with an address saved before the name input: the old modal gave it their Discord name. */
async function customerWithOldAddress() {
  const s = await f.shop();
  const user = member({ id: s.customer.discordUserId, username: s.customer.username! });
  const old = await f.address({
    tenantId: s.tenant.id,
    customerId: s.customer.id,
    name: user.username,
    nameTyped: false,
    line1: '1 Elm St',
    line2: 'Unit 2',
  });
  return { ...s, user, as: { guildId: s.guild.id, user }, old };
}

it('/order: picking it opens the form filled with it, the name empty; the typed name ships and is kept for the next order', async () => {
  const s = await customerWithOldAddress();
  const productId = s.products[0]!.id;
  await interact(h, commandInteraction(s.as, 'order', { productid: productId }));
  const step = await interact(h, modalInteraction(s.as, `order:qty-modal:${productId}`, { quantity: '1' }));
  expect(optionsOf(step, 'order:use-existing').map((o) => o.value)).toEqual([s.old.id]);

  const picked = await interact(h, componentInteraction(s.as, 'order:use-existing', { values: [s.old.id], message: messageOf(step) }));
  // Before: the order went on to the shipping step, shipping to the Discord username.
  expect(textOf(picked)).not.toContain(s.user.username);
  expect(modalFields(picked)).toEqual({
    customId: 'order:address:modal',
    name: '',
    street: '1 Elm St\nUnit 2',
    city: 'Springfield',
    state: 'IL',
    postal_country: '62701 US',
  });
  expect(await db.orderSession.findFirstOrThrow({ where: { customerId: s.customer.id, activeSlot: 1 } })).toMatchObject({
    addressId: null,
  });

  const typed = { name: 'Jane Doe', street: '1 Elm St\nUnit 2', city: 'Springfield', state: 'IL', postal_country: '62701 US' };
  const shipping = await interact(h, modalInteraction(s.as, 'order:address:modal', typed, messageOf(step)));
  expect(textOf(shipping)).toContain('Jane Doe\n1 Elm St\nUnit 2\nSpringfield, IL 62701\nUS');
  // The same saved address, now with the name the customer typed (no second copy).
  expect(await db.address.findMany({ where: { customerId: s.customer.id } })).toEqual([
    expect.objectContaining({ id: s.old.id, name: 'Jane Doe', nameTyped: true }),
  ]);
  const payment = await interact(
    h,
    componentInteraction(s.as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
  );
  const review = await interact(
    h,
    componentInteraction(s.as, 'order:payment-method-select', { values: ['VENMO_P2P'], message: messageOf(payment) }),
  );
  await interact(h, componentInteraction(s.as, customIdsOf(review)[0]!, { message: messageOf(review) }));
  const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
  expect(order.shippingAddress).toMatchObject({ name: 'Jane Doe', line1: '1 Elm St' });

  // The next order: the address now has a typed name and is used as it is.
  await interact(h, commandInteraction(s.as, 'order', { productid: productId }));
  const again = await interact(h, modalInteraction(s.as, `order:qty-modal:${productId}`, { quantity: '1' }));
  const next = await interact(h, componentInteraction(s.as, 'order:use-existing', { values: [s.old.id], message: messageOf(again) }));
  expect(customIdsOf(next)).toContain('order:shipping-type-select');
  expect(textOf(next)).toContain('Jane Doe\n1 Elm St');
});

it('/order-shipping: Confirm on it opens the form with the name empty, and so does Edit', async () => {
  const s = await customerWithOldAddress();
  const p = s.products[0]!;
  await interact(h, commandInteraction(s.as, 'order-start'));
  await interact(h, commandInteraction(s.as, 'order-item', orderItemOptions(p)));
  const menu = await interact(h, commandInteraction(s.as, 'order-shipping'));
  const ask = await interact(h, componentInteraction(s.as, 'legacy:address-select', { values: [s.old.id], message: messageOf(menu) }));
  const confirm = customIdsOf(ask).find((id) => id.startsWith('legacy:address-confirm'))!;
  const edit = customIdsOf(ask).find((id) => id.startsWith('legacy:address-edit'))!;

  const confirmed = await interact(h, componentInteraction(s.as, confirm, { message: messageOf(ask) }));
  expect(modalFields(confirmed)).toMatchObject({
    customId: 'legacy:address-modal',
    name: '',
    street: '1 Elm St\nUnit 2',
    postal_country: '62701 US',
  });
  expect(modalFields(await interact(h, componentInteraction(s.as, edit, { message: messageOf(ask) })))).toMatchObject({ name: '' });
  expect(await db.orderSession.findFirstOrThrow({ where: { customerId: s.customer.id, activeSlot: 1 } })).toMatchObject({
    addressId: null,
  });

  const typed = { name: 'Jane Doe', street: '1 Elm St\nUnit 2', city: 'Springfield', state: 'IL', postal_country: '62701 US' };
  const saved = await interact(h, modalInteraction(s.as, 'legacy:address-modal', typed, messageOf(ask)));
  expect(textOf(saved)).toContain('Jane Doe\n1 Elm St');
  expect(textOf(saved)).not.toContain(s.user.username);
});

it('a saved address whose name the customer typed is used as it is (and a Discord-filled name never replaces it)', async () => {
  const s = await f.shop();
  const user = member({ id: s.customer.discordUserId });
  const as = { guildId: s.guild.id, user };
  const saved = await f.address({ tenantId: s.tenant.id, customerId: s.customer.id, name: 'Pat Customer', line1: '1 Elm St' });
  const p = s.products[0]!;
  await interact(h, commandInteraction(as, 'order-start'));
  await interact(h, commandInteraction(as, 'order-item', orderItemOptions(p)));
  // /order-shipping's options without `name` at the same place: the typed name stays.
  const res = await interact(
    h,
    commandInteraction(as, 'order-shipping', { street: '1 Elm St', city: 'Springfield', state: 'IL', zip: '62701', country: 'US' }),
  );
  expect(textOf(res)).toContain('Pat Customer\n1 Elm St');
  expect(textOf(res)).not.toContain('The recipient is your Discord name');
  expect(await db.address.findUniqueOrThrow({ where: { id: saved.id } })).toMatchObject({ name: 'Pat Customer', nameTyped: true });
});

it('the saved-address menus and the legacy "Ship to this address?" do not show its Discord name as the recipient', async () => {
  const s = await customerWithOldAddress();
  const p = s.products[0]!;
  const described = (res: Parameters<typeof optionsOf>[0], id: string) =>
    (optionsOf(res, id) as { description?: string }[]).map((o) => o.description);

  // /order's address step: the option describes the address, not "user12345" (the name is asked when picked).
  await interact(h, commandInteraction(s.as, 'order', { productid: p.id }));
  const step = await interact(h, modalInteraction(s.as, `order:qty-modal:${p.id}`, { quantity: '1' }));
  expect(described(step, 'order:use-existing')).toEqual(['1 Elm St, Unit 2, Springfield, IL 62701, US']);

  // /order-shipping: the menu, then the confirmation before Confirm opens the form with the name empty.
  const menu = await interact(h, commandInteraction(s.as, 'order-shipping'));
  expect(described(menu, 'legacy:address-select')).toEqual(['1 Elm St, Unit 2, Springfield, IL 62701, US']);
  const ask = await interact(h, componentInteraction(s.as, 'legacy:address-select', { values: [s.old.id], message: messageOf(menu) }));
  expect(textOf(ask)).not.toContain(s.user.username);
  expect(textOf(ask)).toContain('1 Elm St\nUnit 2\nSpringfield, IL 62701\nUS');
  expect(textOf(ask)).toContain("Confirm asks for the recipient's name first.");

  // Once the name is typed, it is shown as the recipient.
  const typed = { name: 'Jane Doe', street: '1 Elm St\nUnit 2', city: 'Springfield', state: 'IL', postal_country: '62701 US' };
  await interact(h, modalInteraction(s.as, 'legacy:address-modal', typed, messageOf(ask)));
  const again = await interact(h, commandInteraction(s.as, 'order-shipping'));
  expect(described(again, 'legacy:address-select')).toEqual(['Jane Doe, 1 Elm St, Unit 2, Springfield, IL 62701, US']);
});

it("/order-shipping's options without `name` say the recipient is the Discord name, and how to change it", async () => {
  const s = await f.shop();
  const user = member({ id: s.customer.discordUserId });
  const as = { guildId: s.guild.id, user };
  const p = s.products[0]!;
  const address = { street: '9 Oak Ave', city: 'Springfield', state: 'IL', zip: '62701', country: 'US' };
  await interact(h, commandInteraction(as, 'order-start'));
  await interact(h, commandInteraction(as, 'order-item', orderItemOptions(p)));
  const note =
    'The recipient is your Discord name, as no `name` was given: to ship to someone else, run `/order-shipping` again with the `name` option.';

  // The shop's one shipping type is taken: "Address saved" names the recipient and says where it came from.
  const saved = await interact(h, commandInteraction(as, 'order-shipping', address));
  expect(textOf(saved)).toContain('Address saved');
  expect(textOf(saved)).toContain(note);

  // With `name`, nothing to say.
  const named = await interact(h, commandInteraction(as, 'order-shipping', { ...address, name: 'Jane Doe' }));
  expect(textOf(named)).toContain('Jane Doe\n9 Oak Ave');
  expect(textOf(named)).not.toContain(note);

  // Several shipping types: the shipping step under the address says it too.
  await f.shippingType({ tenantId: s.tenant.id, name: 'Express' });
  const step = await interact(h, commandInteraction(as, 'order-shipping', { ...address, street: '10 Oak Ave' }));
  expect(customIdsOf(step)).toContain('order:shipping-type-select');
  expect(textOf(step)).toContain(note);
});
