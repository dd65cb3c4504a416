// Erasing a customer's personal data reaches the bot's direct messages to them (docs/decisions/erased-customer-dms.md):
//   direct_message.personal_data_erased > discord-dm-edit : edits one recorded DM (notifications/sent-dms.ts) with
//     Edit Message (PATCH /channels/{channel.id}/messages/{message.id}) to a placeholder that keeps the shop's name
//     and the order's number only (no embeds, no buttons: the address, the items, the links are gone), then forgets
//     the record.
// The jobs run in the shop's DM-erasure lane (platform/jobs/lanes.ts): one at a time, and a rate limit (429 with
// retry_after) is thrown there and waited out by the lane with no worker slot held, then the same edit runs again.
// Discord's answers:
// - 404 with 10008 Unknown Message or 10003 Unknown Channel: nothing left to edit; the record is forgotten, no retry;
// - another 4xx (403 with 50007 Cannot send messages to this user, 50001 Missing Access): not retried (Discord bans IPs
//   that repeat refused requests); the record is kept, so a later erasure of the customer tries again, and the
//   customer's timeline in the panel says so (customer.dm_not_erased): the admin who erased them learns that a DM
//   still holds what it said;
// - 5xx and network errors throw: the lane retries the job with backoff.
import type { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import type { SentDmStore, SentDmToErase } from '../../../modules/notifications/sent-dms.js';
import { EVENTS, directMessagePersonalDataErasedPayload } from '../../../modules/shared/events.js';
import { defineLane } from '../../../platform/jobs/lanes.js';
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { Logger } from '../../../platform/logger.js';
import type { Db } from '../../../platform/db/prisma.js';
import type { AuditService } from '../../../modules/audit/audit.service.js';
import { systemActor } from '../../../modules/shared/actor.js';
import { discordErrorCode, isRefusedByDiscord } from '../discord-rest.js';

/** The shop's lane of DM edits: apart from its admin channel's, so an erasure never holds up the order posts. */
export const DM_ERASURE_LANE = defineLane('discord-dm-erasure');

const UNKNOWN_CHANNEL = 10003;
const UNKNOWN_MESSAGE = 10008;

/** What the DM says once edited: the shop and the order, and why the rest is gone. */
export function erasedDmMessage(dm: Pick<SentDmToErase, 'shopName' | 'orderNumber'>): {
  content: string;
  embeds: [];
  components: [];
  allowed_mentions: { parse: [] };
} {
  const about = dm.orderNumber === null ? '' : ` order #${dm.orderNumber}:`;
  return {
    content: `${dm.shopName}:${about} details removed at your request.`,
    embeds: [],
    components: [],
    allowed_mentions: { parse: [] },
  };
}

export function registerDmErasure(
  bus: EventBus,
  deps: { rest: Pick<REST, 'patch'>; logger: Logger; sentDms: SentDmStore; db: Db; audit: AuditService },
): void {
  bus.subscribe(EVENTS.directMessagePersonalDataErased, 'discord-dm-edit', {
    lane: DM_ERASURE_LANE,
    schema: directMessagePersonalDataErasedPayload,
    async run({ tenantId, sentDmId }) {
      const log = deps.logger.child({ tenantId, sentDmId, notification: 'dm-erasure' });
      // Gone: edited by an earlier job (a second erasure's, or this one's before its end was recorded).
      const dm = await deps.sentDms.find(tenantId, sentDmId);
      if (!dm) return;
      try {
        await deps.rest.patch(Routes.channelMessage(dm.channelId, dm.messageId), { body: erasedDmMessage(dm) });
      } catch (err) {
        const code = discordErrorCode(err);
        if (code === UNKNOWN_MESSAGE || code === UNKNOWN_CHANNEL) {
          log.info({ code }, 'the DM is no longer in Discord; nothing to edit');
        } else if (isRefusedByDiscord(err)) {
          log.warn(
            { status: err.status, code, message: err.message },
            'Discord refused the edit of the DM; not retrying, kept for a later erasure',
          );
          // No personal data in it: the order's number and Discord's answer.
          await deps.audit.record(
            deps.db,
            { tenantId, actor: systemActor },
            {
              action: 'customer.dm_not_erased',
              entityType: 'Customer',
              entityId: dm.customerId,
              after: { orderNumber: dm.orderNumber, discordStatus: err.status, discordCode: code ?? null },
            },
          );
          return;
        } else {
          throw err;
        }
      }
      await deps.sentDms.forget(tenantId, sentDmId);
    },
  });
}
