// DMs about time-limited access (modules/entitlements/timed-access.ts emits the events):
//   entitlement.access_ending > discord-notify : the access ends on <date>; /order the product to extend it
//   entitlement.access_ended  > discord-notify : the access ended and the role was removed; /order to renew
// Sent through the shared customer-DM machinery (order-notifications.ts): once per (order, product), and
// when Discord refuses it for good (DMs closed, 50007, or another 4xx but 429) the notice is kept as a missed notice
// with Discord's code (shown on the order and at their next interaction) and told to the admins; closed DMs are
// recorded on the customer too. 429 is waited out by
// @discordjs/rest; 5xx and network errors throw, so the queue retries.
import type { EventBus } from '../../../platform/jobs/queue.js';
import { ACCESS_EVENTS, accessNoticePayload, type AccessNoticePayload } from '../../../modules/entitlements/timed-access.js';
import type { CustomerDms } from './order-notifications.js';
import { COLORS, embed, type MessageData } from '../../../surfaces/discord/replies.js';

const day = (iso: string) => `<t:${Math.floor(new Date(iso).getTime() / 1000)}:D>`;

export function accessEndingDm(n: AccessNoticePayload): MessageData {
  return {
    embeds: [
      embed({
        title: `Your access to ${n.productName} ends soon`,
        color: COLORS.warn,
        description: `Your access (and its roles) ends on ${day(n.endsAt)}. To extend it, use \`/order\` and buy **${n.productName}** again: the new period starts when this one ends.`,
      }),
    ],
  };
}

export function accessEndedDm(n: AccessNoticePayload): MessageData {
  return {
    embeds: [
      embed({
        title: `Your access to ${n.productName} has ended`,
        color: COLORS.muted,
        description: `Your access ended on ${day(n.endsAt)} and its roles were removed. To renew it, use \`/order\` and buy **${n.productName}** again.`,
      }),
    ],
  };
}

export function registerAccessNotifications(bus: EventBus, deps: { dms: Pick<CustomerDms, 'dmCustomer'> }): void {
  // Keyed like the jobs that emit them: one DM per (order, product) and kind.
  const dm = (n: AccessNoticePayload, message: MessageData, what: 'access-ending' | 'access-ended') =>
    deps.dms.dmCustomer(n.tenantId, { customerId: n.customerId, orderId: n.orderId }, message, what, `${n.orderId}:${n.productId}`);
  bus.subscribe(ACCESS_EVENTS.ending, 'discord-notify', {
    schema: accessNoticePayload,
    run: (n) => dm(n, accessEndingDm(n), 'access-ending'),
  });
  bus.subscribe(ACCESS_EVENTS.ended, 'discord-notify', {
    schema: accessNoticePayload,
    run: (n) => dm(n, accessEndedDm(n), 'access-ended'),
  });
}
