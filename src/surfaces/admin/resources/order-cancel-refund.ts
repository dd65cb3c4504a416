// The order edit form's words for a Save that cancels a paid order (it refunds the order in full), before and after:
// - the question: the service refused the save with REFUND_CONFIRMATION_REQUIRED and said what the cancel does;
//   this says it in the panel's words (methods by name, money as money) and what to do next, and gives the tick
//   box its label and the amount it confirms (components/cancel-refund-confirm.tsx);
// - the notice after the confirmed Save: what was done, from the same figures (the service's `cancelRefund`).
// Both come from `cancelWords`, so the question and the answer say the same thing. docs/decisions/order-lifecycle.md.
import { formatMoney } from '../../../platform/money.js';
import type { CancelRefund, RefundConfirmationDetails } from '../../../modules/order-admin/cancel-refund-consent.js';
import { stockWords, unitWords } from '../../../modules/order-admin/cancel-refund-consent.js';
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
  const stock = d.restockedUnits > 0 ? `; ${unitWords(d.restockedUnits)} back in stock` : '';
  const what =
    d.byHandCents === 0
      ? `${refund} refunded to the customer through ${processor}${stock}.`
      : d.processorCents === 0
        ? `a refund of ${refund} recorded${stock}. No money was sent: you must send ${refund} back to the customer by ${byHand} yourself.`
        : `${refund} refunded to the customer${stock}. ${processor} returns ${money(d.processorCents)}; ` +
          `you must send ${money(d.byHandCents)} back by ${byHand} yourself.`;
  return `Order #${d.orderNumber} cancelled: ${what}`;
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

/** The notice after a confirmed Save cancelled a paid order: "Order #1001 cancelled: $64.00 refunded to the customer through PayPal; 3 items back in stock." */
export function cancelRefundDone(d: CancelRefund): string {
  return cancelWords(d, 'done');
}
