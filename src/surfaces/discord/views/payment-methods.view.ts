// Payment method names and the tenant's instructions for the manual ones (tenant.paymentInstructions:
// { [method]: { handle?, instructions? } }, read by modules/tenants/payment-instructions.ts).
import type { PaymentMethod, Tenant } from '../../../generated/prisma/index.js';
import { manualPaymentDetails } from '../../../modules/tenants/payment-instructions.js';
import { CUSTOMER_METHOD_LABELS, paymentMethodLabel } from '../../../modules/payments/payment-method-labels.js';

// The customer's words for each method live with the payments module (the invoice page uses them too).
export { paymentMethodLabel };

export const PAYMENT_METHODS = Object.keys(CUSTOMER_METHOD_LABELS) as PaymentMethod[];

/**
 * The method in a sentence that says who sends money and how ("the shop is sending $10.00 back to you by PayPal"):
 * plain words, without the qualifier the payment menu needs to tell the shop's own PayPal or Bitcoin address
 * ("(manual)", "(invoice)") from paying online; the sentence says who sends it. Every other method: its label.
 */
const SENT_BY: Partial<Record<PaymentMethod, string>> = {
  PAYPAL_MANUAL: 'PayPal',
  BTC_MANUAL: 'Bitcoin',
  BTC_INVOICE: 'Bitcoin',
};

export function sentByLabel(method: PaymentMethod): string {
  return SENT_BY[method] ?? paymentMethodLabel(method);
}

export function paymentInstructionsText(tenant: Pick<Tenant, 'paymentInstructions'>, method: PaymentMethod): string {
  const { instructions, handle } = manualPaymentDetails(tenant.paymentInstructions, method);
  if (instructions) return instructions;
  if (handle) return `send the total to ${handle}.`; // what to write in the note: howToPayText (order-steps.view.ts)
  return 'the shop will send you payment details.';
}
