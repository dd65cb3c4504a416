// The customer's DM for payment.late_money_flagged: money that reached a processor checkout after its order could no
// longer take it, and that the provider did not send back (it refused or failed the refund, or Bitcoin, which cannot
// be sent back without an address), so the shop will return it by hand. It says what arrived, for which order, why it
// was not used (the same words as late-money.view.ts) and that the shop has been told; nothing for the customer to do
// but contact the shop if they hear nothing. Never "is being returned" or "was returned": neither is true yet.
// Sent by src/adapters/discord/notifications/late-money-notifications.ts.
import type { PaymentMethod } from '../../../generated/prisma/index.js';
import type { LateMoneyFlaggedPayload } from '../../../modules/shared/events.js';
import { formatMoney } from '../../../platform/money.js';
import { COLORS, embed, type MessageData } from '../replies.js';
import { lateMoneyWhy } from './late-money.view.js';
import { paymentMethodLabel } from './payment-methods.view.js';

export function lateMoneyFlaggedDm(shopName: string, n: LateMoneyFlaggedPayload): MessageData {
  const amount = formatMoney(n.amountCents, n.currency);
  return {
    embeds: [
      embed({
        title: `${shopName}: the shop will return your payment for order #${n.orderNumber}`,
        color: COLORS.warn,
        description: [
          `The shop received **${amount}** from you with ${paymentMethodLabel(n.method as PaymentMethod)} for order **#${n.orderNumber}**, but ${lateMoneyWhy(n.cause)}, so the payment was not applied to the order.`,
          'It could not be sent back to you automatically. The shop has been told and will return it to you by hand: nothing to do on your side.',
          'If you have not heard from the shop in a few days, contact them.',
        ].join('\n\n'),
      }),
    ],
  };
}
