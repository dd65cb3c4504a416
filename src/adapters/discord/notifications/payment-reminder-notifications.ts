// order.payment_reminder > discord-notify: half of an unpaid order's pay window is left (the job runs at
// that moment: run_at, modules/order-expiry). The customer gets one DM per deadline, with the "Pay now"
// link for processor-backed methods. Sent through the shared customer-DM machinery (order-notifications.ts:
// once per key, closed DMs recorded and told to the admins). A reminder for a deadline since moved, or an
// order paid or cancelled meanwhile, is not sent.
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { Logger } from '../../../platform/logger.js';
import type { InvoiceService } from '../../../modules/invoices/invoice.service.js';
import { reminderStillDue } from '../../../modules/order-expiry/pay-window.js';
import { EVENTS, paymentReminderPayload } from '../../../modules/shared/events.js';
import type { CustomerDms } from './order-notifications.js';
import { payLinkFor, withPayNow } from '../../../surfaces/discord/views/pay-link.view.js';
import { paymentReminderDm } from '../../../surfaces/discord/views/pay-window.view.js';

export function registerPaymentReminderNotifications(
  bus: EventBus,
  deps: { dms: CustomerDms; invoices?: Pick<InvoiceService, 'createLink'>; logger: Logger },
): void {
  bus.subscribe(EVENTS.paymentReminder, 'discord-notify', {
    schema: paymentReminderPayload,
    async run({ tenantId, orderId, dueAt }) {
      const loaded = await deps.dms.load(tenantId, orderId, 'payment-reminder');
      if (!loaded || !reminderStillDue(loaded.order, dueAt)) {
        deps.logger.debug({ tenantId, orderId, dueAt }, 'payment reminder no longer due; not sent');
        return;
      }
      const { tenant, order } = loaded;
      const payUrl = deps.invoices ? await payLinkFor(deps.invoices, tenantId, order) : null;
      await deps.dms.dm(
        tenant,
        order,
        withPayNow(paymentReminderDm(tenant, order, new Date(dueAt)), payUrl),
        'payment-reminder',
        `${order.id}:${dueAt}`,
      );
    },
  });
}
