// order.payment_reminder > discord-notify: half of an unpaid order's pay window is left (the job runs at
// that moment: run_at, modules/order-expiry). The customer is reminded what is still owed, how to pay and by
// when, once per deadline; sent, or not, by the deadline DMs' rule (deadline-dm.ts).
import { EVENTS, paymentReminderPayload } from '../../../modules/shared/events.js';
import { paymentReminderDm } from '../../../surfaces/discord/views/pay-window.view.js';
import type { DeadlineDm } from './deadline-dm.js';

export const paymentReminderNotice: DeadlineDm = {
  event: EVENTS.paymentReminder,
  schema: paymentReminderPayload,
  kind: 'payment-reminder',
  message: paymentReminderDm,
  notCurrent: 'payment reminder no longer due; not sent',
};
