// Who returns a refund's money (what each surface's answer after a refund says): the payment processor, for what it
// took; the shop by hand, for a payment made by hand (Venmo, Zelle, cash …: refund.command sets manualReturnMethod,
// and manualReturnCents when only a part of the order was paid by hand); or both. The processor's share is
// processor-refund.task's processorCentsOf, what the refund job sends to the provider.
import type { PaymentMethod, Refund } from '../../generated/prisma/index.js';
import { processorCentsOf } from '../payments-processor/processor-refund.task.js';

export type RefundMoneyBack =
  | { by: 'processor' }
  | { by: 'hand'; byHandCents: number; method: PaymentMethod }
  | { by: 'both'; processorCents: number; byHandCents: number; method: PaymentMethod };

export function refundMoneyBack(refund: Pick<Refund, 'amountCents' | 'manualReturnMethod' | 'manualReturnCents'>): RefundMoneyBack {
  if (!refund.manualReturnMethod) return { by: 'processor' };
  const processorCents = processorCentsOf(refund);
  const byHandCents = refund.amountCents - processorCents;
  return processorCents === 0
    ? { by: 'hand', byHandCents, method: refund.manualReturnMethod }
    : { by: 'both', processorCents, byHandCents, method: refund.manualReturnMethod };
}
