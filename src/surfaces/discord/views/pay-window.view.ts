// What the customer sees of an unpaid order's pay window and its self-service: the deadline (Discord's
// timestamp markup, shown in each reader's own time zone), "Cancel order" (which asks first) and, for
// processor-backed methods, "Pay now" (pay-link.view.ts). Pure builders.
import { ButtonStyle } from 'discord-api-types/v10';
import type { PaymentMethod, Tenant } from '../../../generated/prisma/index.js';
import { formatMoney } from '../../../platform/money.js';
import { isProcessorMethod } from '../../../modules/payments-processor/connections/provider-definitions.js';
import { customId } from '../custom-id.js';
import { button, COLORS, embed, row, type MessageData, type Row } from '../replies.js';
import { payNowButton } from './pay-link.view.js';
import { orderAgainSentence, owedCents } from '../../../modules/orders/index.js';
import { dmHowToPayText } from './order-steps.view.js';
import { paymentMethodLabel } from './payment-methods.view.js';

/** "<t:…:f> (<t:…:R>)": the moment in the reader's time zone, and how far away it is. */
export function discordTime(at: Date): string {
  const unix = Math.floor(at.getTime() / 1000);
  return `<t:${unix}:f> (<t:${unix}:R>)`;
}

/** The deadline and what it means, for a place already titled "Pay by" (the /orders detail's field). */
export function payByValue(dueAt: Date): string {
  return `${discordTime(dueAt)}: an order still unpaid then is cancelled and its items released.`;
}

/** The deadline as a sentence of its own ("Order submitted"). */
export function payByLine(dueAt: Date): string {
  return `Pay by ${payByValue(dueAt)}`;
}

/**
 * The unpaid order's buttons: Pay now (when there is a link), then Cancel order (asks first). The primary action
 * comes first: on a phone the first button is the one under the thumb. `page` is the /orders page to come back to.
 */
export function unpaidOrderRow(order: { id: string }, page: number, payUrl: string | null): Row {
  return row(
    ...(payUrl ? [payNowButton(payUrl)] : []),
    button(customId('orders:cancel', order.id, page), 'Cancel order', ButtonStyle.Danger),
  );
}

/** The confirmation step of "Cancel order": the customer says yes, or keeps the order (back to its detail). */
export function confirmCancelStep(order: { id: string; number: number; totalCents: number; currency: string }, page: number): MessageData {
  return {
    embeds: [
      embed({
        title: `Cancel order #${order.number}?`,
        color: COLORS.warn,
        description: `Order **#${order.number}** (${formatMoney(order.totalCents, order.currency)}) will be cancelled and its items released. If you already sent the money, keep the order and tell the shop instead.`,
      }),
    ],
    components: [
      row(
        button(customId('orders:cancel-confirm', order.id, page), 'Yes, cancel the order', ButtonStyle.Danger),
        button(customId('orders:detail', order.id, page), 'Keep the order'),
      ),
    ],
  };
}

export function customerCancelledStep(order: { id: string; number: number }, page: number, changed: boolean): MessageData {
  return {
    embeds: [
      embed({
        title: `Order #${order.number} cancelled`,
        color: COLORS.muted,
        description: changed
          ? `Your order is cancelled and its items were released. ${orderAgainSentence('`/order`')}`
          : 'This order was already cancelled.',
      }),
    ],
    components: [
      row(
        button(customId('orders:detail', order.id, page), `View #${order.number}`),
        button(customId('orders:page', page), 'Back to orders'),
      ),
    ],
  };
}

export interface ReminderOrder {
  number: number;
  totalCents: number;
  amountReceivedCents: number;
  currency: string;
  paymentMethod: PaymentMethod;
  paymentReference: string | null;
}

/**
 * The reminder DM at half the window: what is still owed (a part may have come in), how, and by when. `payNow`: the
 * DM carries the Pay now button; a processor-backed method without it (no link could be made) gets the shop's
 * instructions in dmHowToPayText's words instead of a button it does not carry.
 */
export function paymentReminderDm(tenant: Tenant, order: ReminderOrder, dueAt: Date, payNow: boolean): MessageData {
  const m = (cents: number) => formatMoney(cents, order.currency);
  // The order's DM's words (dmHowToPayText: "Pay with Venmo: …", the payment note), so a shop's instructions that
  // are a bare handle ("send the total to @x.") read as a sentence here too.
  const how =
    isProcessorMethod(order.paymentMethod) && payNow
      ? 'Press **Pay now** to pay it online.'
      : dmHowToPayText(tenant, order, payNow).join('\n\n');
  const already = order.amountReceivedCents > 0 ? ` (${m(order.amountReceivedCents)} of ${m(order.totalCents)} already received)` : '';
  return {
    embeds: [
      embed({
        title: `${tenant.name}: order #${order.number} is waiting for payment`,
        color: COLORS.warn,
        description: [
          `Please pay **${m(owedCents(order))}**${already} with ${paymentMethodLabel(order.paymentMethod)} by ${discordTime(dueAt)}.`,
          how,
          'If it is still unpaid then, the order is cancelled and its items are released. Changed your mind? `/orders` lets you cancel it.',
        ].join('\n\n'),
      }),
    ],
  };
}

/**
 * An admin gave the customer more time (the order's DM still says the old deadline): the new one, in the words of
 * the order's DM (payByLine), what is still owed and how to pay (`payNow`: the DM carries the Pay now button).
 */
export function payWindowExtendedDm(tenant: Tenant, order: ReminderOrder, dueAt: Date, payNow: boolean): MessageData {
  const m = (cents: number) => formatMoney(cents, order.currency);
  const already = order.amountReceivedCents > 0 ? ` (${m(order.amountReceivedCents)} of ${m(order.totalCents)} already received)` : '';
  return {
    embeds: [
      embed({
        title: `${tenant.name}: more time to pay order #${order.number}`,
        color: COLORS.brand,
        description: [
          `The shop gave you more time to pay **${m(owedCents(order))}**${already} for order **#${order.number}**. ${payByLine(dueAt)}`,
          ...dmHowToPayText(tenant, order, payNow),
        ].join('\n\n'),
      }),
    ],
  };
}
