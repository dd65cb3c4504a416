// Every after-sale change starts by locking the order row: confirm, reject, cancel, update, refund and
// delete of one order serialize on it, so each checks its precondition against the current row.
import type { Order } from '../../generated/prisma/index.js';
import type { Tx } from '../../platform/db/prisma.js';
import { notFound } from '../../platform/errors.js';

/**
 * Locks the tenant's order (SELECT ... FOR UPDATE) and returns it; NOT_FOUND for another tenant's order.
 * One raw statement, not the lock and then Prisma's findUnique: every after-sale command and the worker's
 * pay-window job start here, and the ORM read was compiled anew each time (docs/perf/interaction-profile.md).
 * The row is the one the lock was taken on: when it waited for another transaction, PostgreSQL returns the
 * version that transaction committed (READ COMMITTED re-reads a row locked FOR UPDATE), so the caller sees
 * every change committed before it got the lock.
 */
export async function lockOrder(tx: Tx, tenantId: string, orderId: string): Promise<Order> {
  const [order] = await tx.$queryRaw<Order[]>`
    SELECT * FROM orders WHERE id = ${orderId} AND "tenantId" = ${tenantId} FOR UPDATE`;
  if (!order) throw notFound('Order', orderId, { orderId });
  return order;
}

/** "#1001", how people refer to an order. */
export function orderLabel(order: { number: number }): string {
  return `#${order.number}`;
}
