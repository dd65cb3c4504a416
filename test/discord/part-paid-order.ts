// A Zelle order of $55.00 with its admin post, $20.00 of it recorded received by an admin with /payment-confirm, as the
// tests of what the post and the admins do next start from (a rejection, a return ticked done, two admins recording).
import { factories } from '../helpers/factories.js';
import { waitFor } from '../helpers/wait-for.js';
import { postedAdminMessage } from './admin-post.js';
import { commandInteraction, interact, member, type Harness } from './harness.js';

/**
 * The shop, the order, its post (`content()`: as JSON now, once it shows "$35.00 still owed"; `post()`: as Discord
 * holds it, what a component or modal interaction echoes back) and `adminCount` admins, the first of whom recorded the $20.00.
 */
export async function partPaidZelleOrder(h: Harness, adminCount = 1) {
  const f = factories();
  const { shop: s, order } = await f.unpaidZelleOrder();
  const posted = await postedAdminMessage(h.t.services.bus, () => h.fake, s.tenant.id, order.id);
  const admins = Array.from({ length: adminCount }, () => ({ guildId: s.guild.id, user: member({ roles: [s.tenant.adminRoleIds[0]!] }) }));
  await interact(h, commandInteraction(admins[0]!, 'payment-confirm', { orderid: String(order.number), amount: 2000 }));
  const content = () => JSON.stringify(posted.now() ?? {});
  await waitFor('the post to show the $20.00 received', () => (content().includes('$35.00 still owed') ? true : null));
  const post = () => ({ id: posted.messageId, channel_id: posted.channelId, ...(posted.now() ?? {}) });
  return { s, order, posted, content, post, admins };
}
