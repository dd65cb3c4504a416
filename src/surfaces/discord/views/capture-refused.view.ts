// The admin-channel alert for payment.capture_refused: a provider refused to capture a payment the buyer had
// approved (PayPal's DUPLICATE_INVOICE_ID), so nothing was taken and the order is still unpaid. Posted by
// src/adapters/discord/notifications/order-notifications.ts (once per checkout).
import type { OrderDetail } from '../../../modules/orders/index.js';
import { payPalInvoiceId } from '../../../modules/payments-processor/providers/paypal/paypal.adapter.js';
import type { PaymentCaptureRefusedPayload } from '../../../modules/shared/events.js';
import { formatMoney } from '../../../platform/money.js';
import { COLORS, embed, type MessageData } from '../replies.js';

export function captureRefusedAlert(alert: PaymentCaptureRefusedPayload, order: OrderDetail | null): MessageData {
  const amount = formatMoney(alert.amountCents, alert.currency);
  const label = order ? `#${order.number}` : alert.orderId;
  const customer = order ? ` by <@${order.customer.discordUserId}>` : '';
  return {
    embeds: [
      embed({
        title: `Payment NOT taken: order ${label}`,
        color: COLORS.error,
        description: [
          `The ${amount} payment approved${customer} for order ${label} was refused by the payment processor when it was captured: the customer was not charged and the order is still unpaid.`,
          'The customer was told the payment did not go through and can try again.',
        ].join('\n'),
        fields: [
          { name: 'Why', value: alert.reason.slice(0, 1024), inline: false },
          ...(alert.provider === 'PAYPAL'
            ? [{ name: 'PayPal invoice ID', value: `\`${payPalInvoiceId(alert.orderId, alert.checkoutId)}\``, inline: true }]
            : []),
          { name: 'Checkout', value: `\`${alert.checkoutId}\``, inline: true },
        ],
      }),
    ],
  };
}
