// The order as the admin surfaces show it after a change: exactly what services.orders.get returns (same
// include and type), read after the change committed.
import type { Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { orderDetailInclude, type OrderDetail } from '../orders/index.js';

export type { OrderDetail };

export async function loadOrderDetail(db: Db, tenantId: string, orderId: string): Promise<OrderDetail> {
  const order = await db.order.findFirst({ where: { id: orderId, tenantId }, include: orderDetailInclude });
  if (!order) throw new AppError('NOT_FOUND', `Order ${orderId} was not found.`, { orderId });
  return order;
}
