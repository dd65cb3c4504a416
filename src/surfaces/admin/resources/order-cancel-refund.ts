// The order edit form's words for a Save that cancels a paid order (it refunds the order in full), before and after:
// - the question: the service refused the save with REFUND_CONFIRMATION_REQUIRED and said what the cancel does;
//   this says it in the panel's words (methods by name, money as money) and what to do next, and gives the tick
//   box its label and the amount it confirms (components/cancel-refund-confirm.tsx);
// - the notice after the confirmed Save: what was done, from the same figures (the service's `cancelRefund`), headed as
//   every answer after a refund is (refundRecordedWords): recorded, the processor's part being sent.
// Both come from `cancelWords`, so the question and the answer say the same thing. docs/decisions/order-lifecycle.md.
import { formatMoney } from '../../../platform/money.js';
import type { CancelRefund, RefundConfirmationDetails } from '../../../modules/order-admin/cancel-refund-consent.js';
import { stockWords, unitWords } from '../../../modules/order-admin/cancel-refund-consent.js';
import { PROCESSOR_REFUND_OUTCOME, refundRecordedWords } from '../../../modules/refunds/refund-money-back.js';
import { methodWord } from './order-view.js';

/** What the edit form shows above the tick box: `text` (also the notice), the box's `label`, and the cents it confirms. */
export interface CancelRefundAsk {
  cents: number;
  text: string;
  label: string;
}

/**
 * What cancelling the paid order does ('ask', before the confirmed Save) or did ('done', the Save's notice): the
 * refund, who sends it back (the processor by name; a part by hand the shop must send), and the units back in stock.
 */
function cancelWords(d: CancelRefund, tense: 'ask' | 'done'): string {
  const money = (cents: number) => formatMoney(cents, d.currency);
  const refund = money(d.refundCents);
  const processor = methodWord(d.processorMethod ?? '');
  const byHand = methodWord(d.byHandMethod ?? '');
  if (tense === 'ask') {
    const stock = stockWords(d.restockedUnits);
    const what =
      d.byHandCents === 0
        ? `refunds ${refund} to the customer through ${processor}${stock}.`
        : d.processorCents === 0
          ? `records a refund of ${refund}${stock}. No money is sent: you send ${refund} back to the customer by ${byHand} yourself.`
          : `refunds ${refund} to the customer${stock}: ${processor} returns ${money(d.processorCents)}, ` +
            `and you send ${money(d.byHandCents)} back by ${byHand} yourself.`;
    return `Cancelling order #${d.orderNumber} ${what}`;
  }
  // Recorded, not "refunded": the processor's part is sent by the refund job after the Save (refundRecordedWords).
  const stock = d.restockedUnits > 0 ? `; ${unitWords(d.restockedUnits)} back in stock` : '';
  const done = `${refundRecordedWords(refund, d.orderNumber)}, now cancelled${stock}.`;
  if (d.processorCents === 0) return `${done} No money was sent: you must send ${refund} back to the customer by ${byHand} yourself.`;
  const sending = `${d.byHandCents === 0 ? 'The money' : money(d.processorCents)} is being sent to ${processor}, which returns it to the customer. ${PROCESSOR_REFUND_OUTCOME}`;
  return d.byHandCents === 0
    ? `${done} ${sending}`
    : `${done} ${sending} You must send ${money(d.byHandCents)} back by ${byHand} yourself.`;
}

export function cancelRefundAsk(d: RefundConfirmationDetails): CancelRefundAsk {
  const money = (cents: number) => formatMoney(cents, d.currency);
  const label = `Confirm the refund of ${money(d.refundCents)}`;
  const changed = d.confirmedCents === null ? '' : `The refund is no longer the ${money(d.confirmedCents)} you confirmed. `;
  return {
    cents: d.refundCents,
    label,
    text: `${changed}${cancelWords(d, 'ask')} Nothing was changed. To go ahead, tick "${label}" and save again.`,
  };
}

/**
 * The notice after a confirmed Save cancelled a paid order: "Refund of $64.00 recorded on order #1001, now cancelled;
 * 3 items back in stock. The money is being sent to PayPal, which returns it to the customer. …" (where its outcome shows).
 */
export function cancelRefundDone(d: CancelRefund): string {
  return cancelWords(d, 'done');
}
