// The customer's DM for payment.late_money_returning: money that reached a PayPal or Cash App Pay checkout after its
// order could no longer take it is going back through the same payment. "Is being returned", never "was": the refund
// job may not have run when it goes, and a refund the provider refuses is returned by the shop another way. Sent by
// src/adapters/discord/notifications/late-money-notifications.ts.
import type { PaymentMethod } from '../../../generated/prisma/index.js';
import type { LateMoneyReturningPayload } from '../../../modules/shared/events.js';
import { formatMoney } from '../../../platform/money.js';
import { COLORS, embed, type MessageData } from '../replies.js';
import { paymentMethodLabel, sentByLabel } from './payment-methods.view.js';

/** Why the payment could not be used, in the customer's words (the order's state when the money arrived). */
const WHY: Record<LateMoneyReturningPayload['cause'], string> = {
  cancelled: 'the order had been cancelled',
  expired: 'the order had expired (it was not paid in time)',
  paid: 'the order had already been paid',
  changed: 'the shop changed the order after you started paying, so this payment no longer matched it',
  amount: 'the amount did not match what the order asks for',
  deleted: 'the shop had removed the order',
};

/** Why money could not pay its order, in the customer's words (also the BTCPay claim link DM's, which returns it). */
export const lateMoneyWhy = (cause: LateMoneyReturningPayload['cause']): string => WHY[cause];

/** The order is still waiting for its money: the customer may want to pay it again. */
const STILL_UNPAID: ReadonlySet<LateMoneyReturningPayload['cause']> = new Set(['changed', 'amount']);

export function lateMoneyReturningDm(shopName: string, n: LateMoneyReturningPayload): MessageData {
  const amount = formatMoney(n.amountCents, n.currency);
  const method = n.method as PaymentMethod;
  return {
    embeds: [
      embed({
        title: `${shopName}: your payment for order #${n.orderNumber} is being returned`,
        color: COLORS.warn,
        description: [
          `The shop received **${amount}** from you with ${paymentMethodLabel(method)} for order **#${n.orderNumber}**, but ${WHY[n.cause]}, so the payment could not be used.`,
          `It is being returned to you through the same ${sentByLabel(method)} payment: nothing to do on your side. How long it takes to show depends on how you paid; if it has not arrived in a few days, contact the shop.`,
          STILL_UNPAID.has(n.cause) ? `Order #${n.orderNumber} is still unpaid: if you still want it, pay it again.` : undefined,
        ]
          .filter(Boolean)
          .join('\n\n'),
      }),
    ],
  };
}
