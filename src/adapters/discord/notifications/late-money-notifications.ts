// payment.late_money_returning > discord-notify: money reached a PayPal or Cash App Pay checkout after its order could
// no longer take it (cancelled, expired, paid another way, changed, deleted), and the provider is being asked to send it
// back (payments-processor/checkouts/late-money-notice.ts emits it once per checkout). The customer who paid is told
// which order, how much, why it could not be used and that it is coming back through the same payment. It says "is
// being returned": the refund job may not have run yet, and if the provider refuses or fails it the admins are told
// to return it another way (payment.unapplied FLAGGED). BTCPay money is not told here: its claim link DM is the one.
// A deleted order's customer is the one its delete's snapshot names (deleted-order-snapshot.ts); none kept, none told.
// payment.late_money_flagged > discord-notify: the same money (or a deleted order's Bitcoin) that the provider did
// not send back (refused, failed, or no address for Bitcoin) and the admins must return by hand: the customer is told
// the shop will (late-money-flagged.view.ts), to the same customer, by the same rules.
// Sent through the shared customer-DM machinery (order-notifications.ts): once per checkout and kind, closed DMs
// recorded and told to the admins, recorded for an erasure to edit.
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { Logger } from '../../../platform/logger.js';
import { orNullIfNotFound } from '../../../platform/errors.js';
import type { TenantService } from '../../../modules/tenants/tenant.service.js';
import type { DeletedOrderSnapshot } from '../../../modules/order-admin/deleted-order-snapshot.js';
import {
  EVENTS,
  lateMoneyFlaggedPayload,
  lateMoneyReturningPayload,
  type LateMoneyReturningPayload,
} from '../../../modules/shared/events.js';
import type { CustomerDms, DmKind } from './order-notifications.js';
import type { MessageData } from '../../../surfaces/discord/replies.js';
import { lateMoneyFlaggedDm } from '../../../surfaces/discord/views/late-money-flagged.view.js';
import { lateMoneyReturningDm } from '../../../surfaces/discord/views/late-money.view.js';

export function registerLateMoneyNotifications(
  bus: EventBus,
  deps: {
    dms: Pick<CustomerDms, 'dmCustomer'>;
    tenants: Pick<TenantService, 'get'>;
    deletedOrder?: (tenantId: string, orderId: string) => Promise<Pick<DeletedOrderSnapshot, 'customerId'> | null>;
    logger: Logger;
  },
): void {
  /** One DM about `notice`'s money to the customer who paid (a deleted order's: whoever its delete's snapshot names). */
  async function tell(
    notice: LateMoneyReturningPayload,
    kind: DmKind,
    dm: (shopName: string, n: LateMoneyReturningPayload) => MessageData,
  ) {
    const { tenantId, orderId, checkoutId } = notice;
    const customerId = notice.customerId ?? (await deps.deletedOrder?.(tenantId, orderId))?.customerId;
    if (!customerId) {
      deps.logger.info(
        { tenantId, orderId, checkoutId, notification: kind },
        'the deleted order names no customer; nobody told of the money',
      );
      return;
    }
    // A shop removed since: dmCustomer ends the job unsent (its own read), so the name is only needed while it is there.
    const shop = await orNullIfNotFound(deps.tenants.get(tenantId));
    await deps.dms.dmCustomer(tenantId, { customerId, orderId }, dm(shop?.name ?? '', notice), kind, checkoutId);
  }

  bus.subscribe(EVENTS.lateMoneyReturning, 'discord-notify', {
    schema: lateMoneyReturningPayload,
    run: (notice) => tell(notice, 'late-money-returning', lateMoneyReturningDm),
  });
  bus.subscribe(EVENTS.lateMoneyFlagged, 'discord-notify', {
    schema: lateMoneyFlaggedPayload,
    run: (notice) => tell(notice, 'late-money-flagged', lateMoneyFlaggedDm),
  });
}
