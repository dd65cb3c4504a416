// The admin-channel embed for a new order (posted by the order.created notification) and how it looks
// once an admin approved or rejected the payment.
import { ButtonStyle, ComponentType, type APIEmbed, type APIMessageTopLevelComponent } from 'discord-api-types/v10';
import type { Customer, Order, OrderItem, PaymentMethod } from '../../../generated/prisma/index.js';
import { isErased } from '../../../modules/customers/erase-customer.js';
import { customId } from '../custom-id.js';
import { button, clip, COLORS, embed, embedChars, MESSAGE_EMBED_CHARS_MAX, row, type MessageData } from '../replies.js';
import { formatMoney } from '../../../platform/money.js';
import { overpaidCents, owedCents } from '../../../modules/orders/index.js';
import { formatAddress, totalsText, type AddressLike } from './order-steps.view.js';
import { FIELD_VALUE_MAX, withItemFields } from './item-fields.view.js';
import { paymentMethodLabel } from './payment-methods.view.js';
import { moneyBackNow, processorPartWords, type RefundReturnState } from '../../../modules/refunds/refund-money-back.js';
import type { ProcessorRefundOutcome } from '../../../modules/payments-processor/processor-refund-outcome.query.js';
import { isProcessorMethod } from '../../../modules/payments-processor/connections/provider-definitions.js';
import type { OrderCheckoutNow } from '../../../modules/payments-processor/checkouts/order-checkout-now.js';
import { inFlightWords } from '../../../modules/payments-processor/checkouts/money-in-flight.query.js';

export interface AdminOrderInput {
  /** With its refunds: a cancelled order's post says what of the money received is still to return. */
  order: Order & { items: OrderItem[]; refunds: readonly RefundReturnState[] };
  customer: Pick<Customer, 'id' | 'discordUserId' | 'username' | 'displayName'>;
  paymentId: string;
  paymentMethod: PaymentMethod;
  /** The order's live processor checkout (orderCheckoutNow): its words, and no Approve or Record while money is on its way. */
  checkout?: OrderCheckoutNow | null;
  /** Where each refund's processor part stands (processorRefundOutcomes): only what the processor sent is back. */
  refundOutcomes: ReadonlyMap<string, ProcessorRefundOutcome>;
}

/** Where a refund's processor part stands, worst first: what the admins must act on leads. */
const PROCESSOR_PART_ORDER = ['FAILED', 'UNRECORDED', 'BEING_SENT', 'CLAIM_SENT'] as const;

/**
 * What of the refunds' money went back to the customer and where the rest stands (moneyBackNow), in the order page's
 * words: "$10.00 returned to the customer · $32.50: being sent to the payment processor". Null without refunds.
 * A processor's part counts as returned only once its refund job recorded it sent; the post is edited when it does
 * (refund.processor_outcome).
 */
export function moneyBackText(
  refunds: readonly RefundReturnState[],
  outcomes: ReadonlyMap<string, ProcessorRefundOutcome>,
  currency: string,
): string | null {
  if (!refunds.length) return null;
  const m = (c: number) => formatMoney(c, currency);
  const now = moneyBackNow(refunds, outcomes);
  const parts = [
    ...PROCESSOR_PART_ORDER.flatMap((o) => {
      const cents = now.processor[o];
      if (!cents) return [];
      const words = processorPartWords(m(cents), o);
      return [o === 'FAILED' ? `**${words}**` : words];
    }),
    ...(now.byHandToSendCents > 0
      ? [`${m(now.byHandToSendCents)} still to send back by hand, then tick it done on the order's page in the admin panel`]
      : []),
    ...(now.returnedCents > 0 ? [`${m(now.returnedCents)} returned to the customer`] : []),
  ];
  return parts.length ? parts.join(' · ') : null;
}

/** "$20.00 of $50.00 received": what came in against the total, or null while nothing was recorded. */
export function receivedAmountText(o: Pick<Order, 'totalCents' | 'amountReceivedCents' | 'currency'>): string | null {
  if (o.amountReceivedCents <= 0) return null;
  const m = (c: number) => formatMoney(c, o.currency);
  return `${m(o.amountReceivedCents)} of ${m(o.totalCents)} received`;
}

