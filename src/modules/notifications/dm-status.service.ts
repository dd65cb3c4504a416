// Records what Discord told us about a customer's DMs: closed (50007) on the order and the customer, so the
// shop sees on the order that the customer was not told, and later notifications skip the doomed call for a
// while; a delivered DM clears the customer's flag (they opened their DMs again).
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/prisma.js';

export interface DmStatusService {
  /** Marks orders.customerDmFailedAt and customers.dmClosedAt (tenant-scoped; missing rows are ignored). */
  recordDmClosed(tenantId: string, input: { orderId: string; customerId: string }): Promise<void>;
  /** Clears customers.dmClosedAt after a DM went through. */
  recordDmDelivered(tenantId: string, customerId: string): Promise<void>;
}

export function createDmStatusService(deps: { db: Db; clock: Clock }): DmStatusService {
  const { db, clock } = deps;
  return {
    async recordDmClosed(tenantId, { orderId, customerId }) {
      const now = clock.now();
      await db.$transaction([
        db.order.updateMany({ where: { id: orderId, tenantId }, data: { customerDmFailedAt: now } }),
        db.customer.updateMany({ where: { id: customerId, tenantId }, data: { dmClosedAt: now } }),
      ]);
    },
    async recordDmDelivered(tenantId, customerId) {
      await db.customer.updateMany({ where: { id: customerId, tenantId, dmClosedAt: { not: null } }, data: { dmClosedAt: null } });
    },
  };
}
