// Records what Discord told us about a customer's DMs. A DM that did not reach them (DMs closed, 50007) is
// marked on the order and the customer, so the shop sees on the order that the customer was not told and later
// notifications skip the doomed call for a while; it is kept as a missed notice (missed-notices.ts); and the
// shop's admins are told by an event (customer.dm_not_delivered), whose admin-channel job runs in the shop's
// admin-channel queue, not inside the DM's job. All of it is one transaction. A delivered DM clears the
// customer's flag (they opened their DMs again).
import type { Clock } from '../../platform/clock.js';
import { withTransaction, type Db } from '../../platform/db/prisma.js';
import type { EventBus } from '../../platform/jobs/queue.js';
import { EVENTS, type DmNotDeliveredPayload } from '../shared/events.js';
import type { MissedNoticeInput } from './missed-notices.js';

export interface DmStatusService {
  /**
   * A DM that did not reach its customer, in one transaction: marks orders.customerDmFailedAt (when the order
   * still exists) and customers.dmClosedAt, keeps the message as a missed notice (once per delivery key), and
   * for a notice not kept before emits customer.dm_not_delivered. A job that runs again changes nothing more.
   */
  recordNotDelivered(notice: MissedNoticeInput): Promise<void>;
  /** Clears customers.dmClosedAt after a DM went through. */
  recordDmDelivered(tenantId: string, customerId: string): Promise<void>;
}

export function createDmStatusService(deps: { db: Db; clock: Clock; bus: EventBus }): DmStatusService {
  const { db, clock, bus } = deps;
  return {
    async recordNotDelivered(notice) {
      const { tenantId, customerId, orderId } = notice;
      const now = clock.now();
      await withTransaction(db, async (tx) => {
        if (orderId) await tx.order.updateMany({ where: { id: orderId, tenantId }, data: { customerDmFailedAt: now } });
        await tx.customer.updateMany({ where: { id: customerId, tenantId }, data: { dmClosedAt: now } });
        const [kept] = await tx.missedNotice.createManyAndReturn({ data: [notice], skipDuplicates: true, select: { id: true } });
        if (!kept) return;
        const told: DmNotDeliveredPayload = { tenantId, customerId, orderId, kind: notice.kind, noticeId: kept.id };
        await bus.emit(tx, EVENTS.dmNotDelivered, told);
      });
    },
    async recordDmDelivered(tenantId, customerId) {
      await db.customer.updateMany({ where: { id: customerId, tenantId, dmClosedAt: { not: null } }, data: { dmClosedAt: null } });
    },
  };
}
