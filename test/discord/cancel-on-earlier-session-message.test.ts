// A Cancel pressed on a message of the customer's earlier, ended /order session (left in the channel with its
// buttons) cancelled the session they had open now, a different one, and said "cancelled". The message a flow step
// was pressed on is now recorded on its session; a Cancel on a message recorded only for ended sessions cancels
// nothing, says so, and replaces that stale message (its buttons go).
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

async function customerWithEarlierSessionMessage() {
  const s = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const productId = s.products[0]!.id;
  // Session A, walked to its review on one message.
  const a = snowflake();
  const { review } = await walkToReview(h, as, { productId, shippingTypeId: s.shippingType.id, messageId: a });
  expect(customIdsOf(review)).toContain('order:cancel');
  // A runs out; /order opens session B on a new message, and an item goes into it there.
  await db.orderSession.updateMany({ where: { tenantId: s.tenant.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const b = snowflake();
  const startB = await interact(h, commandInteraction(as, 'order'));
  const addressB = await interact(
    h,
    modalInteraction(as, `order:qty-modal:${productId}`, { quantity: '2' }, { ...messageOf(startB), id: b }),
  );
  const active = await db.orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
  return { s, as, staleReview: { ...messageOf(review), id: a }, currentScreen: { ...messageOf(addressB), id: b }, current: active };
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
