// What processor money of an order (or a connection) is still on its way, read inside the caller's
// transaction, so an admin's action that would lose it is refused with what to do instead:
// - a manual confirm while a checkout is APPROVED/PENDING (BTCPay confirming, a PayPal eCheck) would make
//   that money unapplied when it settles, and the ledger would refund it (payments.confirm refuses).
import type { PaymentCheckout } from '../../../generated/prisma/index.js';
import type { Tx } from '../../../platform/db/prisma.js';
import { formatMoney } from '../../../platform/money.js';

/** Money on its way: PayPal approved or its capture pending (eCheck), BTCPay paid and confirming, Square pending. */
export const IN_FLIGHT_CHECKOUT_STATES = ['APPROVED', 'PENDING'] as const;

type CheckoutFacts = Pick<PaymentCheckout, 'provider' | 'state' | 'amountCents' | 'currency'>;

/** "A Bitcoin payment of $42.50 for this order is confirming at BTCPay" (the provider's own words for the wait). */
export function inFlightWords(c: CheckoutFacts): string {
  const amount = formatMoney(c.amountCents, c.currency.trim());
  if (c.provider === 'BTCPAY') return `A Bitcoin payment of ${amount} for this order is confirming at BTCPay`;
  if (c.provider === 'PAYPAL')
    return c.state === 'PENDING'
      ? `A PayPal payment of ${amount} for this order is still clearing at PayPal (an eCheck takes a few days)`
      : `A PayPal payment of ${amount} for this order was approved by the customer and is being captured`;
  return `A Cash App Pay payment of ${amount} for this order is still pending at Square`;
}

/** The order's newest checkout with money on its way, or null. */
export async function inFlightCheckout(tx: Tx, orderId: string): Promise<PaymentCheckout | null> {
  return tx.paymentCheckout.findFirst({
    where: { orderId, state: { in: [...IN_FLIGHT_CHECKOUT_STATES] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}
