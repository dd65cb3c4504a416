// Two /order sessions of one customer and a message of the earlier one, as the tests of a press on an old flow message
// start from (cancel-on-earlier-session-message, earlier-session-message-after-current-ran-out,
// confirm-on-placed-review-after-later-session, steps-on-earlier-session-message): the earlier session walked to its
// review on one message, then ended (run out, or placed), then a later session opened.
import { testDb } from '../helpers/db.js';
import { factories, snowflake } from '../helpers/factories.js';
import { walkToReview } from './flows.js';
import { commandInteraction, interact, member, messageOf, modalInteraction, type Harness, type Reply } from './harness.js';

/**
 * A shop's customer (`as`) whose /order session was walked to its review on one message (`walk`: every step's screen).
 * Discord updates that message in place, so each screen keeps its id: `on(screen)` is a screen as that message, as a
 * press on it echoes it back.
 */
export async function sessionOnOneMessage(h: Harness) {
  const s = await factories().shop();
  const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };
  const productId = s.products[0]!.id;
  const m = snowflake();
  const walk = await walkToReview(h, as, { productId, shippingTypeId: s.shippingType.id, messageId: m });
  const on = (res: Reply) => ({ ...messageOf(res), id: m });
  return { s, as, productId, walk, on };
}

/** Every /order session of the shop runs out (each keeps its slot until something ends it). */
export async function runOutSessions(tenantId: string) {
  await testDb().orderSession.updateMany({ where: { tenantId }, data: { expiresAt: new Date(Date.now() - 1000) } });
}

/**
 * The customer runs /order again and `quantity` of the product goes into the session it opens, on a message of its
 * own: that session's address screen as that message (`screen`), and the session's row (the customer's open one).
 */
export async function laterSessionOnItsOwnMessage(
  h: Harness,
  earlier: Pick<Awaited<ReturnType<typeof sessionOnOneMessage>>, 's' | 'as' | 'productId'>,
  quantity: string,
) {
  const { s, as, productId } = earlier;
  const n = snowflake();
  const start = await interact(h, commandInteraction(as, 'order'));
  const address = await interact(h, modalInteraction(as, `order:qty-modal:${productId}`, { quantity }, { ...messageOf(start), id: n }));
  const session = await testDb().orderSession.findFirstOrThrow({ where: { tenantId: s.tenant.id, activeSlot: 1 } });
  return { screen: { ...messageOf(address), id: n }, session };
}
