// The shop withdrew its last shipping option after the customer chose it, through signed requests: review and submit
// refused the chosen one ("… shipping is no longer offered: choose another shipping option") while there was no
// other to choose, so Confirm and every resumed /order answered the same refusal with nothing to press (and each
// /order kept the session alive). A shop without shipping options ships nothing to choose (selection-rules.ts
// shippingChosenRule): the withdrawn choice is taken back, the review says so, and the order can be placed.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { commandInteraction, componentInteraction, customIdsOf, interact, member, messageOf, textOf, useHarness } from './harness.js';
import { walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

async function reviewedThenWithdrawn() {
  const s = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const steps = await walkToReview(h, as, { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id });
  await db.shippingType.update({ where: { id: s.shippingType.id }, data: { active: false } });
  const confirm = customIdsOf(steps.review).find((id) => id.startsWith('order:confirm'))!;
  return { ...s, as, review: steps.review, confirm };
}

describe('the last shipping option withdrawn after it was chosen', () => {
  it('Confirm shows the review without it, saying why, and the next Confirm places the order', async () => {
    const s = await reviewedThenWithdrawn();
    const again = await interact(h, componentInteraction(s.as, s.confirm, { message: messageOf(s.review) }));
    expect(again.type).toBe(7);
    expect(textOf(again)).toContain(`${s.shippingType.name} shipping is no longer offered`);
    expect(textOf(again)).toContain('Shipping: $0.00');
    const confirm = customIdsOf(again).find((id) => id.startsWith('order:confirm'))!;
    const placed = await interact(h, componentInteraction(s.as, confirm, { message: messageOf(again) }));
    expect(textOf(placed)).toContain('is placed');
    const order = await db.order.findFirstOrThrow({ where: { tenantId: s.tenant.id } });
    expect(order.shippingCents).toBe(0);
  });

  it('a resumed /order shows the review instead of the refusal', async () => {
    const s = await reviewedThenWithdrawn();
    const resumed = await interact(h, commandInteraction(s.as, 'order'));
    expect(textOf(resumed)).toContain(`${s.shippingType.name} shipping is no longer offered`);
    expect(customIdsOf(resumed).some((id) => id.startsWith('order:confirm'))).toBe(true);
  });
});
