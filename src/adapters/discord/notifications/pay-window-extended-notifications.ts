// order.payment_window_extended > discord-notify: an admin gave the customer more time to pay (order-expiry's
// `extend`, from the panel or the API), and the order's DM still says the old deadline. The customer is told the
// new one, once per deadline; sent, or not, by the deadline DMs' rule (deadline-dm.ts). The automatic hold while
// money is on its way emits nothing.
import { EVENTS, payWindowExtendedPayload } from '../../../modules/shared/events.js';
import { payWindowExtendedDm } from '../../../surfaces/discord/views/pay-window.view.js';
import type { DeadlineDm } from './deadline-dm.js';

export const payWindowExtendedNotice: DeadlineDm = {
  event: EVENTS.payWindowExtended,
  schema: payWindowExtendedPayload,
  kind: 'pay-window-extended',
  message: payWindowExtendedDm,
  notCurrent: 'pay window extension no longer current; not sent',
};
