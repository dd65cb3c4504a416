// Cancelling a paid order sends money back (cancel-order.command.ts cancelPaidOrder: a full refund), so it is done
// only when the caller confirmed the amount that refund returns: `confirmRefundCents`, the amount they were shown.
// Without it, or with another amount (a refund landed, a receipt was recorded since it was shown), the cancel is
// refused with REFUND_CONFIRMATION_REQUIRED, saying what it would do, and nothing is written; sent again with the
// amount named, it goes ahead. Checked under the order's row lock, against what the refund engine computed for
// this very cancel (docs/decisions/order-lifecycle.md, "Cancelling a paid order is confirmed"). An unpaid order's
// cancel returns no money through anyone and is never asked (spec 000: status CANCELLED and Save).
import type { PaymentMethod } from '../../generated/prisma/index.js';
import { AppError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';

/** What cancelling a paid order does with money and stock: the refund error's details, for each surface's words. */
export interface CancelRefund {
  orderNumber: number;
  currency: string;
  /** The refund the cancel makes: the whole amount received and not yet returned. */
  refundCents: number;
  /** Of it, what the payment processor sends back (0 when none of it went through a processor). */
  processorCents: number;
  /** The method the processor returns it through (PAYPAL, CASHAPP_PAY, ...), when processorCents > 0. */
  processorMethod: PaymentMethod | null;
  /** The rest: money the shop sends back by hand, with byHandMethod. */
  byHandCents: number;
  byHandMethod: PaymentMethod | null;
  /** Units put back in stock (none when the shop does not track the products' stock). */
  restockedUnits: number;
}

/** The details of a REFUND_CONFIRMATION_REQUIRED error. */
export interface RefundConfirmationDetails extends CancelRefund {
  /** The amount the caller confirmed, when they confirmed one (another one than refundCents). */
  confirmedCents: number | null;
}

/** Throws REFUND_CONFIRMATION_REQUIRED unless `confirmedCents` is exactly the refund's amount. */
export function requireRefundConsent(refund: CancelRefund, confirmedCents: number | undefined): void {
  if (confirmedCents === refund.refundCents) return;
  const money = (cents: number) => formatMoney(cents, refund.currency);
  const changed = confirmedCents === undefined ? '' : `The refund is no longer the ${money(confirmedCents)} that was confirmed. `;
  const details: RefundConfirmationDetails = { ...refund, confirmedCents: confirmedCents ?? null };
  throw new AppError(
    'REFUND_CONFIRMATION_REQUIRED',
    `${changed}${cancelRefundConsequence(refund)} Nothing was changed: to go ahead, send the change again with confirmRefundCents ${refund.refundCents}.`,
    details as unknown as Record<string, unknown>,
  );
}

/** "Cancelling order #1042 refunds $64.00 to the customer (...) and puts 2 items back in stock." */
export function cancelRefundConsequence(refund: CancelRefund): string {
  const money = (cents: number) => formatMoney(cents, refund.currency);
  const how =
    refund.byHandCents === 0
      ? 'the payment processor sends it back'
      : refund.processorCents === 0
        ? 'no money is sent: the shop sends it back by hand'
        : `the payment processor sends ${money(refund.processorCents)} back and the shop ${money(refund.byHandCents)} by hand`;
  return `Cancelling order #${refund.orderNumber} refunds ${money(refund.refundCents)} to the customer (${how})${stockWords(refund.restockedUnits)}.`;
}

export function stockWords(units: number): string {
  return units > 0 ? ` and puts ${unitWords(units)} back in stock` : '';
}

/** "1 item", "3 items". */
export function unitWords(units: number): string {
  return `${units} ${units === 1 ? 'item' : 'items'}`;
}
