// The flow's other steps pressed on a message of the customer's earlier, ended /order session (left in the channel
// with its menus) acted on the session they had open now, a different one: the old product menu's quantity modal set
// a line of it, the old address, shipping and payment menus set its choices, and the old review's Confirm placed it.
// Each is now refused before the step, with why, and the stale message is replaced (its menus go); the open session
// is left as it was.
import { describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { runOutSessions, sessionOnOneMessage } from './earlier-session-fixture.js';
import { componentInteraction, customIdsOf, interact, modalInteraction, textOf, useHarness } from './harness.js';
import { ELM_ST, walkToReview } from './flows.js';

const db = testDb();
const h = useHarness();

/**
 * Session A walked to its review on one message, then run out; session B walked to its review (same cart) after it.
 * The screens of A, as Discord echoes that message (its one id), and B's row.
 */
async function earlierScreensWithCurrentSession() {
  const { s, as, productId, walk: earlier, on } = await sessionOnOneMessage(h);
  await runOutSessions(s.tenant.id);
  await walkToReview(h, as, { productId, shippingTypeId: s.shippingType.id });
  const current = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 }, include: { items: true } });
  const savedAddressId = (await db.address.findFirstOrThrow({ where: { customerId: s.customer.id } })).id;
  return { s, as, earlier, on, current, savedAddressId };
}

type Setup = Awaited<ReturnType<typeof earlierScreensWithCurrentSession>>;

const stalePresses: [string, (x: Setup) => unknown][] = [
  [
    'the quantity modal from the old product menu',
    (x) => modalInteraction(x.as, `order:qty-modal:${x.s.products[0]!.id}`, { quantity: '3' }, x.on(x.earlier.start)),
  ],
  [
    'a saved address from the old address menu',
    (x) => componentInteraction(x.as, 'order:use-existing', { values: [x.savedAddressId], message: x.on(x.earlier.addressStep) }),
  ],
  [
    'the address form sent from the old address screen',
    (x) => modalInteraction(x.as, 'order:address:modal', { ...ELM_ST, line1: '9 Oak Ave' }, x.on(x.earlier.addressStep)),
  ],
  [
    'the old shipping menu',
    (x) => componentInteraction(x.as, 'order:shipping-type-select', { values: [x.s.shippingType.id], message: x.on(x.earlier.shipping) }),
  ],
  [
    'the old payment menu',
    (x) => componentInteraction(x.as, 'order:payment-method-select', { values: ['ZELLE'], message: x.on(x.earlier.payment) }),
  ],
  [
    "the old review's Confirm",
    (x) =>
      componentInteraction(
        x.as,
        customIdsOf(x.earlier.review).find((c) => c.startsWith('order:confirm'))!,
        { message: x.on(x.earlier.review) },
      ),
  ],
];

describe('a step pressed on a message of an earlier, ended /order session', () => {
  it.each(stalePresses)('%s: refused with why, the stale message replaced, the open session unchanged', async (_, press) => {
    const x = await earlierScreensWithCurrentSession();
    const res = await interact(h, press(x));
    expect(res.type).toBe(7);
    expect(textOf(res)).toContain('This message is from an earlier order that has ended, so nothing was changed.');
    expect(customIdsOf(res)).toEqual([]);
    const after = await db.orderSession.findUniqueOrThrow({ where: { id: x.current.id }, include: { items: true } });
    expect(after.updatedAt).toEqual(x.current.updatedAt);
    expect(after.activeSlot).toBe(1);
    expect(after.items.map((i) => i.quantity)).toEqual([1]);
    expect(await db.order.count({ where: { tenantId: x.s.tenant.id } })).toBe(0);
  });

  it("the open session's own screens still work, and the old product menu starts one when none is open", async () => {
    const x = await earlierScreensWithCurrentSession();
    await db.orderSession.updateMany({ where: { id: x.current.id }, data: { activeSlot: null, endReason: 'CANCELLED' } });
    // No session open: the quantity modal from A's old menu opens a new one on that message, as before.
    const res = await interact(
      h,
      modalInteraction(x.as, `order:qty-modal:${x.s.products[0]!.id}`, { quantity: '2' }, x.on(x.earlier.start)),
    );
    expect(textOf(res)).toContain('Your order now has 2 ×');
    // That message now shows the new session: its next step works there.
    const next = await interact(h, modalInteraction(x.as, 'order:address:modal', ELM_ST, x.on(res)));
    expect(textOf(next)).not.toContain('earlier order');
    expect(customIdsOf(next)).toContain('order:shipping-type-select');
  });
});
