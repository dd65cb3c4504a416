// The admin-channel alert for payment.event_names_other_order: a provider's signed webhook reported money on a checkout
// of ours but named another order than the checkout's. Nothing was applied to either order (the event was acknowledged
// as unusable, so the provider stops resending it): the shop checks the payment in its provider account. Posted by
// src/adapters/discord/notifications/order-notifications.ts (once per event).
import type { OrderDetail } from '../../../modules/orders/index.js';
import type { PaymentEventOtherOrderPayload } from '../../../modules/shared/events.js';
import { PROVIDER_NAME } from '../../../modules/payments-processor/providers/provider-names.js';
import { formatMoney } from '../../../platform/money.js';
import { COLORS, embed, type MessageData } from '../replies.js';

export function eventOtherOrderAlert(alert: PaymentEventOtherOrderPayload, order: OrderDetail | null): MessageData {
  const provider = PROVIDER_NAME[alert.provider];
  const label = order ? `#${order.number}` : `${alert.orderId} (since deleted)`;
  const amount = alert.amountCents !== undefined ? `${formatMoney(alert.amountCents, alert.currency)} ` : '';
  // OPEN: part of it arrived on an invoice still open (a Bitcoin invoice paid in part: other-order.ts tookMoney).
  const what =
    alert.state === 'PAID'
      ? 'paid'
      : alert.state === 'OPEN'
        ? 'part paid, its invoice still open'
        : alert.state === 'APPROVED'
          ? 'approved, not captured'
          : 'on its way';
  return {
    embeds: [
      embed({
        title: `Check a payment at ${provider}: order ${label}`,
        color: COLORS.error,
        description: [
          `${provider} reported a ${amount}payment (${what}) on the checkout of order ${label}, but its event names another order.`,
          'Nothing was applied to either order. Check this payment in your account at the provider; if it is real, record or return it by hand.',
        ].join('\n'),
        fields: [
          { name: 'Event', value: alert.eventType.slice(0, 1024), inline: true },
          { name: 'Named order', value: `\`${alert.namedOrderId.slice(0, 200)}\``, inline: true },
          { name: `${provider} payment`, value: `\`${alert.providerCheckoutId.slice(0, 200)}\``, inline: true },
          { name: 'Checkout', value: `\`${alert.checkoutId}\``, inline: true },
        ],
      }),
    ],
  };
}
