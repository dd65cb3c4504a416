// A Cancel pressed on a message of the customer's earlier, ended /order session (left in the channel with its
// buttons) cancelled the session they had open now, a different one, and said "cancelled". The message a flow step
// was pressed on is now recorded on its session; a Cancel on a message recorded only for ended sessions cancels
// nothing, says so, and replaces that stale message (its buttons go).
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { laterSessionOnItsOwnMessage, runOutSessions, sessionOnOneMessage } from './earlier-session-fixture.js';
import { componentInteraction, customIdsOf, interact, textOf, useHarness } from './harness.js';

const db = testDb();
const h = useHarness();

async function customerWithEarlierSessionMessage() {
  // Session A, walked to its review on one message.
  const a = await sessionOnOneMessage(h);
  const { review } = a.walk;
  expect(customIdsOf(review)).toContain('order:cancel');
  // A runs out; /order opens session B on a new message, and an item goes into it there.
  await runOutSessions(a.s.tenant.id);
  const b = await laterSessionOnItsOwnMessage(h, a, '2');
  return { s: a.s, as: a.as, staleReview: a.on(review), currentScreen: b.screen, current: b.session };
}

describe('Cancel on a message of an earlier, ended /order session', () => {
  it('cancels nothing: the current session stays open, and the stale message is replaced with why', async () => {
    const { as, staleReview, current } = await customerWithEarlierSessionMessage();
    const res = await interact(h, componentInteraction(as, 'order:cancel', { message: staleReview }));
    // Before: B was cancelled ("Your order was cancelled").
    expect(res.type).toBe(7);
    expect(textOf(res)).toContain('This message is from an earlier order that has ended, so nothing was changed.');
    expect(textOf(res)).toContain('Run `/order` to see your current order.');
    expect(customIdsOf(res)).toEqual([]);
    const after = await db.orderSession.findUniqueOrThrow({ where: { id: current.id } });
    expect(after.activeSlot).toBe(1);
    expect(after.endReason).toBeNull();
  });

  it("a Cancel on the current session's own message still cancels it", async () => {
    const { as, currentScreen, current } = await customerWithEarlierSessionMessage();
    const res = await interact(h, componentInteraction(as, 'order:cancel', { message: currentScreen }));
    expect(res.type).toBe(7);
    expect(customIdsOf(res)).toEqual([]);
    const after = await db.orderSession.findUniqueOrThrow({ where: { id: current.id } });
    expect(after.endReason).toBe('CANCELLED');
  });
});
