// payment.late_money_returning > discord-notify: money reached a PayPal or Cash App Pay checkout after its order could
// no longer take it (cancelled, expired, paid another way, changed, deleted), and the provider is being asked to send it
// back (payments-processor/checkouts/late-money-notice.ts emits it once per checkout). The customer who paid is told
// which order, how much, why it could not be used and that it is coming back through the same payment. It says "is
// being returned": the refund job may not have run yet, and if the provider refuses or fails it the admins are told
// to return it another way (payment.unapplied FLAGGED). BTCPay money is not told here: its claim link DM is the one.
// A deleted order's customer is the one its delete's snapshot names (deleted-order-snapshot.ts); none kept, none told.
// Sent through the shared customer-DM machinery (order-notifications.ts): once per checkout, closed DMs recorded and
// told to the admins, recorded for an erasure to edit.
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { Logger } from '../../../platform/logger.js';
import { orNullIfNotFound } from '../../../platform/errors.js';
import type { TenantService } from '../../../modules/tenants/tenant.service.js';
import type { DeletedOrderSnapshot } from '../../../modules/order-admin/deleted-order-snapshot.js';
import { EVENTS, lateMoneyReturningPayload } from '../../../modules/shared/events.js';
import type { CustomerDms } from './order-notifications.js';
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
  bus.subscribe(EVENTS.lateMoneyReturning, 'discord-notify', {
    schema: lateMoneyReturningPayload,
    async run(notice) {
      const { tenantId, orderId, checkoutId } = notice;
      const customerId = notice.customerId ?? (await deps.deletedOrder?.(tenantId, orderId))?.customerId;
      if (!customerId) {
        deps.logger.info({ tenantId, orderId, checkoutId }, 'the deleted order names no customer; nobody told of the money returned');
        return;
      }
      // A shop removed since: dmCustomer ends the job unsent (its own read), so the name is only needed while it is there.
      const shop = await orNullIfNotFound(deps.tenants.get(tenantId));
      const message = lateMoneyReturningDm(shop?.name ?? '', notice);
      await deps.dms.dmCustomer(tenantId, { customerId, orderId }, message, 'late-money-returning', checkoutId);
    },
  });
}
