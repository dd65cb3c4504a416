// A missed DM riding along on a long reply, through signed requests: the reply's embeds and the notice in front of
// them stay within Discord's 6000 characters a message. The notice's room was counted without its own title and
// footer ("A message we could not send you", "Your DMs from this server are closed…"), so a long missed message on a
// long reply (here the review of a long order) passed 6000 and Discord refused the answer.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, componentInteraction, interact, member, messageOf, modalInteraction, useHarness } from './harness.js';
import { messageEmbedChars, type Embed } from './embed-limits.js';

const f = factories();
const db = testDb();
const h = useHarness();

describe('a missed DM on a long reply', () => {
  it('fits Discord’s 6000 characters with the reply', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    // An order of 19 products with long names: its review holds about 4,600 characters.
    let reply = await interact(h, commandInteraction(as, 'order'));
    for (let i = 0; i < 19; i++) {
      const p = await f.product({
        tenantId: s.tenant.id,
        sortOrder: -100 + i,
        name: `Item ${String(i).padStart(2, '0')} ${'n'.repeat(182)}`,
      });
      reply = await interact(h, modalInteraction(as, `order:qty-modal:${p.id}`, { quantity: '1' }, messageOf(reply)));
    }
    const address = { name: 'Jo Doe', street: '1 Elm St', city: 'Springfield', state: 'IL', postal_country: '62701 US' };
    const shipping = await interact(h, modalInteraction(as, 'order:address:modal', address, messageOf(reply)));
    const payment = await interact(
      h,
      componentInteraction(as, 'order:shipping-type-select', { values: [s.shippingType.id], message: messageOf(shipping) }),
    );
    // A long message the customer's closed DMs refused (no call made: their DMs were known closed).
    await db.missedNotice.create({
      data: {
        tenantId: s.tenant.id,
        customerId: s.customer.id,
        kind: 'order-shipped',
        deliveryKey: `test:${s.customer.id}`,
        message: { embeds: [{ title: 'Your order shipped', description: `Shipped. ${'w'.repeat(3000)}` }] },
      },
    });
    const review = await interact(
      h,
      componentInteraction(as, 'order:payment-method-select', { values: ['VENMO_P2P'], message: messageOf(payment) }),
    );
    const embeds = (review.data.embeds ?? []) as Embed[];
    expect(embeds[0]!.title).toBe('A message we could not send you');
    expect(embeds[1]!.title).toContain('Review');
    expect(messageEmbedChars(embeds)).toBeLessThanOrEqual(6000);
  });
});
