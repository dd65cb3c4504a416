// Confirm pressed on the review of a later order that the customer then cancelled answered with the order placed before
// it ("Order #1 ... placed"), as if this Confirm had placed the second one. A Confirm on a flow message says what that
// message's own session became: its order when it was placed, otherwise nothing is in progress. A Confirm on a
// message no session showed still answers with the last placed order.
import { describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { componentInteraction, customIdsOf, interact, member, messageOf, textOf, useHarness } from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

describe("Confirm on a later session's review, after that session ended without an order", () => {
  it('answers that no order is in progress, not with the order placed before, and places nothing', async () => {
    const s = await f.shop();
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
    const productId = s.products[0]!.id;
    const walk = { productId, shippingTypeId: s.shippingType.id };

    // Order A, placed on message m.
    const m = snowflake();
    const first = await walkToReview(h, as, { ...walk, messageId: m });
    const confirmA = customIdsOf(first.review).find((c) => c.startsWith('order:confirm'))!;
    const placed = await interact(h, componentInteraction(as, confirmA, { message: { ...messageOf(first.review), id: m } }));
    const orderA = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(textOf(placed)).toContain(`#${orderA.number}`);

    // Session B, walked to its review on message n, then cancelled there.
    const n = snowflake();
    const second = await walkToReview(h, as, { ...walk, quantity: '2', messageId: n });
    const confirmB = customIdsOf(second.review).find((c) => c.startsWith('order:confirm'))!;
    const reviewOnN = { ...messageOf(second.review), id: n };
    await interact(h, componentInteraction(as, 'order:cancel', { message: reviewOnN }));
    expect(await db.orderSession.count({ where: { tenantId: s.tenant.id, endReason: 'CANCELLED' } })).toBe(1);

    const late = await interact(h, componentInteraction(as, confirmB, { message: reviewOnN }));
    // Before: order A's message, as if this Confirm had placed B.
    expect(textOf(late)).not.toContain(`#${orderA.number}`);
    expect(textOf(late)).toContain('no order in progress');
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(1);

    // A's own review, pressed again, still answers with A.
    const again = await interact(h, componentInteraction(as, confirmA, { message: { ...messageOf(first.review), id: m } }));
    expect(textOf(again)).toContain(`#${orderA.number}`);
    // And on a message no session was shown in (from before messages were recorded): the last placed order, A.
    const unrecorded = { ...messageOf(first.review), id: snowflake() };
    expect(textOf(await interact(h, componentInteraction(as, confirmA, { message: unrecorded })))).toContain(`#${orderA.number}`);
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });
});
