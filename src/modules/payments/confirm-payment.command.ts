// payments.confirm: the one way an order becomes PAID (/payment-confirm, the approve button, "mark as
// paid" in the panel, a processor's webhook, and a receipt that covers the total all call it). Idempotent
// under the order's row lock: a second confirm, even a concurrent one, finds the order PAID and changes
// nothing. Confirming records what was still owed as a payment receipt (payment_receipts), so an order's
// amountReceivedCents always sums its receipts, however it was paid.
import { z } from 'zod';
import type { Order, Payment, PaymentReceipt } from '../../generated/prisma/index.js';
import { databaseClockNow } from '../../platform/db/database-now.js';
import { withTransaction, type Tx } from '../../platform/db/prisma.js';
import { AppError, notFound } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import type { AfterSaleDeps } from '../orders/index.js';
import { OPEN_PAYMENT_STATUSES } from '../orders/index.js';
import { cancelReasonOf, lockOrder, orderLabel, owedCents, type CancelReason } from '../orders/index.js';
import { transitionOrder } from '../orders/index.js';
import { inFlightCheckout, inFlightWords } from '../payments-processor/checkouts/money-in-flight.query.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type OrderPaidPayload } from '../shared/events.js';

export const paymentRef = z.union([z.object({ orderId: z.string().min(1) }).strict(), z.object({ paymentId: z.string().min(1) }).strict()]);
export type PaymentRef = z.infer<typeof paymentRef>;

export interface PaymentResult {
  order: Order;
  payment: Payment;
  /** False when the call found the work already done (a repeat or a lost race). */
  changed: boolean;
  /** The receipt of what was still owed, when confirming recorded one. */
  receipt?: PaymentReceipt | null;
}

/** Finds the payment's order for the tenant; NOT_FOUND for another tenant's payment. */
export async function orderIdOfPayment(tx: Tx, tenantId: string, paymentId: string): Promise<string> {
  const payment = await tx.payment.findFirst({ where: { id: paymentId, tenantId }, select: { orderId: true } });
  if (!payment) throw notFound('Payment', paymentId, { paymentId });
  return payment.orderId;
}

/**
 * The one rule for money recorded by hand while a processor payment of the order is on its way (a checkout
 * APPROVED/PENDING: BTCPay confirming, a PayPal eCheck clearing): refused (ILLEGAL_STATE), for a confirm and
 * for a part received alike. That checkout was made for what was owed when it opened; money recorded by hand
 * meanwhile makes it more than is owed when it settles, and the ledger then refunds all of it as unapplied.
 * `instead` says what to do if the payment fails ("mark the order paid then").
 */
export async function refuseWhileMoneyInFlight(tx: Tx, order: Order, instead: string): Promise<void> {
  const inFlight = await inFlightCheckout(tx, order.id);
  if (!inFlight) return;
  throw new AppError(
    'ILLEGAL_STATE',
    `${inFlightWords(inFlight)}; it will mark order ${orderLabel(order)} paid when it settles. Wait for it; if it fails instead, ${instead}.`,
    { checkoutId: inFlight.id, checkoutState: inFlight.state },
  );
}

/**
 * Why a cancelled order cannot be paid, for the admin who received money for it: one the customer did not pay in
 * time, or cancelled themselves, may still be paid for afterwards (a transfer sent late): that money is not on the
 * order, and it goes back to the customer.
 */
function cancelledWhy(reason: CancelReason['reason'] | undefined): string {
  const late =
    'Money the customer sent for it afterwards is not on the order: send it back to them the way it came; they can place a new order';
  if (reason === 'expired') return `it was not paid in time, so its pay window cancelled it and released its items. ${late}`;
  if (reason === 'customer_cancelled') return `the customer cancelled it, and its items were released. ${late}`;
  return 'it was cancelled';
}

/**
 * Confirms payment of `order` (locked by the caller). PENDING_PAYMENT -> PAID, the payment -> paid,
 * entitlements granted (role jobs), order.paid enqueued, audit entry. Already paid: changed=false.
 * Cancelled (rejected or cancelled): ILLEGAL_STATE. ILLEGAL_STATE too while a processor checkout of the
 * order has money on its way (BTCPay confirming, a PayPal eCheck): that money pays the order when it
 * settles, and confirming by hand first would have the ledger refund it as unapplied. The ledger itself,
 * applying a checkout's money, passes `paidByCheckoutId` (another checkout still in flight is then a second
 * payment, refunded when it settles).
 */
