// Cancel pressed with no session open answered about the customer's session that ended last within one session TTL,
// whichever message it was pressed on: on an untouched /order menu of a session that ran out, it showed the order
// placed since from another message ("This order was already placed, so it was not cancelled"), which that menu never
// showed; on the review of an order placed days ago, it said there was nothing to cancel. Like Confirm, a Cancel on a
// message recorded for a session now answers about that session, however long ago it ended.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';
import { runOutSessions } from './earlier-session-fixture.js';
import { walkToReview } from './flows.js';
import { commandInteraction, componentInteraction, customIdsOf, interact, member, messageOf, textOf, useHarness } from './harness.js';

const db = testDb();
const h = useHarness();

async function customerOfShop() {
  const s = await factories().shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  return { s, as, walk: { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id } };
}

/** Walks a session to its review on message `messageId` and presses Confirm there; the order and that message. */
async function placeOn(
  h_: typeof h,
  as: Awaited<ReturnType<typeof customerOfShop>>['as'],
  walk: { productId: string; shippingTypeId: string },
  quantity = '1',
) {
  const m = snowflake();
  const steps = await walkToReview(h, as, { ...walk, quantity, messageId: m });
  const onM = { ...messageOf(steps.review), id: m };
  const confirm = customIdsOf(steps.review).find((c) => c.startsWith('order:confirm'))!;
  await interact(h, componentInteraction(as, confirm, { message: onM }));
  return onM;
}

describe('Cancel with no session open, on a message of an ended session', () => {
  it('an untouched /order menu of a session that ran out: nothing to cancel, not the order placed since', async () => {
    const { s, as, walk } = await customerOfShop();
    const x = snowflake();
    const start = await interact(h, commandInteraction({ ...as, id: x }, 'order'));
    const user = { id: as.user.id, username: 'u', discriminator: '0', global_name: null, avatar: null };
    const menu = { ...messageOf(start), id: snowflake(), interaction_metadata: { id: x, type: 2, user } };
    await runOutSessions(s.tenant.id);
    await placeOn(h, as, walk);
    const placed = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });

    const res = await interact(h, componentInteraction(as, 'order:cancel', { message: menu }));
    // Before: order B's message, "This order was already placed, so it was not cancelled."
    expect(textOf(res)).not.toContain(`#${placed.number}`);
    expect(textOf(res)).toContain('There was nothing to cancel.');
    expect((await db.order.findUniqueOrThrow({ where: { id: placed.id } })).status).toBe(placed.status);
  });

  it('the review of an order placed days ago: that order, placed and not cancelled', async () => {
    const { s, as, walk } = await customerOfShop();
    const onM = await placeOn(h, as, walk);
    const placed = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    const daysAgo = new Date(Date.now() - 3 * 24 * 3600_000);
    await db.$executeRaw`UPDATE order_sessions SET "updatedAt" = ${daysAgo}, "createdAt" = ${daysAgo} WHERE id = ${placed.sessionId}`;

    const res = await interact(h, componentInteraction(as, 'order:cancel', { message: onM }));
    // Before: "No order in progress. There was nothing to cancel."
    expect(textOf(res)).toContain(`#${placed.number}`);
    expect(textOf(res)).toContain('This order was already placed, so it was not cancelled.');
    expect((await db.order.findUniqueOrThrow({ where: { id: placed.id } })).status).toBe(placed.status);
  });

  it('a message recorded for no session still answers about the last session within the TTL (a double tap)', async () => {
    const { s, as, walk } = await customerOfShop();
    const onM = await placeOn(h, as, walk);
    const placed = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    const res = await interact(h, componentInteraction(as, 'order:cancel', { message: { ...onM, id: snowflake() } }));
    expect(textOf(res)).toContain(`#${placed.number}`);
  });
});
