// The admin-channel alert for payment.unknown_at_provider: a checkout whose money was on its way (a PayPal eCheck
// clearing) is unknown to the provider now, its order and its recorded capture alike. The checkout was closed (FAILED)
// so it no longer holds the order: the shop checks the payment in its provider account and records it by hand if the
// money arrived. Posted by src/adapters/discord/notifications/order-notifications.ts (once per checkout).
import type { OrderDetail } from '../../../modules/orders/index.js';
import type { PaymentUnknownAtProviderPayload } from '../../../modules/shared/events.js';
import { PROVIDER_NAME } from '../../../modules/payments-processor/providers/provider-names.js';
import { formatMoney } from '../../../platform/money.js';
import { COLORS, embed, type MessageData } from '../replies.js';

export function paymentUnknownAlert(alert: PaymentUnknownAtProviderPayload, order: OrderDetail | null): MessageData {
  const provider = PROVIDER_NAME[alert.provider];
  const label = order ? `#${order.number}` : alert.orderId;
  const amount = formatMoney(alert.amountCents, alert.currency);
  return {
    embeds: [
      embed({
        title: `Check a payment at ${provider}: order ${label}`,
        color: COLORS.error,
        description: [
          `A ${amount} payment on its way for order ${label} is no longer known to ${provider} (it answers "not found" for it).`,
          'The checkout was closed, so the order can be paid again, confirmed by hand or deleted. Check this payment in your account at the provider; if the money arrived, record it by hand.',
        ].join('\n'),
        fields: [
          { name: `${provider} order`, value: `\`${alert.providerCheckoutId.slice(0, 200)}\``, inline: true },
          ...(alert.paymentReference ? [{ name: 'Capture', value: `\`${alert.paymentReference.slice(0, 200)}\``, inline: true }] : []),
          { name: 'Checkout', value: `\`${alert.checkoutId}\``, inline: true },
        ],
      }),
    ],
  };
}