/**
 * What came in against the total, in words: "$20.00 of $50.00 received · $30.00 still owed", or the
 * overpayment the shop must return (or, once marked returned in the panel, that it was). Null while nothing was
 * recorded. An order cancelled before it was paid in full (rejected, cancelled, expired) owes nothing: what it
 * received is owed back, by hand with the order's method, as the cancel recorded it (orders/cancel-unpaid.ts: the
 * order page's "Send $X back" to-do until ticked done), less what already went back to the customer
 * (moneyBackNow: a by-hand return ticked done, a processor's part its refund job recorded sent) and what the
 * processor is still sending (`outcomes`); once all of it went back, it says so.
 */
export function receivedText(
  o: Pick<Order, 'totalCents' | 'amountReceivedCents' | 'overpaymentReturnedCents' | 'currency' | 'status' | 'paymentMethod'> & {
    refunds: readonly RefundReturnState[];
  },
  outcomes: ReadonlyMap<string, ProcessorRefundOutcome>,
): string | null {
  const base = receivedAmountText(o);
  if (!base) return null;
  const m = (c: number) => formatMoney(c, o.currency);
  if (o.status === 'CANCELLED' && owedCents(o) > 0) {
    const now = moneyBackNow(o.refunds, outcomes);
    const returned = Math.min(now.returnedCents, o.amountReceivedCents);
    // The processor is still sending it (or a claim link waits on the customer): not the shop's to return by hand.
    const underway = Math.min((now.processor.BEING_SENT ?? 0) + (now.processor.CLAIM_SENT ?? 0), o.amountReceivedCents - returned);
    const toReturn = o.amountReceivedCents - returned - underway;
    const processor = (['BEING_SENT', 'CLAIM_SENT'] as const)
      .flatMap((s) => (now.processor[s] ? [` · ${processorPartWords(m(now.processor[s]), s)}`] : []))
      .join('');
    if (toReturn > 0)
      return `${base} · **cancelled: return ${m(toReturn)}** to the customer by ${paymentMethodLabel(o.paymentMethod)}, then tick it done on the order's page in the admin panel${processor}`;
    return underway > 0 ? `${base} · cancelled${processor}` : `${base} · cancelled: ${m(returned)} returned to the customer`;
  }
  if (overpaidCents(o) > 0) return `${base} · **overpaid by ${m(overpaidCents(o))}**: return the difference`;
  if (owedCents(o) > 0) return `${base} · ${m(owedCents(o))} still owed`;
  if (o.overpaymentReturnedCents > 0) return `${base} · overpayment of ${m(o.overpaymentReturnedCents)} returned`;
  return base;
}

/**
 * Who ordered: a mention (Discord shows the member's name), or, once their personal data is erased, the
 * placeholder the shop's records show (docs/decisions/personal-data.md): no name of theirs in the channel.
 */
function customerText(c: AdminOrderInput['customer']): string {
  return isErased(c) ? (c.displayName ?? '') : `<@${c.discordUserId}>`;
}

/**
 * Room kept free on the admin post for the decision added later, in place (decidedAdminMessage,
 * settledAdminMessage): one field, whose longest text is a rejection with its 500-character reason.
 */
const DECISION_RESERVE = { fields: 1, chars: 600 };
const DECISION_NAME = 'Decision';

/** The reference customers put in their payment note, and what was received so far. */
function paymentFields(
  o: AdminOrderInput['order'],
  outcomes: AdminOrderInput['refundOutcomes'],
): { name: string; value: string; inline?: boolean }[] {
  const received = receivedText(o, outcomes);
  return [
    ...(o.paymentReference ? [{ name: 'Payment reference', value: `\`${o.paymentReference}\``, inline: true }] : []),
    ...(received ? [{ name: 'Received', value: received, inline: true }] : []),
  ];
}

/** What the admins are asked to do while the order waits for a manual payment (the Approve button's order). */
export const MANUAL_PAYMENT_INSTRUCTION = 'Approve once the money has arrived, or record a part of it.';

/**
 * What the admins read while the order waits for an online payment (PayPal, Cash App Pay, a Bitcoin invoice): the
 * provider's confirmation marks it paid, so the post offers no Approve. Money that reached the shop another way is
 * still recorded (Record amount received, /payment-confirm, the panel): an open checkout is then closed at its
 * provider and never charged (checkout.service voidStale), and a manual confirm waits only while a checkout's money
 * is on its way (refuseWhileMoneyInFlight), so an abandoned checkout never blocks the shop.
 */
