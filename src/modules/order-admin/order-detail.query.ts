// The order as the admin surfaces show it after a change: exactly what services.orders.get returns (the same
// statement and type), read after the change committed.
import type { Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { readOrderDetail, type OrderDetail } from '../orders/index.js';

export type { OrderDetail };

export async function loadOrderDetail(db: Db, tenantId: string, orderId: string): Promise<OrderDetail> {
  const order = await readOrderDetail(db, tenantId, orderId);
  if (!order) throw new AppError('NOT_FOUND', `Order ${orderId} was not found.`, { orderId });
  return order;
}
