// The order detail page's data: the order with its lines, payments, refunds and audit trail, with every
// amount already formatted as money and every stored enum as words with its badge colours
// (presentation/labels.ts): the browser never formats cents or names an enum itself.
import { actorName, type ActorNames } from '../../../modules/audit/actor-names.js';
import type { OrderStatus, PaymentMethod, PaymentStatus, RefundMode, ShippingStatus } from '../../../generated/prisma/index.js';
import { centsToDecimalString, formatMoney } from '../../../platform/money.js';
import { formatDateTime } from '../../../platform/time-format.js';
import type { TimelineItem } from '../../../modules/audit/audit-timeline.js';
import { overpaidCents, owedCents, type OrderTotals } from '../../../modules/orders/index.js';
import { PROVIDER_DEFINITIONS } from '../../../modules/payments-processor/connections/provider-definitions.js';
import type { FlaggedPayment } from '../../../modules/payments-processor/checkouts/flagged-payments.query.js';
import type { RefundClaimState } from '../../../modules/payments-processor/checkouts/refund-claims.query.js';
import type { ProcessorRefundOutcome } from '../../../modules/payments-processor/processor-refund-outcome.query.js';
import { moneyReturnFor, processorCentsOf } from '../../../modules/payments-processor/processor-refund.task.js';
import { PROCESSOR_REFUND_WORDS, processorPartWords } from '../../../modules/refunds/refund-money-back.js';
import { carrierName, trackingLink } from '../../../modules/shipping/carriers.js';
import type { DmKind } from '../../../adapters/discord/notifications/order-notifications.js';
import { refusalText } from '../../../modules/notifications/missed-notices.js';
import {
  labelOf,
  ORDER_STATUS_BADGES,
  ORDER_STATUS_LABELS,
  PAYMENT_METHOD_LABELS,
  PAYMENT_STATUS_BADGES,
  PAYMENT_STATUS_LABELS,
  REFUND_MODE_LABELS,
  SHIPPING_STATUS_BADGES,
  SHIPPING_STATUS_LABELS,
  type BadgeColours,
} from '../presentation/labels.js';

interface DetailLike extends OrderTotals {
  id: string;
  number: number;
  status: string;
  shippingStatus: string;
  trackingNumber: string | null;
  shippingCarrier: string | null;
  notes: string | null;
  refundedTotalCents: number;
  amountReceivedCents: number;
  overpaymentReturnedCents: number;
  paymentReference: string | null;
  customerDmFailedAt: Date | null;
  receipts: { id: string; amountCents: number; note: string | null; actorType: string; actorId: string | null; createdAt: Date }[];
  missedNotices: {
    id: string;
    kind: string;
    createdAt: Date;
    shownAt: Date | null;
    refusedStatus: number | null;
    refusedCode: number | null;
  }[];
  paymentMethod: string;
  shippingAddress: unknown;
  createdAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
  paymentDueAt: Date | null;
  items: { productId: string; sku: string; name: string; quantity: number; unitPriceCents: number; refundedQuantity: number }[];
  payments: {
    id: string;
    method: string;
    status: string;
    amountCents: number;
    refundedAmountCents: number;
    providerReference: string | null;
    confirmedAt: Date | null;
    createdAt: Date;
  }[];
  refunds: {
    id: string;
    mode: string;
    amountCents: number;
    reason: string;
    items: unknown;
    createdAt: Date;
    actorType: string;
    actorId: string | null;
    manualReturnMethod: string | null;
    manualReturnCents?: number | null;
    manualReturnDoneAt: Date | null;
    manualReturnDoneByType: string | null;
    manualReturnDoneById: string | null;
    /** The payment it returns: a processor's (a checkout's capture) is sent by the refund job. */
    paymentId?: string | null;
    /** Made at the provider itself (its dashboard): nothing for the refund job to send. */
    externalRefundId?: string | null;
  }[];
  customer: { id: string; discordUserId: string; username: string | null; displayName: string | null };
}

