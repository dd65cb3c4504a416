// The order edit form's question before a Save that cancels a paid order (it refunds the order in full): the
// service refused the save with REFUND_CONFIRMATION_REQUIRED and said what the cancel does; this says it in the
// panel's words (methods by name, money as money) and what to do next, and gives the tick box its label and the
// amount it confirms (components/cancel-refund-confirm.tsx). docs/decisions/order-lifecycle.md.
import { formatMoney } from '../../../platform/money.js';
import type { RefundConfirmationDetails } from '../../../modules/order-admin/cancel-refund-consent.js';
import { stockWords } from '../../../modules/order-admin/cancel-refund-consent.js';
import { methodWord } from './order-view.js';

/** What the edit form shows above the tick box: `text` (also the notice), the box's `label`, and the cents it confirms. */
export interface CancelRefundAsk {
  cents: number;
  text: string;
  label: string;
}

export function cancelRefundAsk(d: RefundConfirmationDetails): CancelRefundAsk {
  const money = (cents: number) => formatMoney(cents, d.currency);
  const refund = money(d.refundCents);
  const stock = stockWords(d.restockedUnits);
  let what: string;
  if (d.byHandCents === 0) {
    what = `refunds ${refund} to the customer through ${methodWord(d.processorMethod ?? '')}${stock}.`;
  } else if (d.processorCents === 0) {
    const by = methodWord(d.byHandMethod ?? '');
    what = `records a refund of ${refund}${stock}. No money is sent: you send ${refund} back to the customer by ${by} yourself.`;
  } else {
    what =
      `refunds ${refund} to the customer${stock}: ${methodWord(d.processorMethod ?? '')} returns ${money(d.processorCents)}, ` +
      `and you send ${money(d.byHandCents)} back by ${methodWord(d.byHandMethod ?? '')} yourself.`;
  }
  const label = `Confirm the refund of ${refund}`;
  const changed = d.confirmedCents === null ? '' : `The refund is no longer the ${money(d.confirmedCents)} you confirmed. `;
  return {
    cents: d.refundCents,
    label,
    text: `${changed}Cancelling order #${d.orderNumber} ${what} Nothing was changed. To go ahead, tick "${label}" and save again.`,
  };
}
