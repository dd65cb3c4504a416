// A second tap on the /order flow's Cancel (a double tap, or a client whose message Discord had not updated yet):
// the first tap ended the session, and the second one replaced "Order cancelled" with "No order in progress: there
// was nothing to cancel", as if the customer had never had an order under way. It answers the same as the first.
// An earlier order of the customer's is not named by it either, and a session that ran out still has nothing to cancel.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, componentInteraction, customIdsOf, interact, member, messageOf, textOf, useHarness } from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

describe('Cancel tapped twice in /order', () => {
  it('answers "Order cancelled" both times, never that there was nothing to cancel', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const { review } = await walkToReview(h, as, { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id });

    const first = await interact(h, componentInteraction(as, 'order:cancel', { message: messageOf(review) }));
    const second = await interact(h, componentInteraction(as, 'order:cancel', { message: messageOf(review) }));
    expect(textOf(first)).toContain('Order cancelled');
    expect(second.type).toBe(first.type);
    expect(second.data).toEqual(first.data);
    expect(textOf(second)).not.toContain('nothing to cancel');
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(0);
  });

  it('after an earlier order was placed, a double tap on a later Cancel still says cancelled, not that order', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const placed = await walkToReview(h, as, { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id });
    const confirmId = customIdsOf(placed.review).find((c) => c.startsWith('order:confirm:'))!;
    await interact(h, componentInteraction(as, confirmId, { message: messageOf(placed.review) }));
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });

    const start = await interact(h, commandInteraction(as, 'order'));
    await interact(h, componentInteraction(as, 'order:cancel', { message: messageOf(start) }));
    const second = await interact(h, componentInteraction(as, 'order:cancel', { message: messageOf(start) }));
    expect(textOf(second)).toContain('Order cancelled');
    expect(textOf(second)).not.toContain(`#${order.number}`);
    expect(textOf(second)).not.toContain('already placed');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });

  it('a session that ran out has nothing to cancel', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const start = await interact(h, commandInteraction(as, 'order'));
    await db.orderSession.updateMany({
      where: { tenantId: s.tenant.id, customerId: s.customer.id, activeSlot: 1 },
      data: { activeSlot: null, endReason: 'EXPIRED' },
    });
    expect(textOf(await interact(h, componentInteraction(as, 'order:cancel', { message: messageOf(start) })))).toContain(
      'There was nothing to cancel.',
    );
  });
});