export function customerLabel(c: { displayName: string | null; username: string | null; discordUserId: string }): string {
  return c.displayName ?? c.username ?? c.discordUserId;
}

/** A stored enum value as the page shows it: the word and its badge colours. */
interface Shown {
  value: string;
  label: string;
  badge: BadgeColours | null;
}

function shown(value: string, labels: Record<string, string>, badges?: Record<string, BadgeColours>): Shown {
  return { value, label: labelOf(labels, value), badge: badges?.[value] ?? null };
}

/** What each customer DM is, in the order page's words (every kind: a new one without words fails to compile). */
const DM_LABELS: Record<DmKind, string> = {
  'order-created': 'Payment instructions',
  'order-paid': 'Payment receipt',
  'order-cancelled': 'Cancellation notice',
  'order-refunded': 'Refund notice',
  'invoice-link': 'Invoice link',
  'refund-claim': 'Bitcoin refund claim link',
  'order-shipped': 'Shipping notice',
  'order-delivered': 'Delivery notice',
  'order-updated': 'Order changed notice',
  'payment-received': 'Payment received notice',
  'payment-reminder': 'Payment reminder',
  'pay-window-extended': 'More time to pay notice',
  'digital-delivery': 'Licence keys / download links',
  'access-ending': 'Timed access ending notice',
  'access-ended': 'Timed access ended notice',
  'late-money-returning': 'Payment being returned notice',
  'late-money-flagged': 'Payment to be returned by the shop notice',
};

export const methodWord = (method: string) => labelOf(PAYMENT_METHOD_LABELS satisfies Record<PaymentMethod, string>, method);

/** The to-do a by-hand refund leaves the admin (spec: P2P refunds are returned by the admin). */
export function manualReturnInstruction(amount: string, customer: string, method: string): string {
  return `Send ${amount} back to ${customer} by ${methodWord(method)}.`;
}

/** "Alpha × 2, Bravo × 1 (not restocked)" from a refund row's items JSON. */
function refundItemsText(items: unknown, names: ReadonlyMap<string, string>): string {
  if (!Array.isArray(items)) return '';
  return (items as { productId: string; quantity: number; restockQuantity?: number }[])
    .map((i) => {
      const restocked = i.restockQuantity ?? i.quantity;
      const note = restocked === i.quantity ? '' : restocked === 0 ? ' (not restocked)' : ` (${restocked} restocked)`;
      return `${names.get(i.productId) ?? i.productId} × ${i.quantity}${note}`;
    })
    .join(', ');
}

/**
 * A processor payment the admin must know about, as the banner at the top of the order page says it:
 * 'danger' when the admin must act (return money by hand, a chargeback), 'warning' while an automatic
 * refund is under way, 'info' once it went back.
 */
export function flaggedPaymentBanner(f: FlaggedPayment, timeZone = 'UTC') {
  const provider = PROVIDER_DEFINITIONS[f.provider as keyof typeof PROVIDER_DEFINITIONS]?.label ?? f.provider;
  const amount = formatMoney(f.amountCents, f.currency);
  const arrived = `${amount} arrived through ${provider} but could not pay this order (${f.reason})`;
  const ref = f.paymentReference ? ` ${provider} reference: ${f.paymentReference}.` : '';
  const texts: Record<FlaggedPayment['kind'], { tone: 'danger' | 'warning' | 'info'; title: string; text: string }> = {
    FLAGGED: {
      tone: 'danger',
      title: `Return ${amount} to the customer by hand`,
      text: `${arrived}, and ${provider} refused the automatic refund. Send it back yourself.${ref}`,
    },
    REVERSED: {
      tone: 'danger',
      title: `${provider} took back ${amount}`,
      text: `The payment was reversed (${f.reason}): a chargeback or a reversal by ${provider}. Check it in your ${provider} account.${ref}`,
    },
    REFUND_PENDING: {
      tone: 'warning',
      title: `Refunding ${amount} automatically`,
      text: `${arrived}: it is being refunded through ${provider}.${ref}`,
    },
    REFUND_SENT: {
      tone: 'info',
      title: `${amount} refunded automatically`,
      text: `${arrived}: ${provider} refunded it to the customer.${ref}`,
    },
    CLAIM_SENT: {
      tone: 'info',
      title: `${amount} refund claim sent`,
      text: `${arrived}: the customer was sent a link by DM to claim it back from ${provider}.${ref}`,
    },
    // A refund of this order sent as a BTCPay claim (pull payment): where it stands until the customer has it.
    ...refundClaimBanners(amount, f.reason, f.link ?? null),
  };
  return { kind: f.kind, ...texts[f.kind], at: f.at.toISOString(), atShown: formatDateTime(f.at, timeZone) };
}