export function onlinePaymentInstruction(method: PaymentMethod): string {
  const label = paymentMethodLabel(method);
  return `Paid online with ${label}: the order turns paid when ${label} confirms the payment, with nothing to approve here. Record money only if it reached you another way.`;
}

/** A time as Discord shows it to each reader: their own date and time, and how long ago. */
const discordTime = (at: Date): string => {
  const s = Math.floor(at.getTime() / 1000);
  return `<t:${s}:f> (<t:${s}:R>)`;
};

/** The company whose own rule closes a checkout we hold no time for (PayPal; a BTCPay invoice opened before we kept its expiry). */
const PROVIDER_NAMES: Record<OrderCheckoutNow['provider'], string> = { PAYPAL: 'PayPal', SQUARE: 'Square', BTCPAY: 'BTCPay' };

/** When an open checkout nobody pays goes away, as far as we know it (OrderCheckoutNow.closesAt). */
function closesWords(c: OrderCheckoutNow): string {
  if (c.closesAt) return `If nobody pays it, it closes by itself ${discordTime(c.closesAt)} and this line goes.`;
  const who = PROVIDER_NAMES[c.provider];
  // PayPal publishes no lifetime for an order nobody approved; a BTCPay invoice has one, not kept for checkouts opened
  // before payment_checkouts.expiresAt existed (2026-12-06): say only what is true of it.
  if (c.provider === 'BTCPAY') return `If nobody pays it, ${who} closes it by itself when its invoice expires, and this line goes then.`;
  return `If nobody pays it, ${who} closes it by itself after a time ${who} does not tell us in advance, and this line goes then.`;
}

/**
 * What the admins read while a processor checkout of the order is live, whatever method the order was placed with
 * (a customer may pay an order online from its invoice page):
 * - money on its way (a PayPal eCheck clearing, a BTCPay invoice confirming): since when, and that it pays the order
 *   when it settles. Approve and Record are not offered: a manual confirm now is refused (refuseWhileMoneyInFlight),
 *   as it would have the settling money refunded as unapplied. The post is edited again when it settles or fails.
 * - a checkout the customer can still pay: recording money here closes it (checkout.service voidStale), and when it
 *   closes by itself if nobody pays (checkout-expiry.ts: the time the reconciliation acts on), or, where the provider
 *   does not tell us (PayPal), that it closes at a time of the provider's: the admins need not wait on an abandoned one.
 */
export function checkoutInstruction(c: OrderCheckoutNow, approveOffered: boolean): string {
  const label = paymentMethodLabel(c.method);
  // An order placed with an online method offers no Approve (the provider confirms it): the words name only Record.
  const act = approveOffered ? 'Approving or recording money here' : 'Recording money here';
  if (c.state === 'OPEN')
    return `Customer opened a ${label} checkout for ${formatMoney(c.amountCents, c.currency)} ${discordTime(c.since)}: the order turns paid when ${label} confirms the payment. ${act} closes that checkout, so do it only if the money reached you another way. ${closesWords(c)}`;
  return `Customer is paying online with ${label}: money on its way since ${discordTime(c.since)}. ${inFlightWords(c)}; it marks the order paid when it settles, so there is nothing to approve or record until then (this post changes if it fails). Reject only if you will not ship: the money is then refunded when it arrives.`;
}

/** The lines of the post's description that ask the admins to act: gone once the payment is decided. */
function isInstruction(line: string): boolean {
  return (
    line === MANUAL_PAYMENT_INSTRUCTION ||
    line.startsWith('Paid online with ') ||
    line.startsWith('Customer opened a ') ||
    line.startsWith('Customer is paying online with ')
  );
}

