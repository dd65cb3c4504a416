// Every after-sale change starts by locking the order row: confirm, reject, cancel, update, refund and
// delete of one order serialize on it, so each checks its precondition against the current row.
import type { Order } from '../../generated/prisma/index.js';
import type { Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';

/** Locks the tenant's order (SELECT ... FOR UPDATE) and returns it; NOT_FOUND for another tenant's order. */
export async function lockOrder(tx: Tx, tenantId: string, orderId: string): Promise<Order> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM orders WHERE id = ${orderId} AND "tenantId" = ${tenantId} FOR UPDATE`;
  if (rows.length === 0) throw new AppError('NOT_FOUND', `Order ${orderId} was not found.`, { orderId });
  // Read after the lock: in READ COMMITTED this statement sees every change committed before we got it.
  return tx.order.findUniqueOrThrow({ where: { id: orderId } });
}

/** "#1001", how people refer to an order. */
export function orderLabel(order: { number: number }): string {
  return `#${order.number}`;
}
