// Payment method names and the tenant's instructions for the manual ones (tenant.paymentInstructions:
// { [method]: { handle?, instructions? } }, read by modules/tenants/payment-instructions.ts).
import type { PaymentMethod, Tenant } from '../../../generated/prisma/index.js';
import { manualPaymentDetails } from '../../../modules/tenants/payment-instructions.js';

const LABELS: Record<PaymentMethod, string> = {
  PAYPAL: 'PayPal',
  CASHAPP_PAY: 'Cash App Pay',
  BTC_INVOICE: 'Bitcoin (invoice)',
  VENMO_P2P: 'Venmo',
  CASHAPP_P2P: 'Cash App',
  ZELLE: 'Zelle',
  CHIME: 'Chime',
  PAYPAL_MANUAL: 'PayPal (manual)',
  BTC_MANUAL: 'Bitcoin (manual)',
};

export const PAYMENT_METHODS = Object.keys(LABELS) as PaymentMethod[];

export function paymentMethodLabel(method: PaymentMethod): string {
  return LABELS[method] ?? method;
}

export function paymentInstructionsText(tenant: Pick<Tenant, 'paymentInstructions'>, method: PaymentMethod): string {
  const { instructions, handle } = manualPaymentDetails(tenant.paymentInstructions, method);
  if (instructions) return instructions;
  if (handle) return `send the total to ${handle}.`; // what to write in the note: howToPayText (order-steps.view.ts)
  return 'the shop will send you payment details.';
}
