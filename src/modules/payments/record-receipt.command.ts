// payments.recordReceipt: an admin records money that arrived for an order (a Venmo or Zelle payment
// matched by its payment reference). Receipts accumulate on the order (payment_receipts, and their sum in
// orders.amountReceivedCents); the order becomes PAID through payments.confirm only once they cover the
// total. More than the total is kept and flagged (overpaidCents: the shop returns the difference).
// Without an amount it is payments.confirm: what is still owed is recorded and the order is paid (the
// behaviour of /payment-confirm and the approve button before amounts existed).
// One transaction under the order's row lock: two admins recording at the same time are serialized, and
// each receipt is added to the sum the other one left.
import { z } from 'zod';
import { idempotencyKeySchema } from '../shared/idempotency-key.js';
import type { Order, Payment, PaymentReceipt } from '../../generated/prisma/index.js';
import { databaseClockNow } from '../../platform/db/database-now.js';
import { withTransaction } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';
import { parseInput } from '../../platform/validate.js';
import {
  lockOrder,
  OPEN_PAYMENT_STATUSES,
  orderLabel,
  overpaidCents,
  owedCents,
  PAID_STATUSES,
  type AfterSaleDeps,
} from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type PaymentReceiptRecordedPayload } from '../shared/events.js';
import { recordedMeanwhile, refuseIfRecordedMeanwhile } from './recorded-meanwhile.js';
import { askIfRepeated } from './repeated-receipt.js';
import { confirmLockedOrder, orderIdOfPayment, paymentRef, refuseWhileMoneyInFlight } from './confirm-payment.command.js';

/** The most an order can have received, as a multiple of its total: paid twice over. */
export const MAX_RECEIVED_TIMES_TOTAL = 2;

export const receiptInput = z
  .object({
    /** Whole cents received; omitted: everything still owed (a plain confirm). */
    amountCents: z.number().int('a whole number of cents, e.g. 1250 for $12.50').positive('more than 0').max(1_000_000_000).optional(),
    note: z.string().trim().max(500).optional(),
    /**
     * What the admin's form showed as received when it was opened: the receipt is refused (nothing recorded) when
     * the order has received another amount now, as someone recorded money meanwhile (two admins recording the same
     * transfer, or an extra payment on an order already paid). recorded-meanwhile.ts. Omitted: not checked.
     */
    receivedCentsShown: z.number().int().min(0).optional(),
    /**
     * For a command with no screen before it (/payment-confirm): when the admin sent it. A receipt recorded after
     * that is one they could not have known of: refused as receivedCentsShown is.
     */
    sentAt: z.date().optional(),
    /**
     * Discord modals opened before they carried the amount received showed what was still owed: refused when the
     * order owes another amount now. Omitted: not checked.
     */
    owedCentsShown: z.number().int().min(0).optional(),
    /**
     * For a command with no screen before it (/payment-confirm amount:): refused with RECEIPT_CONFIRMATION_REQUIRED,
     * nothing recorded, when the same actor recorded the same amount on the order within minutes
     * (repeated-receipt.ts). Its confirmation is sent with receivedCentsShown instead.
     */
    askIfRepeated: z.boolean().optional(),
    /** Same key, same shop: the first receipt is returned and nothing is recorded again. */
    idempotencyKey: idempotencyKeySchema.optional(),
  })
  .strict();
export type ReceiptInput = z.input<typeof receiptInput>;

export interface ReceiptSummary {
  totalCents: number;
  receivedCents: number;
  /** Still to pay (0 once covered). */
  remainingCents: number;
  /** Received beyond the total: the shop owes it back (0 when not overpaid). */
  overpaidCents: number;
}

export interface ReceiptResult extends ReceiptSummary {
  order: Order;
  /** The payment record it counted towards (null for an order without one that is not paid yet). */
  payment: Payment | null;
  /** The receipt recorded (or found by its idempotency key); null when nothing was owed or recorded. */
  receipt: PaymentReceipt | null;
  /** True when this call made the order PAID. */
  paid: boolean;
  /** False when nothing changed (already paid without an amount, or a repeated idempotency key). */
  changed: boolean;
}

