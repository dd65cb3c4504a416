// A payment method in the customer's words, the same in their receipt DM (surfaces/discord/views/payment-methods.view.ts)
// and on their invoice page (surfaces/http/invoice): "Paid with Cash App Pay" says one thing wherever they read it.
import type { PaymentMethod } from '../../generated/prisma/index.js';

export const CUSTOMER_METHOD_LABELS: Record<PaymentMethod, string> = {
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

export function paymentMethodLabel(method: PaymentMethod): string {
  return CUSTOMER_METHOD_LABELS[method] ?? method;
}