/** `decisionChars`: room kept for the Decision field added later (a settled post's own, when longer than the usual). */
export function adminOrderMessage(i: AdminOrderInput, decisionChars = DECISION_RESERVE.chars): MessageData {
  const o = i.order;
  const partly = o.amountReceivedCents > 0 && owedCents(o) > 0;
  const online = isProcessorMethod(i.paymentMethod);
  const moving = i.checkout && i.checkout.state !== 'OPEN';
  const instruction = i.checkout
    ? checkoutInstruction(i.checkout, !online)
    : online
      ? onlinePaymentInstruction(i.paymentMethod)
      : MANUAL_PAYMENT_INSTRUCTION;
  const e: APIEmbed = embed({
    title: `New order #${o.number} · ${moving ? 'payment on its way' : partly ? 'partly paid' : 'awaiting payment'}`,
    color: COLORS.warn,
    description: `Customer: ${customerText(i.customer)}\nPayment method: **${paymentMethodLabel(i.paymentMethod)}**\n${instruction}`,
    fields: [
      { name: 'Totals', value: totalsText(o) },
      ...paymentFields(o, i.refundOutcomes),
      ...(o.shippingAddress ? [{ name: 'Ship to', value: formatAddress(o.shippingAddress as unknown as AddressLike) }] : []),
    ],
    footer: { text: `${o.id} · ${i.paymentId}` },
    timestamp: o.createdAt.toISOString(),
  });
  const message: MessageData = {
    embeds: [e],
    components: [
      row(
        // An online payment is confirmed by its provider, not approved here; money on its way settles by itself.
        ...(online || moving
          ? []
          : [
              button(customId('payment:approve', i.paymentId), partly ? 'Approve (rest received)' : 'Approve payment', ButtonStyle.Success),
            ]),
        // With the amount received this post shows: the modal checks it, so money recorded elsewhere since the post
        // was drawn (it is refreshed by a job, later) is not recorded again from it.
        ...(moving
          ? []
          : [button(customId('payment:receipt', i.paymentId, `r${o.amountReceivedCents}`), 'Record amount received', ButtonStyle.Primary)]),
        button(customId('payment:reject', i.paymentId), 'Reject', ButtonStyle.Danger),
      ),
    ],
  };
  return withItemFields(message, o.items, o.currency, {
    seeAll: `see order #${o.number} in the admin panel`,
    reserve: { ...DECISION_RESERVE, chars: Math.max(DECISION_RESERVE.chars, decisionChars) },
  });
}

/**
 * The title's word for a settled order: a paid order refunded since says so ("refunded", "partly refunded": the
 * Decision line gives the amounts), so the channel never shows a fully refunded order as "paid".
 */
function settledWord(i: { paid: boolean; order: Pick<Order, 'status'> }): string {
  if (i.paid) return i.order.status === 'REFUNDED' ? 'refunded' : i.order.status === 'PARTIALLY_REFUNDED' ? 'partly refunded' : 'paid';
  return i.order.status === 'CANCELLED' ? 'cancelled' : i.order.status.toLowerCase().replace(/_/g, ' ');
}

/**
 * The admin-channel message of an order that is no longer waiting for payment, whoever decided and from
 * wherever (the approve button, /payment-confirm, the panel, the REST API, the processor's webhook): the
 * order's embed with its outcome and no buttons. The notification jobs post or edit it.
 */
export function settledAdminMessage(i: AdminOrderInput & { outcome: string; paid: boolean }): MessageData {
  // Refunds of a paid order: where their money stands (a cancelled unpaid one's Received field says it already).
  const owedBack = i.order.status === 'CANCELLED' && owedCents(i.order) > 0;
  const moneyBack = owedBack ? null : moneyBackText(i.order.refunds, i.refundOutcomes, i.order.currency);
  const decision = moneyBack ? `${i.outcome}\nMoney back: ${moneyBack}` : i.outcome;
  // The items leave room for this Decision as it reads (a shop's cancel note is up to 1,000 characters, more than the
  // usual reserve): a post past Discord's 6,000 was refused and stayed "awaiting payment" with its buttons live.
  const base = adminOrderMessage(i, DECISION_NAME.length + Math.min(decision.length, FIELD_VALUE_MAX)).embeds![0]!;
  return {
    embeds: [
      embed({
        ...base,
        title: `Order #${i.order.number} · ${settledWord(i)}`,
        description: `Customer: ${customerText(i.customer)}\nPayment method: **${paymentMethodLabel(i.paymentMethod)}**`,
        color: !i.paid ? COLORS.error : i.order.status === 'REFUNDED' ? COLORS.muted : COLORS.ok,
        fields: [...(base.fields ?? []), { name: DECISION_NAME, value: decision }],
      }),
    ],
    components: [],
  };
}