/**
 * Where the processor's part of a refund stands (the refund job's outcome, processor-refund-outcome.query.ts), for
 * the refund's "Money back": null when the processor sends none of it (paid by hand, or refunded at the provider).
 */
function processorReturnText(
  o: Pick<DetailLike, 'payments'>,
  r: DetailLike['refunds'][number],
  outcome: ProcessorRefundOutcome | undefined,
  m: (c: number) => string,
): string | null {
  const payment = o.payments.find((p) => p.id === r.paymentId);
  if (!payment || r.externalRefundId) return null;
  if (moneyReturnFor({ method: payment.method as PaymentMethod, providerReference: payment.providerReference }) !== 'processor')
    return null;
  const cents = processorCentsOf({
    amountCents: r.amountCents,
    manualReturnMethod: r.manualReturnMethod as PaymentMethod | null,
    manualReturnCents: r.manualReturnCents ?? null,
  });
  if (cents <= 0) return null;
  return cents === r.amountCents ? PROCESSOR_REFUND_WORDS[outcome ?? 'BEING_SENT'] : processorPartWords(m(cents), outcome ?? 'BEING_SENT');
}

/** The banners of a refund sent as a BTCPay claim, by its state (refund-claims.query.ts). */
function refundClaimBanners(amount: string, approval: string, link: string | null) {
  const at = link ? ` In BTCPay: ${link}` : '';
  type Banner = { tone: 'danger' | 'warning' | 'info'; title: string; text: string };
  const banners: Record<`REFUND_CLAIM_${RefundClaimState}`, Banner> = {
    REFUND_CLAIM_Unclaimed: {
      tone: 'warning',
      title: `Refund of ${amount} not claimed yet`,
      text:
        `The customer was sent a BTCPay link by DM and has not claimed the refund with their address yet: the money has not left. ` +
        `${approval ? 'Once they claim it, approve the payout in BTCPay.' : 'BTCPay pays it once they claim it.'}${at}`,
    },
    REFUND_CLAIM_AwaitingApproval: {
      tone: 'danger',
      title: `Approve the ${amount} refund in BTCPay`,
      text: `The customer claimed the refund; BTCPay waits for your approval of the payout before it sends anything.${at}`,
    },
    REFUND_CLAIM_AwaitingPayment: {
      tone: 'warning',
      title: `Pay the ${amount} refund in BTCPay`,
      text: `The payout is approved and waits to be paid: BTCPay sends it when your payout processor runs, or pay it from the payouts page.${at}`,
    },
    REFUND_CLAIM_InProgress: {
      tone: 'info',
      title: `Refund of ${amount} on its way`,
      text: `BTCPay has sent the payout; it is waiting for confirmations.${at}`,
    },
    REFUND_CLAIM_Completed: {
      tone: 'info',
      title: `Refund of ${amount} paid out`,
      text: `BTCPay paid the customer's claim: the money reached them.${at}`,
    },
    REFUND_CLAIM_Cancelled: {
      tone: 'danger',
      title: `Refund of ${amount} cancelled in BTCPay`,
      text: `The customer's claim was cancelled: they have not received the money. Return it another way, or let them claim again.${at}`,
    },
  };
  return banners;
}

