// The admin-channel notice of where a refund sent as a BTCPay claim (pull payment) stands: not claimed yet
// (and whether the claim will wait for the shop's approval), claimed and waiting for approval or payment in
// BTCPay, paid out, or cancelled. Says what to do and where (BTCPay's payouts page). Pure builder.
import { formatMoney } from '../../../platform/money.js';
import type { RefundClaimStatePayload } from '../../../modules/shared/events.js';
import { COLORS, embed, type MessageData } from '../replies.js';

export function refundClaimStateAlert(alert: RefundClaimStatePayload, orderNumber: number | null): MessageData {
  const amount = formatMoney(alert.amountCents, alert.currency);
  const which = orderNumber !== null ? `order #${orderNumber}` : `order ${alert.orderId}`;
  const where = alert.adminUrl ? `\nIn BTCPay: ${alert.adminUrl}` : '';
  const texts: Record<RefundClaimStatePayload['state'], { title: string; color: number; text: string }> = {
    Unclaimed: {
      title: `BTCPay refund for ${which} waits for the customer`,
      color: COLORS.warn,
      text:
        `The ${amount} refund of ${which} went out as a BTCPay claim: the customer got the link by DM and must claim it with ` +
        `their address; nothing has left yet.` +
        (alert.awaitsApproval
          ? ' BTCPay will then wait for **your approval** of the payout (Payouts, "Awaiting approval") before it sends anything.'
          : ''),
    },
    AwaitingApproval: {
      title: `Approve the BTCPay refund for ${which}`,
      color: COLORS.error,
      text: `The customer claimed the ${amount} refund of ${which}. **BTCPay waits for your approval** of the payout before it sends anything: approve it in BTCPay.`,
    },
    AwaitingPayment: {
      title: `Pay the BTCPay refund for ${which}`,
      color: COLORS.warn,
      text: `The ${amount} refund payout of ${which} is approved and waits to be paid: BTCPay sends it when your payout processor runs, or pay it from the payouts page.`,
    },
    InProgress: {
      title: `BTCPay refund for ${which} on its way`,
      color: COLORS.ok,
      text: `BTCPay sent the ${amount} refund of ${which}; it waits for confirmations.`,
    },
    Completed: {
      title: `BTCPay refund for ${which} paid out`,
      color: COLORS.ok,
      text: `BTCPay paid the customer's ${amount} refund claim of ${which}: the money reached them. Nothing more to do.`,
    },
    Cancelled: {
      title: `BTCPay refund for ${which} cancelled`,
      color: COLORS.error,
      text: `The customer's claim on the ${amount} refund of ${which} was cancelled in BTCPay: **they have not received the money**. Let them claim again, or return it another way.`,
    },
  };
  const t = texts[alert.state];
  return { embeds: [embed({ title: t.title, color: t.color, description: `${t.text}${where}` })] };
}
