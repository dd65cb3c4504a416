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
import type { ProcessorRefundOutcome } from '../payments-processor/processor-refund-outcome.query.js';

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

/** What a refund needs for the money-back rules: its id, amount, by-hand part and whether that was ticked as sent. */
export type RefundReturnState = Pick<Refund, 'id' | 'amountCents' | 'manualReturnMethod' | 'manualReturnCents' | 'manualReturnDoneAt'>;

/**
 * Where a refund's processor part stands (processorRefundOutcomes), in the words every surface uses: the order page's
 * "Money back" and the order's admin post in Discord.
 */
export const PROCESSOR_REFUND_WORDS: Record<ProcessorRefundOutcome, string> = {
  BEING_SENT: 'Being sent to the payment processor',
  SENT: 'Sent through the payment processor',
  CLAIM_SENT: 'Claim link sent to the customer: the money leaves once they claim it',
  FAILED: 'NOT returned by the payment processor: return it another way',
  UNRECORDED: 'No record of the payment processor sending it: check the payment at the processor',
};

/** What of an order's refunds has gone back to the customer, and where the rest stands. */
export interface MoneyBackNow {
  /** Back with the customer: processor parts the processor took (SENT), by-hand parts ticked sent. */
  returnedCents: number;
  /** Processor parts not (yet) back, by where each stands (never SENT). */
  processor: Partial<Record<Exclude<ProcessorRefundOutcome, 'SENT'>, number>>;
  /** By-hand parts not ticked sent yet: the order page's "Send $X back". */
  byHandToSendCents: number;
}

/**
 * What of an order's refunds has gone back to the customer: a processor's part once its refund job recorded it sent
 * (`outcomes`: processorRefundOutcomes; a refund it has no entry for was made at the provider itself, so its money
 * is back), and a by-hand part once an admin ticked it sent (manual-return.command.ts). A processor's part being
 * sent, refused or never recorded is not back; a by-hand part not yet ticked is still the shop's to send.
 */
export function moneyBackNow(refunds: readonly RefundReturnState[], outcomes: ReadonlyMap<string, ProcessorRefundOutcome>): MoneyBackNow {
  const now: MoneyBackNow = { returnedCents: 0, processor: {}, byHandToSendCents: 0 };
  for (const r of refunds) {
    const back = refundMoneyBack(r);
    const processorCents = back.by === 'processor' ? r.amountCents : back.by === 'both' ? back.processorCents : 0;
    const outcome = outcomes.get(r.id) ?? 'SENT';
    if (outcome === 'SENT') now.returnedCents += processorCents;
    else if (processorCents > 0) now.processor[outcome] = (now.processor[outcome] ?? 0) + processorCents;
    if (back.by === 'processor') continue;
    if (r.manualReturnDoneAt) now.returnedCents += back.byHandCents;
    else now.byHandToSendCents += back.byHandCents;
  }
  return now;
}

/** What of an order's refunds has gone back to the customer (moneyBackNow). */
export function returnedToCustomerCents(
  refunds: readonly RefundReturnState[],
  outcomes: ReadonlyMap<string, ProcessorRefundOutcome>,
): number {
  return moneyBackNow(refunds, outcomes).returnedCents;
}

/** "$32.50: being sent to the payment processor": a processor part and where it stands, as the order page says it. */
export function processorPartWords(cents: string, outcome: ProcessorRefundOutcome): string {
  const words = PROCESSOR_REFUND_WORDS[outcome];
  // "NOT returned …" keeps its capitals (the order page once read "$32.50: nOT returned").
  const lead = /^[A-Z]{2}/.test(words) ? words : `${words.charAt(0).toLowerCase()}${words.slice(1)}`;
  return `${cents}: ${lead}`;
}
