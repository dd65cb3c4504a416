// A customer DM about an unpaid order's pay-by deadline (the reminder at half the window, the notice of more time an
// admin gave), as one rule: a job per event (`<event>>discord-notify`) whose payload names the order and the deadline
// it is about. Told only while the order still waits for payment by that deadline (reminderStillDue): a notice for a
// deadline since moved (the later one is told), or an order paid, cancelled or deleted meanwhile, or of a shop removed,
// is not sent. One DM per deadline (delivery key `dm:<kind>:<order>:<deadline>`), with the "Pay now" link for
// processor-backed methods; the words are told whether the DM carries it, so none asks for a button it lacks. Sent
// through the shared customer-DM machinery (order-notifications.ts: once per key, erased customers' DMs recorded for
// the erasure, closed DMs recorded and told to the admins). Each notice says only what is its own (DeadlineDm).
import type { z } from 'zod';
import type { Tenant } from '../../../generated/prisma/index.js';
import type { EventBus } from '../../../platform/jobs/queue.js';
import type { Logger } from '../../../platform/logger.js';
import type { InvoiceService } from '../../../modules/invoices/invoice.service.js';
import { reminderStillDue } from '../../../modules/order-expiry/pay-window.js';
import type { CustomerDms, DmKind } from './order-notifications.js';
import type { MessageData } from '../../../surfaces/discord/replies.js';
import { payLinkFor, withPayNow } from '../../../surfaces/discord/views/pay-link.view.js';
import type { ReminderOrder } from '../../../surfaces/discord/views/pay-window.view.js';

/** What a deadline DM's event carries: the order and the deadline (ISO) the DM is about. */
interface DeadlinePayload {
  tenantId: string;
  orderId: string;
  dueAt: string;
}

/** What one deadline DM is: all that differs between them. */
export interface DeadlineDm {
  /** The event whose `discord-notify` job sends it. */
  event: string;
  schema: z.ZodType<DeadlinePayload>;
  /** Its DmKind: the delivery key's, the logs' and the panel's name for it. */
  kind: DmKind;
  /** Its words; `payNow`: the DM carries the Pay now button (a link was made). */
  message(tenant: Tenant, order: ReminderOrder, dueAt: Date, payNow: boolean): MessageData;
  /** What the debug log says when it is not sent because the deadline is no longer current. */
  notCurrent: string;
}

export interface DeadlineDmDeps {
  dms: CustomerDms;
  invoices?: Pick<InvoiceService, 'createLink'>;
  logger: Logger;
}

export function registerDeadlineDm(bus: EventBus, deps: DeadlineDmDeps, notice: DeadlineDm): void {
  bus.subscribe(notice.event, 'discord-notify', {
    schema: notice.schema,
    async run({ tenantId, orderId, dueAt }) {
      const loaded = await deps.dms.load(tenantId, orderId, notice.kind);
      if (!loaded || !reminderStillDue(loaded.order, dueAt)) {
        deps.logger.debug({ tenantId, orderId, dueAt }, notice.notCurrent);
        return;
      }
      const { tenant, order } = loaded;
      const payUrl = deps.invoices ? await payLinkFor(deps.invoices, tenantId, order) : null;
      const message = notice.message(tenant, order, new Date(dueAt), payUrl !== null);
      await deps.dms.dm(tenant, order, withPayNow(message, payUrl), notice.kind, `${order.id}:${dueAt}`);
    },
  });
}
