// The admin-channel notice for a refund the shop made at the provider, outside Ledgerline (its PayPal or
// Square dashboard): the money is already back with the customer, so it never says "return it". It says
// whether the refund was recorded on the order (and how the order stands), or why not. Pure builder.
import { formatMoney } from '../../../platform/money.js';
import type { RefundMadeAtProviderPayload } from '../../../modules/shared/events.js';
import { COLORS, embed, type MessageData } from '../replies.js';

const WHERE: Record<RefundMadeAtProviderPayload['provider'], string> = {
  PAYPAL: "PayPal's dashboard",
  SQUARE: "Square's dashboard",
  BTCPAY: 'BTCPay Server',
};

export interface RefundedOrderFacts {
  number: number;
  status: string;
  totalCents: number;
  refundedTotalCents: number;
  customerDiscordUserId: string;
}

export function refundMadeAtProviderAlert(alert: RefundMadeAtProviderPayload, order: RefundedOrderFacts | null): MessageData {
  const money = (c: number) => formatMoney(c, alert.currency);
  const which = order ? `order #${order.number}` : `order ${alert.orderId} (since deleted)`;
  const where = WHERE[alert.provider];
  const customer = order ? ` to <@${order.customerDiscordUserId}>` : '';
  const recorded = alert.refundId !== undefined;
  const lines = [`**${money(alert.amountCents)}** was refunded${customer} in ${where}, outside Ledgerline.`];
  if (recorded && alert.returnsRefused) {
    lines.push(
      `Recorded as the money of refund ${alert.refundId} on ${which}, which the payment processor had refused: that refund is now returned, and no second refund was recorded.`,
    );
    lines.push('Nothing more to send.');
  } else if (recorded) {
    lines.push(
      order
        ? `Recorded on ${which} as a refund: ${money(order.refundedTotalCents)} of ${money(order.totalCents)} refunded, status ${order.status}.`
        : `Recorded on ${which} as a refund.`,
    );
    if (alert.mode === 'FULL')
      lines.push('It covered the rest of the order: its items went back in stock and their roles were removed, as for a full refund.');
    if (alert.excessCents) lines.push(`${money(alert.excessCents)} of it was more than the order still had to refund.`);
    lines.push('The money is already back with the customer: nothing more to send.');
  } else {
    lines.push(`Not recorded as a refund of ${which}: ${(alert.why ?? 'no refund of the order matches it').replace(/\.$/, '')}.`);
    lines.push('The money is already back with the customer: do not return it again.');
  }
  return {
    embeds: [
      embed({
        title: `${order ? `Order #${order.number}` : 'An order'} refunded in ${where}: ${recorded ? 'recorded' : 'not recorded'}`,
        color: recorded ? COLORS.ok : COLORS.warn,
        description: lines.join('\n'),
        fields: [
          { name: 'Refund at the provider', value: `\`${alert.providerRefundId}\``, inline: true },
          ...(alert.refundId ? [{ name: 'Refund', value: `\`${alert.refundId}\``, inline: true }] : []),
        ],
      }),
    ],
  };
}
