// A Confirm on a flow message whose session ended more than one session TTL ago was not matched by its message (the
// lookup kept the repeat-click window) and answered with whatever order the customer had placed lately: pressed on
// the review of an order cancelled days ago, it said "Order #… submitted" of a later order that Confirm never placed;
// pressed on the review of an order placed days ago, it said no order was in progress. A message's own session says
// what a press on it was for, however long ago it ended.
import { describe, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { componentInteraction, customIdsOf, interact, member, messageOf, textOf, useHarness } from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

const DAYS_AGO = (days: number) => new Date(Date.now() - days * 24 * 60 * 60_000);

/** Dates a session's end (and start) `days` back, as if it had ended then. */
async function endedDaysAgo(sessionId: string, days: number) {
  await db.$executeRaw`UPDATE order_sessions SET "updatedAt" = ${DAYS_AGO(days)}, "createdAt" = ${DAYS_AGO(days + 1)} WHERE id = ${sessionId}`;
}

async function customerOfShop() {
  const s = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const walk = { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id };
  return { s, as, walk };
}

/** Order A placed by Confirm on its review, on message m (`onM`), three days ago. */
async function placedOnItsMessageDaysAgo() {
  const { s, as, walk } = await customerOfShop();
  const m = snowflake();
  const old = await walkToReview(h, as, { ...walk, messageId: m });
  const confirmA = customIdsOf(old.review).find((c) => c.startsWith('order:confirm'))!;
  const onM = { ...messageOf(old.review), id: m };
  await interact(h, componentInteraction(as, confirmA, { message: onM }));
  const orderA = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
  await endedDaysAgo(orderA.sessionId!, 3);
  return { s, as, orderA, confirmA, onM };
}

describe('Confirm on the review of a session that ended days ago', () => {
  it('cancelled then: answers that no order is in progress, not with an order placed since, and places nothing', async () => {
    const { s, as, walk } = await customerOfShop();

    // Session A walked to its review on message m, cancelled there, two days ago.
    const m = snowflake();
    const old = await walkToReview(h, as, { ...walk, messageId: m });
    const confirmA = customIdsOf(old.review).find((c) => c.startsWith('order:confirm'))!;
    const onM = { ...messageOf(old.review), id: m };
    await interact(h, componentInteraction(as, 'order:cancel', { message: onM }));
    const a = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, endReason: 'CANCELLED' } });
    await endedDaysAgo(a.id, 2);

    // Order B placed just now, on message n.
    const n = snowflake();
    const recent = await walkToReview(h, as, { ...walk, quantity: '2', messageId: n });
    const confirmB = customIdsOf(recent.review).find((c) => c.startsWith('order:confirm'))!;
    await interact(h, componentInteraction(as, confirmB, { message: { ...messageOf(recent.review), id: n } }));
    const orderB = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });

    const late = await interact(h, componentInteraction(as, confirmA, { message: onM }));
    // Before: order B's message, as if this Confirm had placed it.
    expect(textOf(late)).not.toContain(`#${orderB.number}`);
    expect(textOf(late)).toContain('no order in progress');
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });

  it('placed then: answers with that order', async () => {
    const { s, as, orderA, confirmA, onM } = await placedOnItsMessageDaysAgo();
    const again = await interact(h, componentInteraction(as, confirmA, { message: onM }));
    // Before: "no order in progress", as if the order on this very review had never been placed.
    expect(textOf(again)).toContain(`#${orderA.number}`);
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });

  it("another customer's message answers nothing of theirs", async () => {
    const { s, orderA, confirmA, onM } = await placedOnItsMessageDaysAgo();
    const other = await f.customer({ tenantId: s.tenant.id });
    const asOther = { guildId: s.guild.id, user: member({ id: other.discordUserId }) };
    const press = await interact(h, componentInteraction(asOther, confirmA, { message: onM }));
    expect(textOf(press)).not.toContain(`#${orderA.number}`);
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });
});
