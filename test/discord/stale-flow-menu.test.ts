// A menu of the /order flow pressed after its session ended (expired, or ended by Cancel on another of its messages):
// the error came as a new ephemeral message under the old one, whose menus stayed there to be pressed again, each
// press one more error. The error now replaces that flow message (its menus go); an error while the session is
// still open (a choice refused) still comes as a message of its own, leaving the flow's screen to choose again.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { componentInteraction, customIdsOf, interact, member, messageOf, modalInteraction, textOf, useHarness } from './harness.js';
import { ELM_ST, walkToReview } from './flows.js';

const f = factories();
const db = testDb();
const h = useHarness();

async function customerAtReview() {
  const s = await f.shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const walked = await walkToReview(h, as, { productId: s.products[0]!.id, shippingTypeId: s.shippingType.id });
  return { s, as, ...walked };
}

describe('a stale /order menu pressed after its session ended', () => {
  it('an expired session: the error replaces the flow message, and its menus go', async () => {
    const { s, as, payment } = await customerAtReview();
    await db.orderSession.updateMany({ where: { tenantId: s.tenant.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await interact(
      h,
      componentInteraction(as, 'order:payment-method-select', { values: ['ZELLE'], message: messageOf(payment) }),
    );
    // Before: type 4, a new ephemeral message, the payment menu left above it.
    expect(res.type).toBe(7);
    expect(textOf(res)).toContain('Your order session expired after a period of inactivity.\nRun `/order` to start a new one.');
    expect(customIdsOf(res)).toEqual([]);
  });

  it('a session cancelled from its review: the address form sent from an older screen replaces that screen', async () => {
    const { as, review, addressStep } = await customerAtReview();
    await interact(h, componentInteraction(as, 'order:cancel', { message: messageOf(review) }));
    const res = await interact(h, modalInteraction(as, 'order:address:modal', ELM_ST, messageOf(addressStep)));
    expect(res.type).toBe(7);
    expect(textOf(res)).toContain('Run `/order`');
    expect(customIdsOf(res)).toEqual([]);
  });

  it('a refusal while the session is open still comes as its own message', async () => {
    const { as, payment } = await customerAtReview();
    const res = await interact(
      h,
      componentInteraction(as, 'order:payment-method-select', { values: ['PAYPAL'], message: messageOf(payment) }),
    );
    expect(res.type).toBe(4);
    expect(res.data.flags).toBe(64);
  });
});