export async function confirmLockedOrder(
  tx: Tx,
  deps: AfterSaleDeps,
  ctx: TenantContext,
  order: Order,
  paymentId?: string,
  opts: { note?: string; paidByCheckoutId?: string } = {},
): Promise<PaymentResult> {
  const payments = await tx.payment.findMany({ where: { orderId: order.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  const named = paymentId ? payments.find((p) => p.id === paymentId) : undefined;
  if (paymentId && !named) throw notFound('Payment', paymentId, { paymentId });

  if (order.status === 'CANCELLED') {
    const rejected = payments.find((p) => p.status === 'rejected');
    const why = rejected
      ? `its payment was rejected${rejected.rejectedReason ? ` (${rejected.rejectedReason})` : ''}, so it is cancelled`
      : cancelledWhy((await cancelReasonOf(tx, order.tenantId, order.id))?.reason);
    throw new AppError('ILLEGAL_STATE', `Order ${orderLabel(order)} cannot be marked as paid: ${why}.`, {
      status: order.status,
    });
  }
  if (order.status !== 'PENDING_PAYMENT') {
    // Paid already (and maybe fulfilled or refunded since): nothing to do.
    const paid =
      named ??
      payments.find((p) => !OPEN_PAYMENT_STATUSES.includes(p.status) && p.status !== 'rejected' && p.status !== 'cancelled') ??
      payments[0];
    if (!paid) throw new AppError('ILLEGAL_STATE', `Order ${orderLabel(order)} is ${order.status} but has no payment record.`);
    return { order, payment: paid, changed: false };
  }

  if (!opts.paidByCheckoutId) await refuseWhileMoneyInFlight(tx, order, 'mark the order paid then');

  const open = named ?? payments.find((p) => OPEN_PAYMENT_STATUSES.includes(p.status));
  if (open && !OPEN_PAYMENT_STATUSES.includes(open.status)) {
    throw new AppError('ILLEGAL_STATE', `Payment ${open.id} is ${open.status} and cannot be confirmed.`, { paymentStatus: open.status });
  }
  const now = deps.clock.now();
  const confirmedBy = { status: 'paid' as const, confirmedByType: ctx.actor.type, confirmedById: ctx.actor.id ?? null, confirmedAt: now };
  // An order without an open payment record (made outside the Discord flow) gets one for its total.
  const payment = open
    ? await tx.payment.update({ where: { id: open.id }, data: confirmedBy })
    : await tx.payment.create({
        data: {
          tenantId: ctx.tenantId,
          orderId: order.id,
          method: order.paymentMethod,
          amountCents: order.totalCents,
          currency: order.currency,
          ...confirmedBy,
        },
      });
  // What was still owed arrived now (all of it when no part was recorded before).
  const owed = owedCents(order);
  const receipt =
    owed > 0
      ? await tx.paymentReceipt.create({
          data: {
            tenantId: ctx.tenantId,
            orderId: order.id,
            paymentId: payment.id,
            amountCents: owed,
            currency: order.currency,
            note: opts.note ?? null,
            actorType: ctx.actor.type,
            actorId: ctx.actor.id ?? null,
            // By the database's clock, as every receipt (record-receipt.command.ts): a /payment-confirm's check compares it.
            createdAt: await databaseClockNow(tx),
          },
        })
      : null;
  const receivedCents = order.amountReceivedCents + owed;
  const updated = await transitionOrder(tx, order, 'PAID', 'confirm', { paidAt: now, amountReceivedCents: receivedCents });
  await deps.entitlements.grantForOrder(tx, { tenantId: ctx.tenantId, orderId: order.id });
  const paidPayload: OrderPaidPayload = { tenantId: ctx.tenantId, orderId: order.id, paymentId: payment.id };
  await deps.bus.emit(tx, EVENTS.orderPaid, paidPayload);
  await deps.audit.record(tx, ctx, {
    action: 'payment.confirmed',
    entityType: 'Order',
    entityId: order.id,
    before: { status: order.status, paymentStatus: open?.status ?? null },
    after: {
      status: 'PAID',
      paymentId: payment.id,
      paymentStatus: 'paid',
      amountReceivedCents: receivedCents,
      ...(receivedCents > order.totalCents ? { overpaidCents: receivedCents - order.totalCents } : {}),
    },
  });
  return { order: updated, payment, changed: true, receipt };
}

export async function confirmPayment(deps: AfterSaleDeps, ctx: TenantContext, ref: unknown): Promise<PaymentResult> {
  const input = parseInput(paymentRef, ref, 'payment reference');
  return withTransaction(deps.db, async (tx) => {
    const paymentId = 'paymentId' in input ? input.paymentId : undefined;
    const orderId = paymentId ? await orderIdOfPayment(tx, ctx.tenantId, paymentId) : (input as { orderId: string }).orderId;
    const order = await lockOrder(tx, ctx.tenantId, orderId);
    return confirmLockedOrder(tx, deps, ctx, order, paymentId);
  });
}
