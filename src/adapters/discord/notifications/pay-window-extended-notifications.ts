// order.payment_window_extended > discord-notify: an admin gave the customer more time to pay (order-expiry's
// `extend`, from the panel or the API), and the order's DM still says the old deadline. The customer gets one DM
// per new deadline, with the "Pay now" link for processor-backed methods. Sent through the shared customer-DM
// machinery (order-notifications.ts: once per key, erased customers' DMs recorded for the erasure, closed DMs
// recorded and told to the admins). A notice for a deadline since moved again (the later one is told), or an order
// paid, cancelled or deleted meanwhile, is not sent. The automatic hold while money is on its way emits nothing.
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { Logger } from '../../../platform/logger.js';
import type { InvoiceService } from '../../../modules/invoices/invoice.service.js';
import { reminderStillDue } from '../../../modules/order-expiry/pay-window.js';
import { EVENTS, payWindowExtendedPayload } from '../../../modules/shared/events.js';
import type { CustomerDms } from './order-notifications.js';
import { payLinkFor, withPayNow } from '../../../surfaces/discord/views/pay-link.view.js';
import { payWindowExtendedDm } from '../../../surfaces/discord/views/pay-window.view.js';

export function registerPayWindowExtendedNotifications(
  bus: EventBus,
  deps: { dms: CustomerDms; invoices?: Pick<InvoiceService, 'createLink'>; logger: Logger },
): void {
  bus.subscribe(EVENTS.payWindowExtended, 'discord-notify', {
    schema: payWindowExtendedPayload,
    async run({ tenantId, orderId, dueAt }) {
      const loaded = await deps.dms.load(tenantId, orderId, 'pay-window-extended');
      // The reminder's rule: told only while the order still waits for payment by this deadline.
      if (!loaded || !reminderStillDue(loaded.order, dueAt)) {
        deps.logger.debug({ tenantId, orderId, dueAt }, 'pay window extension no longer current; not sent');
        return;
      }
      const { tenant, order } = loaded;
      const payUrl = deps.invoices ? await payLinkFor(deps.invoices, tenantId, order) : null;
      await deps.dms.dm(
        tenant,
        order,
        withPayNow(payWindowExtendedDm(tenant, order, new Date(dueAt), payUrl !== null), payUrl),
        'pay-window-extended',
        `${order.id}:${dueAt}`,
      );
    },
  });
}