/** The post as it is, but for the lines of its description that ask the admins to act (a decision is being made, or was). */
function postWithoutInstructions(base: APIEmbed): APIEmbed {
  const description = base.description
    ?.split('\n')
    .filter((l) => !isInstruction(l))
    .join('\n');
  return { ...base, ...(description !== undefined ? { description } : {}) };
}

/**
 * The admin post while a decision is being made (`doing`: "Approving"), shown at once when the click's answer is
 * deferred: no instruction, a Decision line naming who clicked, every button disabled. The decision replaces it.
 */
export function workingAdminMessage(
  original: { embeds?: APIEmbed[]; components?: APIMessageTopLevelComponent[] } | undefined,
  by: string,
  doing: string,
): MessageData {
  const base = original?.embeds?.[0] ?? {};
  return {
    embeds: [
      embed({
        ...postWithoutInstructions(base),
        fields: [...(base.fields ?? []), { name: DECISION_NAME, value: `${doing}… (<@${by}>)` }],
      }),
    ],
    components: (original?.components ?? []).flatMap((r) =>
      r.type === ComponentType.ActionRow ? [{ ...r, components: r.components.map((c) => ({ ...c, disabled: true })) }] : [],
    ),
  };
}

/**
 * The admin message after a decision: same embed, new title/colour, a line saying who decided, no buttons, and
 * none of the lines that asked the admins to act (the click's own answer shows the decision, not the old ask).
 * `already`: the decision was made before this click (another admin, a double submit), which changed nothing:
 * the line does not name this admin as the one who decided, and a rejection shows the reason that was
 * recorded and sent to the customer (`reason` is the caller's to pass: the recorded one), not the one just typed.
 * `cancelledBefore`: the order was cancelled otherwise (by the customer, expired) before it could be rejected.
 */
export function decidedAdminMessage(
  original: APIEmbed | undefined,
  outcome: {
    approved: boolean;
    by: string;
    number: number;
    reason?: string;
    already?: boolean;
    detail?: string;
    cancelledBefore?: boolean;
    /** Money recorded on an order paid before it (an extra receipt): said as such, not as this admin's approval. */
    paidBefore?: boolean;
    /** The order's "Received" field as it is now (receivedText), replacing the post's: a rejection makes it owed back. */
    received?: string | null;
  },
): MessageData {
  const post = original ?? {};
  const received = outcome.received;
  const base: APIEmbed = received
    ? { ...post, fields: (post.fields ?? []).map((f) => (f.name === 'Received' ? { ...f, value: received } : f)) }
    : post;
  const unchanged = `<@${outcome.by}>'s click changed nothing`;
  const approvedLine = outcome.already
    ? `Already approved; ${unchanged}`
    : outcome.paidBefore
      ? `Already paid; <@${outcome.by}> recorded more`
      : `Approved by <@${outcome.by}>`;
  const line = outcome.approved
    ? `${approvedLine}${outcome.detail ? `: ${outcome.detail}` : ''}`
    : outcome.cancelledBefore
      ? `The order was already cancelled, so the payment was not rejected; ${unchanged} and the customer was sent no reason`
      : `${outcome.already ? `Already rejected; ${unchanged}` : `Rejected by <@${outcome.by}>`}${outcome.reason ? `: ${outcome.reason}` : ''}`;
  // A post decided already (a second admin's modal submitted after the first's, which Discord sends with the post as
  // it is now) keeps its Decision, with this line under it, in one field: a second field on a full post went past
  // Discord's 6,000 characters and this click's answer failed. The line is clipped to the room left.
  const others = (base.fields ?? []).filter((f) => f.name !== DECISION_NAME);
  const earlier = (base.fields ?? []).find((f) => f.name === DECISION_NAME)?.value;
  const decided = embed({
    ...postWithoutInstructions(base),
    title: `Order #${outcome.number} · ${outcome.approved ? 'paid' : outcome.cancelledBefore ? 'already cancelled' : 'payment rejected'}`,
    color: outcome.approved ? COLORS.ok : COLORS.error,
    fields: others,
  });
  const room = Math.max(1, Math.min(FIELD_VALUE_MAX, MESSAGE_EMBED_CHARS_MAX - embedChars([decided]) - DECISION_NAME.length));
  return {
    embeds: [{ ...decided, fields: [...others, { name: DECISION_NAME, value: clip(earlier ? `${earlier}\n${line}` : line, room) }] }],
    components: [],
  };
}
