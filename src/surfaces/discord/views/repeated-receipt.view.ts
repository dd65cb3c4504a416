// /payment-confirm amount: sent again by the same admin for the same amount minutes after the first was recorded
// (payments/repeated-receipt.ts): the question they alone see, instead of the money recorded twice. Its button records
// it as another payment, checked against the amount received the question showed (a press again records nothing).
import { ButtonStyle } from 'discord-api-types/v10';
import { formatMoney } from '../../../platform/money.js';
import type { RepeatedReceiptDetails } from '../../../modules/payments/repeated-receipt.js';
import { customId } from '../custom-id.js';
import { button, COLORS, embed, row, type MessageData } from '../replies.js';

export function repeatedReceiptQuestion(order: { number: number; currency: string }, d: RepeatedReceiptDetails): MessageData {
  const m = (c: number) => formatMoney(c, order.currency);
  const at = Math.floor(Date.parse(d.recordedAt) / 1000);
  return {
    embeds: [
      embed({
        title: `Record another ${m(d.amountCents)} on order #${order.number}?`,
        color: COLORS.warn,
        description: [
          `You recorded ${m(d.amountCents)} received on this order <t:${at}:R>, so this was not recorded again.`,
          `The order has ${m(d.receivedCents)} received${d.owedCents > 0 ? `, ${m(d.owedCents)} still owed` : ', nothing still owed'}.`,
          `If a second payment of ${m(d.amountCents)} arrived, press the button. If it is the same payment, there is nothing to do.`,
        ].join('\n'),
      }),
    ],
    components: [
      row(
        button(
          customId('payment:receipt-again', d.orderId, d.amountCents, `r${d.receivedCents}`),
          `Record another ${m(d.amountCents)}`,
          ButtonStyle.Primary,
        ),
      ),
    ],
  };
}
