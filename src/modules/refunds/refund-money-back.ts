// Who returns a refund's money (what each surface's answer after a refund says): the payment processor, for what it
// took; the shop by hand, for a payment made by hand (Venmo, Zelle, cash …: refund.command sets manualReturnMethod,
// and manualReturnCents when only a part of the order was paid by hand); or both.
import type { PaymentMethod, Refund } from '../../generated/prisma/index.js';

export type RefundMoneyBack =
  | { by: 'processor' }
  | { by: 'hand'; byHandCents: number; method: PaymentMethod }
  | { by: 'both'; processorCents: number; byHandCents: number; method: PaymentMethod };

export function refundMoneyBack(refund: Pick<Refund, 'amountCents' | 'manualReturnMethod' | 'manualReturnCents'>): RefundMoneyBack {
  if (!refund.manualReturnMethod) return { by: 'processor' };
  if (refund.manualReturnCents == null) return { by: 'hand', byHandCents: refund.amountCents, method: refund.manualReturnMethod };
  return {
    by: 'both',
    processorCents: refund.amountCents - refund.manualReturnCents,
    byHandCents: refund.manualReturnCents,
    method: refund.manualReturnMethod,
  };
}
