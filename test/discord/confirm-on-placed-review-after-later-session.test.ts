// Confirm pressed again on the review of an order that was placed, after the customer started another order and
// cancelled it, answered "You have no order in progress" (the last ended session was the cancelled one), which
// invites buying again. It answers with the placed order again, as a repeat Confirm did before.
import { describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
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
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

describe('Confirm on the review of a placed order, after a later session was cancelled', () => {
  it('answers with the placed order, not "no order in progress", and places nothing more', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const productId = s.products[0]!.id;
    const m = snowflake();
    const { review } = await walkToReview(h, as, { productId, shippingTypeId: s.shippingType.id, messageId: m });
    const confirm = customIdsOf(review).find((c) => c.startsWith('order:confirm'))!;
    const reviewOnM = { ...messageOf(review), id: m };
    const placed = await interact(h, componentInteraction(as, confirm, { message: reviewOnM }));
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(textOf(placed)).toContain(`#${order.number}`);

    // A later session, on its own message, cancelled there.
    const n = snowflake();
    const startB = await interact(h, commandInteraction(as, 'order'));
    const addressB = await interact(
      h,
      modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '1' }, { ...messageOf(startB), id: n }),
    );
    await interact(h, componentInteraction(as, 'order:cancel', { message: { ...messageOf(addressB), id: n } }));
    expect(await db.orderSession.count({ where: { tenantId: s.tenant.id, endReason: 'CANCELLED' } })).toBe(1);

    const again = await interact(h, componentInteraction(as, confirm, { message: reviewOnM }));
    // Before: "You have no order in progress."
    expect(textOf(again)).not.toContain('no order in progress');
    expect(textOf(again)).toContain(`#${order.number}`);
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });
});
