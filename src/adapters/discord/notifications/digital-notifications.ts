// Digital goods on Discord (modules/entitlements/digital-goods.ts emits the events):
//   entitlement.digital_delivered > discord-notify      : DM with the order's licence keys / download links, for
//                                                         jobs queued before the receipt carried them (no longer emitted)
//   entitlement.keys_low          > discord-admin-alert : the admin channel learns a key stock is low or short
// The DM goes through the shared customer-DM machinery (order-notifications.ts): once, and when Discord
// refuses it for good (DMs closed, 50007, or another 4xx but 429) it is kept as a missed notice with the keys (shown
// at their next interaction; /orders detail shows them too) and the admins are told. The admin alert: 4xx other than 429
// end the job (logged), anything else is retried.
import { Routes } from 'discord-api-types/v10';
import type { REST } from '@discordjs/rest';
import type { EventBus } from '../../../platform/jobs/queue.js';
import { ADMIN_CHANNEL_LANE } from './admin-channel-lane.js';
import type { Logger } from '../../../platform/logger.js';
import {
  DIGITAL_EVENTS,
  digitalDeliveredPayload,
  keysLowPayload,
  type DigitalGoods,
  type KeysLowPayload,
} from '../../../modules/entitlements/digital-goods.js';
import type { TenantService } from '../../../modules/tenants/tenant.service.js';
import { isRefusedByDiscord } from '../discord-rest.js';
import { COLORS, embed, type MessageData } from '../../../surfaces/discord/replies.js';
import type { CustomerDms } from './order-notifications.js';
import type { AdminChannelGuard } from './admin-channel-guard.js';
import { countWords } from '../../../platform/count-words.js';

type Delivered = Awaited<ReturnType<DigitalGoods['forOrder']>>;

export function digitalDeliveryDm(orderNumber: number, items: Delivered): MessageData {
  const lines = items
    .filter((i) => !i.revoked)
    .map((i) => (i.code ? `**${i.productName}**: \`${i.code.replace(/`/g, "'")}\`` : `**${i.productName}**: ${i.downloadUrl}`));
  return {
    embeds: [
      embed({
        title: `Your digital items for order #${orderNumber}`,
        color: COLORS.ok,
        description: `${lines.join('\n')}\n\nKeep this message: \`/orders\` shows them again.`,
      }),
    ],
  };
}

export function keysLowAlert(a: KeysLowPayload): MessageData {
  const text =
    a.short > 0
      ? `**${a.productName}** ran out of licence keys: ${countWords(a.short, 'unit was', 'units were')} paid for without a key. Upload keys in the panel (Products → Upload keys) and send them to the customer.`
      : `**${a.productName}** has ${countWords(a.available, 'licence key')} left. Upload more in the panel (Products → Upload keys); the product stops selling when they run out.`;
  return {
    embeds: [
      embed({
        title: a.short > 0 ? 'Licence keys ran out' : 'Licence keys running low',
        color: a.short > 0 ? COLORS.error : COLORS.warn,
        description: text,
      }),
    ],
  };
}

export function registerDigitalNotifications(
  bus: EventBus,
  deps: {
    rest: REST;
    logger: Logger;
    digital: Pick<DigitalGoods, 'forOrder'>;
    dms: CustomerDms;
    tenants: Pick<TenantService, 'get'>;
    /** Whether a shop may post to its admin channel (admin-channel-guard.ts); every channel may when absent. */
    adminChannel?: AdminChannelGuard;
  },
): void {
  const send = async (fn: () => Promise<unknown>, log: Logger) => {
    try {
      await fn();
    } catch (err) {
      if (isRefusedByDiscord(err)) {
        log.warn({ status: err.status, code: err.code }, 'Discord refused the message; not retrying');
        return;
      }
      throw err;
    }
  };
  bus.subscribe(DIGITAL_EVENTS.delivered, 'discord-notify', {
    schema: digitalDeliveredPayload,
    async run({ tenantId, orderId }) {
      const [loaded, items] = await Promise.all([
        deps.dms.load(tenantId, orderId, 'digital-delivery'),
        deps.digital.forOrder(tenantId, orderId),
      ]);
      if (!loaded || !items.some((i) => !i.revoked)) return;
      const { tenant, order } = loaded;
      await deps.dms.dm(tenant, order, digitalDeliveryDm(order.number, items), 'digital-delivery');
    },
  });
  bus.subscribe(DIGITAL_EVENTS.keysLow, 'discord-admin-alert', {
    lane: ADMIN_CHANNEL_LANE,
    schema: keysLowPayload,
    async run(alert) {
      const tenant = await deps.tenants.get(alert.tenantId);
      const log = deps.logger.child({ tenantId: alert.tenantId, productId: alert.productId, notification: 'keys-low' });
      if (!tenant.adminChannelId) return log.warn('no admin channel; the low key stock is on the product only');
      if (deps.adminChannel && !(await deps.adminChannel.allows(alert.tenantId, tenant.adminChannelId, log))) return;
      await send(
        () =>
          deps.rest.post(Routes.channelMessages(tenant.adminChannelId!), {
            body: { ...keysLowAlert(alert), allowed_mentions: { parse: [] } },
          }),
        log,
      );
    },
  });
}
