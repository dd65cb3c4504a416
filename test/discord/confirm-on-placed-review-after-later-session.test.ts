// Confirm pressed again on the review of an order that was placed, after the customer started another order and
// cancelled it, answered "You have no order in progress" (the last ended session was the cancelled one), which
// invites buying again. It answers with the placed order again, as a repeat Confirm did before.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { laterSessionOnItsOwnMessage, sessionOnOneMessage } from './earlier-session-fixture.js';
import { componentInteraction, customIdsOf, interact, textOf, useHarness } from './harness.js';

const db = testDb();
const h = useHarness();

describe('Confirm on the review of a placed order, after a later session was cancelled', () => {
  it('answers with the placed order, not "no order in progress", and places nothing more', async () => {
    const a = await sessionOnOneMessage(h);
    const { s, as } = a;
    const confirm = customIdsOf(a.walk.review).find((c) => c.startsWith('order:confirm'))!;
    const reviewOnM = a.on(a.walk.review);
    const placed = await interact(h, componentInteraction(as, confirm, { message: reviewOnM }));
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(textOf(placed)).toContain(`#${order.number}`);

    // A later session, on its own message, cancelled there.
    const later = await laterSessionOnItsOwnMessage(h, a, '1');
    await interact(h, componentInteraction(as, 'order:cancel', { message: later.screen }));
    expect(await db.orderSession.count({ where: { tenantId: s.tenant.id, endReason: 'CANCELLED' } })).toBe(1);

    const again = await interact(h, componentInteraction(as, confirm, { message: reviewOnM }));
    // Before: "You have no order in progress."
    expect(textOf(again)).not.toContain('no order in progress');
    expect(textOf(again)).toContain(`#${order.number}`);
    expect(await db.order.count({ where: { tenantId: s.tenant.id } })).toBe(1);
  });
});
