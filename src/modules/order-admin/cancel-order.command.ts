// Cancelling an unpaid order: status CANCELLED, open payments closed, reserved stock released (inventory
// decides whether the tenant tracks stock), its discount use given back, order.cancelled enqueued, audit
// entry. A paid order is not
// cancelled: it is refunded (which returns the money, the stock and the roles).
import { z } from 'zod';
import type { Order, PaymentStatus } from '../../generated/prisma/index.js';
import { withTransaction, type Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type OrderCancelledPayload } from '../shared/events.js';
import type { AfterSaleDeps } from './after-sale.deps.js';
import { lockOrder, orderLabel } from './order-lock.js';
import { PAID_STATUSES } from './order-transitions.js';

export const OPEN_PAYMENT_STATUSES: readonly PaymentStatus[] = ['pending', 'awaiting_admin_approval'];

export const cancelInput = z.object({ note: z.string().trim().max(1000).optional() }).strict();

/**
 * Cancels `order`, which the caller has locked and found PENDING_PAYMENT. Open payments become
 * `cancelled` (the caller marks a rejected one first).
 */
export async function cancelLockedOrder(
  tx: Tx,
  deps: AfterSaleDeps,
  ctx: TenantContext,
  order: Order,
  why: { reason: OrderCancelledPayload['reason']; note?: string },
): Promise<Order> {
  const now = deps.clock.now();
  const updated = await tx.order.update({ where: { id: order.id }, data: { status: 'CANCELLED', cancelledAt: now } });
  await tx.payment.updateMany({ where: { orderId: order.id, status: { in: [...OPEN_PAYMENT_STATUSES] } }, data: { status: 'cancelled' } });
  await deps.inventory.releaseForOrder(tx, { tenantId: ctx.tenantId, orderId: order.id });
  // The customer never paid: the discount use goes back (a limited or one-per-customer discount stays usable).
  const discountUseReturned = await deps.discounts.returnUse(tx, order);
  const payload: OrderCancelledPayload = { tenantId: ctx.tenantId, orderId: order.id, reason: why.reason, ...(why.note ? { note: why.note } : {}) };
  await deps.bus.emit(tx, EVENTS.orderCancelled, payload);
  await deps.audit.record(tx, ctx, {
    action: 'order.cancelled',
    entityType: 'Order',
    entityId: order.id,
    before: { status: order.status },
    after: { status: 'CANCELLED', reason: why.reason, note: why.note ?? null, ...(discountUseReturned ? { discountUseReturned: order.discountId } : {}) },
  });
  return updated;
}

/** Refuses to cancel anything but an unpaid order, with the way forward in the message. */
export function assertCancellable(order: Order): void {
  if (order.status === 'PENDING_PAYMENT') return;
  if (PAID_STATUSES.includes(order.status)) {
    throw new AppError('INVALID_TRANSITION', `Order ${orderLabel(order)} is already paid: refund it instead (a full refund returns the money, the stock and the roles).`, { status: order.status });
  }
  throw new AppError('INVALID_TRANSITION', `Order ${orderLabel(order)} is ${order.status} and can no longer be cancelled.`, { status: order.status });
}

/** orderAdmin.cancel: idempotent (an already cancelled order is returned with changed=false). */
export async function cancelOrder(deps: AfterSaleDeps, ctx: TenantContext, orderId: string, input: unknown = {}): Promise<{ order: Order; changed: boolean }> {
  const { note } = parseInput(cancelInput, input ?? {}, 'cancel request');
  return withTransaction(deps.db, async (tx) => {
    const order = await lockOrder(tx, ctx.tenantId, orderId);
    if (order.status === 'CANCELLED') return { order, changed: false };
    assertCancellable(order);
    return { order: await cancelLockedOrder(tx, deps, ctx, order, { reason: 'admin_cancelled', note }), changed: true };
  });
}
