// An old /order message (of a session that ended) pressed while the customer's current session had run out, but still
// held its slot (nothing had ended it yet), was refused "Your current order is as it was", as if that session were
// still open; before messages were tied to sessions, the old product menu started a new order. A session that ran out
// now counts as ended for that check, as the rest of the flow treats it: the old message's steps start and act on a
// new session, and its Cancel is not refused.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { laterSessionOnItsOwnMessage, runOutSessions, sessionOnOneMessage } from './earlier-session-fixture.js';
import { ELM_ST } from './flows.js';
import { componentInteraction, customIdsOf, interact, modalInteraction, textOf, useHarness } from './harness.js';

const db = testDb();
const h = useHarness();

/** Session A walked to review on message M and ran out; session B opened on message N, then ran out too. */
async function earlierMessageWhileCurrentRanOut() {
  const a = await sessionOnOneMessage(h);
  await runOutSessions(a.s.tenant.id);
  const { session: b } = await laterSessionOnItsOwnMessage(h, a, '1');
  await runOutSessions(a.s.tenant.id);
  return { s: a.s, as: a.as, productId: a.productId, start: a.walk.start, on: a.on, b };
}

describe("an earlier session's /order message pressed while the current session has run out", () => {
  it('the old product menu starts a new session there, and the address form and Cancel on it act on that one', async () => {
    const { s, as, productId, start, on, b } = await earlierMessageWhileCurrentRanOut();
    const modal = await interact(h, componentInteraction(as, 'order:product-select', { values: [productId], message: on(start) }));
    expect(JSON.stringify(modal)).toContain(`order:qty-modal:${productId}`);
    // Before: "This message is from an earlier order that has ended… Your current order is as it was."
    const address = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '2' }, on(start)));
    expect(textOf(address)).toContain('Your order now has 2 ×');
    const c = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
    expect(c.id).not.toBe(b.id);

    const shipping = await interact(h, modalInteraction(as, 'order:address:modal', ELM_ST, on(address)));
    expect(textOf(shipping)).not.toContain('earlier order');
    expect(customIdsOf(shipping)).toContain('order:shipping-type-select');

    const cancel = await interact(h, componentInteraction(as, 'order:cancel', { message: on(shipping) }));
    expect(textOf(cancel)).not.toContain('earlier order');
    expect((await db.orderSession.findUniqueOrThrow({ where: { id: c.id } })).endReason).toBe('CANCELLED');
  });

  it("the old message's Cancel is not refused: the session that ran out ends, as a Cancel ended it before", async () => {
    const { as, start, on, b } = await earlierMessageWhileCurrentRanOut();
    const res = await interact(h, componentInteraction(as, 'order:cancel', { message: on(start) }));
    expect(textOf(res)).not.toContain('earlier order');
    expect((await db.orderSession.findUniqueOrThrow({ where: { id: b.id } })).activeSlot).toBeNull();
  });
});
