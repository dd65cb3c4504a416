// Cancelling an order before fulfilment (spec 000: CANCELLED is "cancelled before fulfillment"):
// - unpaid: status CANCELLED, open payments closed, reserved stock released (inventory decides whether the
//   tenant tracks stock), its discount use given back, order.cancelled enqueued, audit entry;
// - PAID (not yet FULFILLING): refunded in full through the refund engine in the same transaction (money
//   back through the processor job, or recorded as owed by hand for manual methods; every unit back in
//   stock; roles revoked; order.refunded), then CANCELLED with order.cancelled. Its discount use stays
//   (a paid order keeps its use, refunded or not). Only with the refund's amount confirmed
//   (`confirmRefundCents`, cancel-refund-consent.ts): otherwise REFUND_CONFIRMATION_REQUIRED and nothing written.
// Later statuses are refunded, not cancelled (the transition table says so).
import { z } from 'zod';
import type { Order } from '../../generated/prisma/index.js';
import { withTransaction, type Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type OrderCancelledPayload } from '../shared/events.js';
import type { AfterSaleDeps } from '../orders/index.js';
import { lockOrder, orderLabel } from '../orders/index.js';
import { assertTransition } from '../orders/index.js';
import { applyRefund } from '../refunds/refund.command.js';
import { cancelLockedOrder } from '../orders/index.js';
import { processorCentsOf } from '../payments-processor/processor-refund.task.js';
import { requireRefundConsent, type CancelRefund } from './cancel-refund-consent.js';

// The unpaid cancellation is the order core's (payments' reject uses it too): re-exported for this module's callers.
export { cancelLockedOrder, OPEN_PAYMENT_STATUSES } from '../orders/index.js';

/** The refund a paid order's cancel makes, as the caller was shown it (cancel-refund-consent.ts). */
export const confirmRefundCents = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();

export const cancelInput = z.object({ note: z.string().trim().max(1000).optional(), confirmRefundCents }).strict();

/** Refuses to cancel an order the transition table does not let go to CANCELLED, with the way forward. */
export function assertCancellable(order: Order): void {
  assertTransition(order, 'CANCELLED', 'cancel');
}

/**
 * Cancels a PAID order (locked by the caller): a full refund through the refund engine that ends the order
 * CANCELLED instead of REFUNDED, then order.cancelled and the audit entry. Returns the order and what the cancel
 * did (the refund, who sends it back, the units back in stock), for the caller's words. Unless `why.confirmRefundCents` is
 * that refund's amount it throws REFUND_CONFIRMATION_REQUIRED, which rolls the caller's transaction back: the
 * refund is computed by the engine that makes it, under the lock it is made under, so what the refusal says is
 * exactly what a confirmed cancel does (no second copy of the engine's rules to drift from it).
 */
export async function cancelPaidOrder(
  tx: Tx,
  deps: AfterSaleDeps,
  ctx: TenantContext,
  order: Order,
  why: { note?: string; confirmRefundCents?: number },
): Promise<{ order: Order; refund: CancelRefund }> {
  assertTransition(order, 'CANCELLED', 'cancel');
  const releasedBefore = await releasedUnits(tx, ctx, order.id);
  const {
    order: updated,
    refund,
    moneyReturn,
  } = await applyRefund(
    tx,
    deps,
    ctx,
    order.id,
    { reason: why.note || 'Order cancelled by the shop' },
    { status: 'CANCELLED', data: { cancelledAt: deps.clock.now() } },
  );
  const processorCents = moneyReturn === 'processor' ? processorCentsOf(refund) : 0;
  const paidWith = refund.paymentId ? await tx.payment.findUnique({ where: { id: refund.paymentId }, select: { method: true } }) : null;
  const made: CancelRefund = {
    orderNumber: order.number,
    currency: order.currency,
    refundCents: refund.amountCents,
    processorCents,
    processorMethod: processorCents > 0 ? (paidWith?.method ?? order.paymentMethod) : null,
    byHandCents: refund.amountCents - processorCents,
    byHandMethod: refund.manualReturnMethod,
    restockedUnits: (await releasedUnits(tx, ctx, order.id)) - releasedBefore,
  };
  requireRefundConsent(made, why.confirmRefundCents);
  const payload: OrderCancelledPayload = {
    tenantId: ctx.tenantId,
    orderId: order.id,
    reason: 'admin_cancelled',
    ...(why.note ? { note: why.note } : {}),
  };
  await deps.bus.emit(tx, EVENTS.orderCancelled, payload);
  await deps.audit.record(tx, ctx, {
    action: 'order.cancelled',
    entityType: 'Order',
    entityId: order.id,
    before: { status: order.status },
    after: {
      status: 'CANCELLED',
      reason: 'admin_cancelled',
      note: why.note ?? null,
      refundId: refund.id,
      refundedCents: refund.amountCents,
      moneyReturn,
    },
  });
  return { order: updated, refund: made };
}

/** Units of the order's reservations given back to stock so far (by cancels and refunds). */
async function releasedUnits(tx: Tx, ctx: TenantContext, orderId: string): Promise<number> {
  const sum = await tx.inventoryReservation.aggregate({ where: { orderId, tenantId: ctx.tenantId }, _sum: { releasedQuantity: true } });
  return sum._sum.releasedQuantity ?? 0;
}

/** orderAdmin.cancel: idempotent (an already cancelled order is returned with changed=false). */
export async function cancelOrder(
  deps: AfterSaleDeps,
  ctx: TenantContext,
  orderId: string,
  input: unknown = {},
): Promise<{ order: Order; changed: boolean }> {
  const { note, confirmRefundCents } = parseInput(cancelInput, input ?? {}, 'cancel request');
  return withTransaction(deps.db, async (tx) => {
    const order = await lockOrder(tx, ctx.tenantId, orderId);
    if (order.status === 'CANCELLED') return { order, changed: false };
    assertCancellable(order);
    if (order.status === 'PAID')
      return { order: (await cancelPaidOrder(tx, deps, ctx, order, { note, confirmRefundCents })).order, changed: true };
    return { order: await cancelLockedOrder(tx, deps, ctx, order, { reason: 'admin_cancelled', note }), changed: true };
  });
}

/**
 * orderAdmin.cancelForCustomer: the customer's own "Cancel order" (Discord). Only while unpaid, and only
 * the order's own customer: anyone else's order is NOT_FOUND (as if it did not exist). Checked under the
 * order's row lock, so a payment confirmed at the same moment wins or loses cleanly: a paid order is
 * ILLEGAL_STATE (the shop refunds it), an already cancelled one is returned with changed=false (a double
 * click cancels once).
 */
export async function cancelOrderForCustomer(
  deps: AfterSaleDeps,
  ctx: TenantContext,
  orderId: string,
  customerId: string,
): Promise<{ order: Order; changed: boolean }> {
  return withTransaction(deps.db, async (tx) => {
    const order = await lockOrder(tx, ctx.tenantId, orderId);
    if (order.customerId !== customerId) throw new AppError('NOT_FOUND', 'Order not found.');
    if (order.status === 'CANCELLED') return { order, changed: false };
    if (order.status !== 'PENDING_PAYMENT') {
      throw new AppError(
        'ILLEGAL_STATE',
        `Order ${orderLabel(order)} is already paid, so it can no longer be cancelled here: ask the shop to cancel or refund it.`,
        { status: order.status },
      );
    }
    return { order: await cancelLockedOrder(tx, deps, ctx, order, { reason: 'customer_cancelled' }), changed: true };
  });
}
