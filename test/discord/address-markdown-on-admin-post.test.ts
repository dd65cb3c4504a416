// An address is text the customer typed, and Discord renders markdown in embeds: a street line typed as a masked link
// showed on the shop's admin post, where admins decide on payments, as a clickable "✅ Paid: view PayPal receipt", and
// a city typed as "<@adminId>" as another admin's name. The address is shown as typed: markdown escaped, one line per
// part, on the admin post and on the customer's own screens; a saved address's option (plain text) shows no escapes.
import { expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import {
  commandInteraction,
  componentInteraction,
  customIdsOf,
  interact,
  member,
  messageOf,
  modalInteraction,
  optionsOf,
  useHarness,
} from './harness.js';

const h = useHarness({ worker: true });
const f = factories();
const db = testDb();

type Embed = { fields?: { name: string; value: string }[] };
const shipTo = (embeds: Embed[] | undefined) => embeds?.[0]?.fields?.find((x) => x.name === 'Ship to')?.value;

it('shows a typed masked link, mention and heading as typed on the admin post, and keeps what was stored', async () => {
  const s = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const adminId = '112233445566778899';
  const typed = {
    name: '**Jane** Doe',
    street: '[✅ Paid: view PayPal receipt](https://paypal.com-receipt.example/x)\n# Approved by <@112233445566778899>',
    city: 'Spring_field',
    state: 'IL',
    postal_country: '62701-1234 us',
  };
  const start = await interact(h, commandInteraction(as, 'order'));
  const productId = s.products[0]!.id;
  const addressStep = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '1' }, messageOf(start)));
  await interact(h, componentInteraction(as, 'order:address:new', { message: messageOf(addressStep) }));
  const shipping = await interact(h, modalInteraction(as, 'order:address:modal', typed, messageOf(addressStep)));
  const payment = await interact(
    h,
    componentInteraction(as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
  );
  const review = await interact(
    h,
    componentInteraction(as, 'order:payment-method-select', { values: ['VENMO_P2P'], message: messageOf(payment) }),
  );
  const escaped = [
    '\\*\\*Jane\\*\\* Doe',
    '\\[✅ Paid: view PayPal receipt\\]\\(https://paypal.com\\-receipt.example/x\\)',
    `\\# Approved by \\<@${adminId}\\>`,
    'Spring\\_field, IL 62701\\-1234',
    'US',
  ].join('\n');
  expect(shipTo(review.data.embeds as Embed[])).toBe(escaped);

  const submitted = await interact(h, componentInteraction(as, customIdsOf(review)[0]!, { message: messageOf(review) }));
  expect(submitted.type).toBe(7);
  const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
  // Stored as typed: escaping is how Discord shows it, not what the shop keeps.
  expect(order.shippingAddress).toMatchObject({
    name: '**Jane** Doe',
    line1: '[✅ Paid: view PayPal receipt](https://paypal.com-receipt.example/x)',
    line2: `# Approved by <@${adminId}>`,
    city: 'Spring_field',
    postalCode: '62701-1234',
  });
  const post = await h.fake.waitFor(
    (c) =>
      c.method === 'POST' &&
      c.path === `/channels/${s.tenant.adminChannelId}/messages` &&
      JSON.stringify(c.body).includes(`#${order.number}`),
  );
  const onPost = shipTo((post.body as { embeds: Embed[] }).embeds)!;
  expect(onPost).toBe(escaped);
  // No unescaped markdown left: no masked link, no mention, no heading.
  expect(onPost).not.toMatch(/(^|[^\\])\[|(^|[^\\])<@|^#/m);

  // The saved address in the next /order's menu is plain text (a select option renders no markdown): no backslashes.
  const next = await interact(h, commandInteraction(as, 'order'));
  const again = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '1' }, messageOf(next)));
  const options = optionsOf(again, 'order:use-existing') as { label: string; description?: string }[];
  expect(options).toHaveLength(1);
  expect(options[0]!.label).toBe('[✅ Paid: view PayPal receipt](https://paypal.com-receipt.example/x), Spring_field');
  expect(options[0]!.description).toMatch(/^\*\*Jane\*\* Doe, \[✅ Paid/);
  expect(JSON.stringify(options)).not.toContain('\\\\');
});
