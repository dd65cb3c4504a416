// Cancel pressed on the review after Confirm placed the order (a double click, or a client whose message Discord had
// not updated yet): the order stands, so the answer is the order again with how to cancel it. Before, the flow's
// message was replaced by "No order in progress: there was nothing to cancel", which hid the placed order's payment
// reference and its Cancel order button and told the customer nothing was ordered, while the shop was told of it.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, componentInteraction, customIdsOf, interact, member, messageOf, textOf, useHarness } from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

describe('Cancel after Confirm placed the order', () => {
  it('shows the placed order and its Cancel order button, and cancels nothing', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const { review } = await walkToReview(h, as, {
      productId: s.products[0]!.id,
      shippingTypeId: s.shippingType.id,
      openAddressForm: true,
    });
    const confirmId = customIdsOf(review).find((c) => c.startsWith('order:confirm:'))!;
    await interact(h, componentInteraction(as, confirmId, { message: messageOf(review) }));
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });

    const res = await interact(h, componentInteraction(as, 'order:cancel', { message: messageOf(review) }));
    const text = textOf(res);
    expect(text).not.toContain('nothing to cancel');
    expect(text).toContain('This order was already placed, so it was not cancelled. To cancel it, use **Cancel order** below.');
    expect(text).toContain(`#${order.number}`);
    expect(text).toContain(order.paymentReference!);
    expect(customIdsOf(res)).toContain(`orders:cancel:${order.id}:0`);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });

  it('with no order placed, a second tap still says the order was cancelled (cancel-double-tap.test.ts)', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const start = await interact(h, commandInteraction(as, 'order'));
    expect(textOf(await interact(h, componentInteraction(as, 'order:cancel', { message: messageOf(start) })))).toContain('Order cancelled');
    const second = textOf(await interact(h, componentInteraction(as, 'order:cancel', { message: messageOf(start) })));
    expect(second).toContain('Order cancelled');
    expect(second).not.toContain('already placed');
  });
});
