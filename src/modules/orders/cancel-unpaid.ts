// Cancelling an unpaid order (spec 000: CANCELLED is "cancelled before fulfillment"), the part of the
// order lifecycle every surface shares: an admin's cancel and the customer's own (order-admin/cancel-order.command.ts),
// a rejected payment (payments/reject-payment.command.ts) and an expired pay window (order-expiry/). Status CANCELLED through the transition table,
// open payments closed, reserved stock released, the discount use given back, order.cancelled enqueued,
// audit entry. A PAID order is cancelled by a full refund instead (order-admin, through the refund engine).
// Money already recorded against it (a part payment, orders.amountReceivedCents) is owed back: a refund of
// that amount is recorded with the cancellation, to be sent by hand with the order's method, so the order
// page shows "Send $X back" until an admin ticks it done (refunds/manual-return.command.ts).
import type { Order, PaymentStatus } from '../../generated/prisma/index.js';
import { databaseClockNow } from '../../platform/db/database-now.js';
import type { Tx } from '../../platform/db/prisma.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type OrderCancelledPayload } from '../shared/events.js';
import type { AfterSaleDeps } from './after-sale.deps.js';
import { transitionOrder } from './order-transitions.js';

/** The reason of the refund that records a part payment owed back when its order is cancelled. */
export const RECEIVED_BEFORE_CANCEL_REASON = 'Received before the order was cancelled: to be sent back';

/** The payment statuses of a payment still waiting for its money (closed when the order is cancelled). */
export const OPEN_PAYMENT_STATUSES: readonly PaymentStatus[] = ['pending', 'awaiting_admin_approval'];

/**
 * Cancels `order`, which the caller has locked and found PENDING_PAYMENT. Open payments become
 * `cancelled` (the caller marks a rejected one first).
 */
export async function cancelLockedOrder(
  tx: Tx,
  deps: AfterSaleDeps,
  ctx: TenantContext,
  order: Order,
  why: {
    reason: OrderCancelledPayload['reason'];
    note?: string;
    /** More facts for the audit entry (an expiry's deadline). */ audit?: Record<string, unknown>;
  },
): Promise<Order> {
  const now = deps.clock.now();
  // Received before the cancel and not yet returned (under the order's lock, so read once).
  const owedBackCents = Math.max(order.amountReceivedCents - order.refundedTotalCents, 0);
  const updated = await transitionOrder(tx, order, 'CANCELLED', 'cancel', {
    cancelledAt: now,
    ...(owedBackCents > 0 ? { refundedTotalCents: order.refundedTotalCents + owedBackCents } : {}),
  });
  const owedBack =
    owedBackCents > 0
      ? await tx.refund.create({
          data: {
            tenantId: ctx.tenantId,
            orderId: order.id,
            mode: 'PARTIAL_AMOUNT',
            amountCents: owedBackCents,
            reason: RECEIVED_BEFORE_CANCEL_REASON,
            actorType: ctx.actor.type,
            actorId: ctx.actor.id ?? null,
            manualReturnMethod: order.paymentMethod,
            // By the database's clock, as every refund (refunds/refund.command.ts): a /refund's check compares it.
            createdAt: await databaseClockNow(tx),
          },
        })
      : null;
  await tx.payment.updateMany({ where: { orderId: order.id, status: { in: [...OPEN_PAYMENT_STATUSES] } }, data: { status: 'cancelled' } });
  await deps.inventory.releaseForOrder(tx, { tenantId: ctx.tenantId, orderId: order.id });
  // The customer never paid: the discount use goes back (a limited or one-per-customer discount stays usable).
  const discountUseReturned = await deps.discounts.returnUse(tx, order);
  const payload: OrderCancelledPayload = {
    tenantId: ctx.tenantId,
    orderId: order.id,
    reason: why.reason,
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
      reason: why.reason,
      note: why.note ?? null,
      ...why.audit,
      ...(discountUseReturned ? { discountUseReturned: order.discountId } : {}),
      ...(owedBack ? { owedBack: { refundId: owedBack.id, amountCents: owedBack.amountCents, method: order.paymentMethod } } : {}),
    },
  });
  return updated;
}
