// DMs about time-limited access (modules/entitlements/timed-access.ts emits the events):
//   entitlement.access_ending > discord-notify : the access ends on <date>; /order the product to extend it
//   entitlement.access_ended  > discord-notify : the access ended and the role was removed; /order to renew
// Same failure rules as the order DMs: DMs closed (50007) and other 4xx end the job (logged); 429 is waited
// out by @discordjs/rest; 5xx and network errors throw, so the queue retries.
import { Routes } from 'discord-api-types/v10';
import type { REST } from '@discordjs/rest';
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { Logger } from '../../../platform/logger.js';
import { ACCESS_EVENTS, accessNoticePayload, type AccessNoticePayload } from '../../../modules/entitlements/timed-access.js';
import { DiscordAPIError } from '../discord-rest.js';
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

export function registerAccessNotifications(bus: EventBus, deps: { rest: REST; logger: Logger }): void {
  const dm = async (n: AccessNoticePayload, message: MessageData, what: string) => {
    const log = deps.logger.child({ tenantId: n.tenantId, orderId: n.orderId, notification: what });
    try {
      const channel = (await deps.rest.post(Routes.userChannels(), { body: { recipient_id: n.discordUserId } })) as { id: string };
      await deps.rest.post(Routes.channelMessages(channel.id), { body: { ...message, allowed_mentions: { parse: [] } } });
    } catch (err) {
      if (err instanceof DiscordAPIError && err.status >= 400 && err.status < 500 && err.status !== 429) {
        log.warn({ status: err.status, code: err.code }, 'Discord refused the access DM; not retrying');
        return;
      }
      throw err;
    }
  };
  bus.subscribe(ACCESS_EVENTS.ending, 'discord-notify', {
    schema: accessNoticePayload,
    run: (n) => dm(n, accessEndingDm(n), 'access-ending'),
  });
  bus.subscribe(ACCESS_EVENTS.ended, 'discord-notify', {
    schema: accessNoticePayload,
    run: (n) => dm(n, accessEndedDm(n), 'access-ended'),
  });
}
