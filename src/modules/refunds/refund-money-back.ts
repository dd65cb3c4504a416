// Who returns a refund's money (what each surface's answer after a refund says): the payment processor, for what it
// took; the shop by hand, for a payment made by hand (Venmo, Zelle, cash …: refund.command sets manualReturnMethod,
// and manualReturnCents when only a part of the order was paid by hand); or both. The processor's share is
// processor-refund.task's processorCentsOf, what the refund job sends to the provider.
//
// The processor's part is not sent when the refund is made: the refund job (payment.refund.send) sends it after the
// refund's transaction commits, so the answers say it is being sent, and where its outcome shows
// (PROCESSOR_REFUND_OUTCOME): the order's history (the job's audit entries), and, when it fails, the admin channel
// (refund.processor_failed).
import type { PaymentMethod, Refund } from '../../generated/prisma/index.js';
import { describeAction } from '../audit/audit-timeline.js';
import { PROCESSOR_REFUND_AUDIT, processorCentsOf } from '../payments-processor/processor-refund.task.js';

/** Where an admin learns what became of the processor's part, after the answer that says it is being sent. */
export const PROCESSOR_REFUND_OUTCOME =
  `Once it is, the order's history says "${describeAction(PROCESSOR_REFUND_AUDIT.sent)}". ` +
  `If the processor refuses it or cannot be reached, the history says "${describeAction(PROCESSOR_REFUND_AUDIT.failed)}" ` +
  'and the admin channel is told.';

/**
 * The headline of every answer after a refund (/refund, the panel's notice): recorded, never "Refunded $X", since no
 * money has gone back when it is given: the processor's part is sent by the refund job after it, a by-hand part
 * waits on the shop. `amount`: the refund's amount as the answer shows it (the panel adds its parts).
 */
export function refundRecordedWords(amount: string, orderNumber: number): string {
  return `Refund of ${amount} recorded on order #${orderNumber}`;
}

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

/** What a refund needs for the money-back rules: its amount, its by-hand part and whether that was ticked as sent. */
export type RefundReturnState = Pick<Refund, 'amountCents' | 'manualReturnMethod' | 'manualReturnCents' | 'manualReturnDoneAt'>;

/**
 * What of an order's refunds has gone back to the customer: the processor's part of each (its refund job sends it),
 * and a by-hand part once an admin ticked it sent (manual-return.command.ts). A by-hand part not yet ticked is still
 * the shop's to send (the order page's "Send $X back").
 */
export function returnedToCustomerCents(refunds: readonly RefundReturnState[]): number {
  return refunds.reduce((sum, r) => {
    const back = refundMoneyBack(r);
    if (back.by === 'processor') return sum + r.amountCents;
    const processor = back.by === 'both' ? back.processorCents : 0;
    return sum + processor + (r.manualReturnDoneAt ? back.byHandCents : 0);
  }, 0);
}
