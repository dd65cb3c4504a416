// When Discord offers the customer a fresh invoice link ("Pay now" in /orders and on the order's DMs:
// surfaces/discord/views/pay-link.view.ts): an order placed with a processor-backed method (PayPal, Cash App Pay,
// Bitcoin invoice) while it waits for payment. The expired link's page (invoice.service) points there on the same rule.
import type { PaymentMethod } from '../../generated/prisma/index.js';
import { isProcessorMethod } from '../payments-processor/connections/provider-definitions.js';

export function payLinkOffered(order: { status: string; paymentMethod: PaymentMethod }): boolean {
  return isProcessorMethod(order.paymentMethod) && order.status === 'PENDING_PAYMENT';
}