/** The money position of an order: what came in against its total. */
export function receiptSummary(order: Pick<Order, 'totalCents' | 'amountReceivedCents' | 'overpaymentReturnedCents'>): ReceiptSummary {
  const receivedCents = order.amountReceivedCents;
  return {
    totalCents: order.totalCents,
    receivedCents,
    remainingCents: owedCents(order),
    overpaidCents: overpaidCents(order),
  };
}

export async function recordReceipt(deps: AfterSaleDeps, ctx: TenantContext, ref: unknown, raw: unknown = {}): Promise<ReceiptResult> {
  const target = parseInput(paymentRef, ref, 'payment reference');
  const input = parseInput(receiptInput, raw ?? {}, 'payment receipt');
  return withTransaction(deps.db, async (tx) => {
    const paymentId = 'paymentId' in target ? target.paymentId : undefined;
    const orderId = paymentId ? await orderIdOfPayment(tx, ctx.tenantId, paymentId) : (target as { orderId: string }).orderId;
    const order = await lockOrder(tx, ctx.tenantId, orderId);

    if (input.idempotencyKey) {
      const seen = await tx.paymentReceipt.findUnique({
        where: { tenantId_idempotencyKey: { tenantId: ctx.tenantId, idempotencyKey: input.idempotencyKey } },
      });
      if (seen) {
        if (seen.orderId !== order.id)
          throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for a receipt on another order.', {
            orderId: seen.orderId,
          });
        const payment = seen.paymentId ? await tx.payment.findUnique({ where: { id: seen.paymentId } }) : null;
        return { order, payment, receipt: seen, paid: false, changed: false, ...receiptSummary(order) };
      }
    }

    // No amount: everything still owed, exactly as payments.confirm.
    if (input.amountCents === undefined) {
      const r = await confirmLockedOrder(tx, deps, ctx, order, paymentId, { note: input.note });
      return {
        order: r.order,
        payment: r.payment,
        receipt: r.receipt ?? null,
        paid: r.changed,
        changed: r.changed,
        ...receiptSummary(r.order),
      };
    }

    const pending = order.status === 'PENDING_PAYMENT';
    if (!pending && !PAID_STATUSES.includes(order.status)) {
      throw new AppError(
        'ILLEGAL_STATE',
        `Order ${orderLabel(order)} is ${order.status}: money that arrives for it is not recorded on it. Return it to the customer.`,
        { status: order.status },
      );
    }
    // What the admin saw (the amount received the form showed, or the order when they sent the command) is checked
    // under the row lock: of two admins recording the same transfer, or an extra payment on a paid order, at once,
    // the second is told what was recorded meanwhile, not recorded twice; another payment is recorded again from
    // the refreshed post.
    // The refusal is read by whoever sent this, on their surface (ctx.actor.type: a Discord admin sees mentions).
    if (input.receivedCentsShown !== undefined)
      await refuseIfRecordedMeanwhile(tx, order, { receivedCents: input.receivedCentsShown }, ctx.actor.type, deps.clock);
    else if (input.sentAt) await refuseIfRecordedMeanwhile(tx, order, { sentAt: input.sentAt }, ctx.actor.type, deps.clock);
    else if (input.owedCentsShown !== undefined && owedCents(order) !== input.owedCentsShown)
      throw recordedMeanwhile(order, { owedSeen: input.owedCentsShown, by: null });
    // The same amount from the same admin minutes after their last: asked, not recorded (a command sent twice).
    // By the database's clock, the one the receipts are dated by (askIfRepeated reads it).
    if (input.askIfRepeated) await askIfRepeated(tx, order, ctx.actor, input.amountCents);
    // A part received while a processor payment of the order is confirming would make that payment more
    // than is owed when it settles, and the ledger would refund it all: refused as a confirm is.
    if (pending)
      await refuseWhileMoneyInFlight(
        tx,
        order,
        'record the money received then (if it settles, money received by hand is extra: record it then, and return it)',
      );
    // A slip of the keyboard (an amount in dollars typed as cents, a few zeros too many) is refused before it
    // marks an order paid and tells the customer they overpaid: a customer who paid twice is the most a
    // real receipt adds up to.
    const receivedCents = order.amountReceivedCents + input.amountCents;
    if (receivedCents > MAX_RECEIVED_TIMES_TOTAL * order.totalCents) {
      const m = (c: number) => formatMoney(c, order.currency);
      throw new AppError(
        'VALIDATION_FAILED',
        `${m(input.amountCents)} would make ${m(receivedCents)} received on order ${orderLabel(order)}, more than twice its total of ${m(order.totalCents)}. Check the amount${order.amountReceivedCents > 0 ? ` (${m(order.amountReceivedCents)} is recorded already)` : ''}.`,
        { amountCents: input.amountCents, receivedCents: order.amountReceivedCents, totalCents: order.totalCents },
      );
    }
    const payments = await tx.payment.findMany({
      where: { orderId: order.id, tenantId: ctx.tenantId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    const named = paymentId ? payments.find((p) => p.id === paymentId) : undefined;
    const payment = named ?? payments.find((p) => OPEN_PAYMENT_STATUSES.includes(p.status)) ?? payments.find((p) => p.confirmedAt) ?? null;

    const receipt = await tx.paymentReceipt.create({
      data: {
        tenantId: ctx.tenantId,
        orderId: order.id,
        paymentId: payment?.id ?? null,
        amountCents: input.amountCents,
        currency: order.currency,
        note: input.note ?? null,
        actorType: ctx.actor.type,
        actorId: ctx.actor.id ?? null,
        idempotencyKey: input.idempotencyKey ?? null,
        // Dated by the database's clock, not this instance's: the "recorded meanwhile" check compares it with a
        // command's send time on that clock (recorded-meanwhile.ts), and receipts under the order's lock are dated in order.
        createdAt: await databaseClockNow(tx),
      },
    });
    let updated = await tx.order.update({ where: { id: order.id }, data: { amountReceivedCents: receivedCents } });
    let settled: Payment | null = payment;
    let paid = false;
    if (pending && receivedCents >= order.totalCents) {
      // Covered: the one way to PAID (nothing is owed any more, so confirm records no second receipt).
      const r = await confirmLockedOrder(
        tx,
        deps,
        ctx,
        updated,
        payment && OPEN_PAYMENT_STATUSES.includes(payment.status) ? payment.id : undefined,
        { note: input.note },
      );
      updated = r.order;
      settled = r.payment;
      paid = true;
    }
    const summary = receiptSummary(updated);
    const payload: PaymentReceiptRecordedPayload = {
      tenantId: ctx.tenantId,
      orderId: order.id,
      receiptId: receipt.id,
      outcome: paid ? 'paid' : pending ? 'partial' : 'extra',
    };
    await deps.bus.emit(tx, EVENTS.paymentReceiptRecorded, payload, { jobKey: `receipt:${receipt.id}` });
    const money = (c: number) => formatMoney(c, order.currency);
    await deps.audit.record(tx, ctx, {
      action: 'payment.receipt_recorded',
      entityType: 'Order',
      entityId: order.id,
      before: { amountReceivedCents: order.amountReceivedCents, status: order.status },
      after: {
        receiptId: receipt.id,
        amountCents: input.amountCents,
        amountReceivedCents: receivedCents,
        status: updated.status,
        note: input.note ?? null,
        ...(summary.overpaidCents
          ? { overpaidCents: summary.overpaidCents, flag: `Overpaid by ${money(summary.overpaidCents)}: return it to the customer.` }
          : {}),
      },
    });
    return { order: updated, payment: settled, receipt, paid, changed: true, ...summary };
  });
}
