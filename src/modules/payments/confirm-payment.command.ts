// payments.confirm: the one way an order becomes PAID (/payment-confirm, the approve button, "mark as
// paid" in the panel, a processor's webhook, and a receipt that covers the total all call it). Idempotent
// under the order's row lock: a second confirm, even a concurrent one, finds the order PAID and changes
// nothing. Confirming records what was still owed as a payment receipt (payment_receipts), so an order's
// amountReceivedCents always sums its receipts, however it was paid.
import { z } from 'zod';
import type { Order, Payment, PaymentReceipt } from '../../generated/prisma/index.js';
import { withTransaction, type Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import type { AfterSaleDeps } from '../orders/index.js';
import { OPEN_PAYMENT_STATUSES } from '../orders/index.js';
import { lockOrder, orderLabel, owedCents } from '../orders/index.js';
import { transitionOrder } from '../orders/index.js';
import { IN_FLIGHT_CHECKOUT_STATES, liveCheckout, liveCheckoutWords } from '../payments-processor/checkouts/money-in-flight.query.js';
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
  if (!payment) throw new AppError('NOT_FOUND', `Payment ${paymentId} was not found.`, { paymentId });
  return payment.orderId;
}

/**
 * The one rule for money recorded by hand while the order is being paid online (every surface: the admin post's
 * Approve and Record buttons, /payment-confirm, the panel's mark-as-paid and receipt form, the REST API), checked
 * under the order's lock:
 * - marking the order paid (a confirm, or a receipt that covers what is owed) is refused (ILLEGAL_STATE) while a
 *   checkout of the order is live: OPEN, the customer is paying at PayPal, Square or BTCPay and the provider's
 *   confirmation (its webhook, the return page, reconciliation) marks the order paid; APPROVED/PENDING, the money
 *   is on its way (BTCPay confirming, a PayPal eCheck clearing). Approving by hand then would mark the order paid
 *   for money that never came, or have the ledger refund the real money as unapplied when it settles;
 * - a part received by hand (`part`) is refused only while money is on its way: with the checkout merely open, the
 *   part changes what is owed, the open checkout is closed at its provider (voidStale) and the customer pays the
 *   rest through a new one (docs/decisions/square-and-btcpay.md).
 * `instead` says what to do if the online payment fails ("mark the order paid then").
 */
export async function refuseWhilePaidOnline(tx: Tx, order: Order, instead: string, opts: { part?: boolean } = {}): Promise<void> {
  const live = await liveCheckout(tx, order.id);
  if (!live) return;
  const inFlight = (IN_FLIGHT_CHECKOUT_STATES as readonly string[]).includes(live.state);
  if (opts.part && !inFlight) return;
  const then = inFlight
    ? `it will mark order ${orderLabel(order)} paid when it settles. Wait for it; if it fails instead, ${instead}.`
    : `the provider's confirmation marks order ${orderLabel(order)} paid, with nothing to approve by hand. Wait for it; if the checkout fails or expires unpaid instead, ${instead}.`;
  throw new AppError('ILLEGAL_STATE', `${liveCheckoutWords(live)}; ${then}`, { checkoutId: live.id, checkoutState: live.state });
}

/**
 * Confirms payment of `order` (locked by the caller). PENDING_PAYMENT -> PAID, the payment -> paid,
 * entitlements granted (role jobs), order.paid enqueued, audit entry. Already paid: changed=false.
 * Cancelled (rejected or cancelled): ILLEGAL_STATE. ILLEGAL_STATE too while a processor checkout of the
 * order is live (refuseWhilePaidOnline): the customer is paying it, or its money is on its way, and the
 * provider's confirmation pays the order; confirming by hand first would have the ledger refund it as unapplied. The ledger itself,
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
  if (paymentId && !named) throw new AppError('NOT_FOUND', `Payment ${paymentId} was not found.`, { paymentId });

  if (order.status === 'CANCELLED') {
    const rejected = payments.find((p) => p.status === 'rejected');
    const why = rejected
      ? `its payment was rejected${rejected.rejectedReason ? ` (${rejected.rejectedReason})` : ''}, so it is cancelled`
      : 'it was cancelled';
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

  if (!opts.paidByCheckoutId) await refuseWhilePaidOnline(tx, order, 'mark the order paid then');

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
            createdAt: now,
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
