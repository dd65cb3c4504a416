// A customer whose DMs failed gets the messages they missed in front of their next private reply
// (missed-notices.reply.ts). When that reply was the "Please check the address" step, "Fix the address" read what they
// had typed from the message's first embed, which was the notice: the form reopened empty, and five fields typed on a
// phone were lost. The step's fields are now read from its own embed, wherever it is.
import { expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { commandInteraction, componentInteraction, interact, member, messageOf, modalInteraction, useHarness } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness();

type ModalData = { components: { components: { custom_id: string; value?: string }[] }[] };

it('"Fix the address" on a step that carried a missed DM reopens the form with what was typed', async () => {
  const s = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const start = await interact(h, commandInteraction(as, 'order'));
  const step = await interact(h, modalInteraction(as, `order:qty-modal:${s.products[0]!.id}`, { quantity: '1' }, messageOf(start)));
  await db.missedNotice.create({
    data: {
      tenantId: s.tenant.id,
      customerId: s.customer.id,
      kind: 'order-shipped',
      deliveryKey: `test:${s.customer.id}`,
      message: { embeds: [{ title: 'Your order shipped', description: 'Order #7 is on its way.' }] },
    },
  });
  const typed = { name: 'Jo Doe', street: '1 Elm St\nApt 4B', city: 'Springfield', state: 'IL', postal_country: '62701 ZZ' };
  const refused = await interact(h, modalInteraction(as, 'order:address:modal', typed, messageOf(step)));
  const titles = (refused.data.embeds ?? []).map((e) => (e as { title?: string }).title);
  expect(titles).toEqual(['A message we could not send you', 'Please check the address']);

  const form = await interact(h, componentInteraction(as, 'order:address:retry', { message: messageOf(refused) }));
  expect(form.type).toBe(9);
  const values = Object.fromEntries(
    (form.data as unknown as ModalData).components.flatMap((r) => r.components).map((c) => [c.custom_id, c.value ?? '']),
  );
  expect(values).toEqual(typed);
});