/** "3 h", "25 min", "4 days": the distance between two instants, rounded to the nearest unit shown. */
export function roughDuration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / (24 * 60))} days`;
}

/**
 * The pay deadline next to an unpaid order's status (docs/decisions/pay-windows.md): "Pay by <time> (in 3 h)",
 * or "Pay window ended <time> (2 h ago)" until the expiry job cancels it. Null for any other status and for an
 * unpaid order the scheduler has not given a deadline yet. `now` is the injected clock's.
 */
export function payDeadlineView(o: Pick<DetailLike, 'status' | 'paymentDueAt'>, timeZone: string, now: Date) {
  if (o.status !== 'PENDING_PAYMENT' || !o.paymentDueAt) return null;
  const left = o.paymentDueAt.getTime() - now.getTime();
  const atShown = formatDateTime(o.paymentDueAt, timeZone);
  const ended = left <= 0;
  return {
    at: o.paymentDueAt.toISOString(),
    atShown,
    ended,
    text: ended ? `Pay window ended ${atShown} (${roughDuration(left)} ago)` : `Pay by ${atShown} (in ${roughDuration(left)})`,
  };
}

/**
 * `timeline` is the order's audit trail as read (resources/audit-trail.ts auditTimelineOf); dates are shown in
 * `timeZone` (the shop's) in the panel's one format (platform/time-format.ts), next to their ISO values.
 */
export function orderView(
  o: DetailLike,
  timeline: TimelineItem[],
  actors: ActorNames = new Map(),
  timeZone = 'UTC',
  flagged: FlaggedPayment[] = [],
  now: Date = new Date(),
  processorOutcomes: ReadonlyMap<string, ProcessorRefundOutcome> = new Map(),
) {
  const m = (c: number) => formatMoney(c, o.currency);
  const shownAt = (d: Date | null | undefined) => (d ? formatDateTime(d, timeZone) : null);
  const names = new Map(o.items.map((i) => [i.productId, i.name]));
  const customerName = customerLabel(o.customer);
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    shippingStatus: o.shippingStatus,
    statusShown: shown(o.status, ORDER_STATUS_LABELS satisfies Record<OrderStatus, string>, ORDER_STATUS_BADGES),
    payDeadline: payDeadlineView(o, timeZone, now),
    shippingStatusShown: shown(o.shippingStatus, SHIPPING_STATUS_LABELS satisfies Record<ShippingStatus, string>, SHIPPING_STATUS_BADGES),
    paymentMethodLabel: methodWord(o.paymentMethod),
    trackingNumber: o.trackingNumber,
    carrierLabel: carrierName(o.shippingCarrier),
    trackingUrl: trackingLink(o.trackingNumber, o.shippingCarrier)?.url ?? null,
    notes: o.notes,
    // Manual payments: the reference customers put in their note, and the money recorded against the total.
    received: {
      reference: o.paymentReference,
      amount: m(o.amountReceivedCents),
      // "Record money received" posts it back (its hidden receivedShown): recorded only while it is still so.
      receivedCents: o.amountReceivedCents,
      // Only an unpaid order is owed anything: a cancelled one's money received is the shop's to send back (its
      // refund's to-do), not the customer's to pay, and the rest of its total is owed by nobody.
      remaining: o.status === 'PENDING_PAYMENT' && owedCents(o) > 0 ? m(owedCents(o)) : null,
      overpaid: overpaidCents(o) > 0 ? m(overpaidCents(o)) : null,
      // "Mark overpayment returned" starts with all of it, as typed money ("5.00"); what was marked returned so far.
      overpaidInput: overpaidCents(o) > 0 ? centsToDecimalString(overpaidCents(o), o.currency) : null,
      overpaymentReturned: o.overpaymentReturnedCents > 0 ? m(o.overpaymentReturnedCents) : null,
      receipts: o.receipts.map((r) => ({
        id: r.id,
        amount: m(r.amountCents),
        note: r.note,
        by: actorName(r, actors),
        at: r.createdAt.toISOString(),
        atShown: formatDateTime(r.createdAt, timeZone),
      })),
    },
    // DMs about this order the customer never got (DMs closed, or refused for another reason: each says which): say so,
    // so someone reaches them another way.
    customerNotReached: o.customerDmFailedAt
      ? {
          atShown: formatDateTime(o.customerDmFailedAt, timeZone),
          notices: o.missedNotices.map((n) => ({
            id: n.id,
            what: DM_LABELS[n.kind as DmKind] ?? n.kind,
            atShown: formatDateTime(n.createdAt, timeZone),
            shownInDiscordAtShown: shownAt(n.shownAt),
            why: refusalText(n),
          })),
        }
      : null,
    createdAt: o.createdAt.toISOString(),
    paidAt: o.paidAt?.toISOString() ?? null,
    cancelledAt: o.cancelledAt?.toISOString() ?? null,
    createdAtShown: formatDateTime(o.createdAt, timeZone),
    paidAtShown: shownAt(o.paidAt),
    cancelledAtShown: shownAt(o.cancelledAt),
    customer: { id: o.customer.id, name: customerName, discordUserId: o.customer.discordUserId, username: o.customer.username },
    paymentMethod: o.paymentMethod,
    shippingAddress: o.shippingAddress ?? null,
    lines: o.items.map((i) => ({
      productId: i.productId,
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      refundedQuantity: i.refundedQuantity,
      unitPrice: m(i.unitPriceCents),
      lineTotal: m(i.unitPriceCents * i.quantity),
    })),
    totals: {
      subtotal: m(o.subtotalCents),
      discount: o.discountCents ? `-${m(o.discountCents)}` : m(0),
      discountName: o.discountName,
      shipping: m(o.shippingCents),
      shippingTypeName: o.shippingTypeName,
      tax: m(o.taxAmountCents),
      total: m(o.totalCents),
      refunded: m(o.refundedTotalCents),
      // What the order still holds after its refunds; none for an order cancelled unpaid (its total was never due).
      remaining: o.status === 'CANCELLED' && !o.paidAt ? null : m(o.totalCents - o.refundedTotalCents),
    },
    payments: o.payments.map((p) => ({
      id: p.id,
      method: p.method,
      methodLabel: methodWord(p.method),
      status: p.status,
      statusShown: shown(p.status, PAYMENT_STATUS_LABELS satisfies Record<PaymentStatus, string>, PAYMENT_STATUS_BADGES),
      amount: m(p.amountCents),
      refunded: m(p.refundedAmountCents),
      reference: p.providerReference,
      confirmedAt: p.confirmedAt?.toISOString() ?? null,
      confirmedAtShown: shownAt(p.confirmedAt),
    })),
    refunds: o.refunds.map((r) => ({
      id: r.id,
      mode: r.mode,
      modeLabel: labelOf(REFUND_MODE_LABELS satisfies Record<RefundMode, string>, r.mode),
      amount: m(r.amountCents),
      reason: r.reason,
      items: refundItemsText(r.items, names),
      at: r.createdAt.toISOString(),
      atShown: formatDateTime(r.createdAt, timeZone),
      by: actorName(r, actors),
      processorReturn: processorReturnText(o, r, processorOutcomes.get(r.id), m),
      // Money the processor does not send back: the admin's to-do until ticked done.
      manualReturn: r.manualReturnMethod
        ? {
            method: r.manualReturnMethod,
            methodLabel: methodWord(r.manualReturnMethod),
            instruction: manualReturnInstruction(m(r.manualReturnCents ?? r.amountCents), customerName, r.manualReturnMethod),
            doneAt: r.manualReturnDoneAt?.toISOString() ?? null,
            doneAtShown: shownAt(r.manualReturnDoneAt),
            doneBy: r.manualReturnDoneByType
              ? actorName({ actorType: r.manualReturnDoneByType, actorId: r.manualReturnDoneById }, actors)
              : null,
          }
        : null,
    })),
    timeline,
    flaggedPayments: flagged.map((f) => flaggedPaymentBanner(f, timeZone)),
  };
}

export type OrderView = ReturnType<typeof orderView>;
