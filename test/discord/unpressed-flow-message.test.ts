// A flow message nobody had pressed on was recorded for no session, so once its session ended and another began, a
// press there was taken as the open session's: the quantity modal from an old, never-touched /order menu set a line of
// the order open now, and its Cancel cancelled that order. Discord tells which interaction made a message
// (message.interaction_metadata.id); the message a step's answer creates is recorded under that interaction for the
// session it showed, so a first press there is told apart like any other.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';
import { runOutSessions } from './earlier-session-fixture.js';
import { walkToReview } from './flows.js';
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
  type Reply,
} from './harness.js';

const db = testDb();
const h = useHarness();
const STALE = 'This message is from an earlier order that has ended, so nothing was changed.';

/** The message Discord made for the answer to interaction `interactionId` (type: 2 a command, 5 a modal), as a press on it echoes it. */
function madeBy(res: Reply, interactionId: string, type: number, userId: string) {
  return {
    ...messageOf(res),
    id: snowflake(),
    interaction_metadata: {
      id: interactionId,
      type,
      user: { id: userId, username: 'u', discriminator: '0', global_name: null, avatar: null },
    },
  };
}

async function customerOfShop() {
  const s = await factories().shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  return { s, as, productId: s.products[0]!.id };
}

/** Session A shown by /order's answer (never pressed), then run out; session B walked to its review after it. */
async function unpressedMenuOfEndedSession() {
  const { s, as, productId } = await customerOfShop();
  const x = snowflake();
  const start = await interact(h, commandInteraction({ ...as, id: x }, 'order'));
  const menu = madeBy(start, x, 2, as.user.id);
  await runOutSessions(s.tenant.id);
  await walkToReview(h, as, { productId, shippingTypeId: s.shippingType.id });
  const current = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 }, include: { items: true } });
  return { s, as, productId, menu, current };
}

async function expectUnchanged(current: Awaited<ReturnType<typeof unpressedMenuOfEndedSession>>['current']) {
  const after = await db.orderSession.findUniqueOrThrow({ where: { id: current.id }, include: { items: true } });
  expect(after.updatedAt).toEqual(current.updatedAt);
  expect(after.activeSlot).toBe(1);
  expect(after.items.map((i) => i.quantity)).toEqual([1]);
}

describe("a first press on an ended session's flow message that nobody pressed before", () => {
  it("/order's menu: the quantity modal is refused with why, and the open order is left as it was", async () => {
    const x = await unpressedMenuOfEndedSession();
    const res = await interact(h, modalInteraction(x.as, `order:qty-modal:${x.productId}`, { quantity: '3' }, x.menu));
    // Before: "Your order now has 3 × …" on the order open now.
    expect(res.type).toBe(7);
    expect(textOf(res)).toContain(STALE);
    expect(customIdsOf(res)).toEqual([]);
    await expectUnchanged(x.current);
  });

  it("/order's menu: its Cancel cancels nothing", async () => {
    const x = await unpressedMenuOfEndedSession();
    const res = await interact(h, componentInteraction(x.as, 'order:cancel', { message: x.menu }));
    // Before: the order open now was cancelled.
    expect(textOf(res)).toContain(STALE);
    await expectUnchanged(x.current);
  });

  it('a flow message a modal made (the catalog’s quantity form, sent from no message) is told apart too', async () => {
    const { s, as, productId } = await customerOfShop();
    const y = snowflake();
    const added = await interact(h, modalInteraction({ ...as, id: y }, `order:qty-modal:${productId}`, { quantity: '1' }));
    expect(textOf(added)).toContain('Your order now has 1 ×');
    const screen = madeBy(added, y, 5, as.user.id);
    await runOutSessions(s.tenant.id);
    await walkToReview(h, as, { productId, shippingTypeId: s.shippingType.id });
    const current = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 }, include: { items: true } });

    const res = await interact(h, componentInteraction(as, 'order:cancel', { message: screen }));
    expect(textOf(res)).toContain(STALE);
    await expectUnchanged(current);
  });

  it("the open session's own unpressed message works: a second /order's menu is that session's", async () => {
    const { s, as, productId } = await customerOfShop();
    await walkToReview(h, as, { productId, shippingTypeId: s.shippingType.id });
    const z = snowflake();
    const again = await interact(h, commandInteraction({ ...as, id: z }, 'order'));
    const res = await interact(h, componentInteraction(as, 'order:cancel', { message: madeBy(again, z, 2, as.user.id) }));
    expect(textOf(res)).not.toContain(STALE);
    expect(await db.orderSession.count({ where: { tenantId: s.tenant.id, endReason: 'CANCELLED' } })).toBe(1);
  });

  it('a message pressed on is recorded under its id and under the interaction that made it', async () => {
    const { s, as, productId } = await customerOfShop();
    const x = snowflake();
    const start = await interact(h, commandInteraction({ ...as, id: x }, 'order'));
    const menu = madeBy(start, x, 2, as.user.id);
    // Pressed on there: the message's own id is recorded beside the key /order's answer recorded.
    const step = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '1' }, menu));
    expect(textOf(step)).toContain('Your order now has 1 ×');
    const row = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
    expect([...row.flowMessageIds].sort()).toEqual([menu.id, `i:${x}`].sort());
  });

  it('a made message is recorded only for the session it shows: not for one that took its place meanwhile', async () => {
    const { s } = await customerOfShop();
    const sessions = h.t.services.orderSessions;
    const { session: a } = await sessions.start(s.tenant.id, s.customer.id, { guildId: s.guild.id });
    await sessions.cancel(s.tenant.id, s.customer.id);
    const { session: b } = await sessions.start(s.tenant.id, s.customer.id, { guildId: s.guild.id });
    expect(b.id).not.toBe(a.id);
    await sessions.shownIn(s.tenant.id, s.customer.id, ['i:1'], { sessionId: a.id });
    expect((await db.orderSession.findUniqueOrThrow({ where: { id: b.id } })).flowMessageIds).toEqual([]);
    await sessions.shownIn(s.tenant.id, s.customer.id, ['i:2'], { sessionId: b.id });
    expect((await db.orderSession.findUniqueOrThrow({ where: { id: b.id } })).flowMessageIds).toEqual(['i:2']);
  });
});
