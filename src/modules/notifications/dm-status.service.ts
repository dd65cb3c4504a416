// Records what Discord told us about a customer's DMs. A DM that did not reach them (Discord refused it for good: DMs
// closed, 50007, or any other 4xx that is not retried, such as 10013 Unknown User or 50001 Missing Access; or skipped
// because their DMs were known closed) is marked on the order, so the shop sees on the order that the customer was not
// told; it is kept as a missed notice with what Discord answered (missed-notices.ts); and the shop's admins are told by
// an event (customer.dm_not_delivered), whose admin-channel job runs in the shop's admin-channel queue, not inside the
// DM's job. Only Discord saying their DMs are closed (50007) marks the customer too (customers.dmClosedAt), so later
// notifications skip the doomed call for a while: another refusal is not the customer's doing (the bot's access)
// or is not about their DMs (a deleted account), and their next DM is tried (a 401, the bot's token, is retried, not
// recorded: discord-rest.ts isRefusedByDiscord). All of it is one transaction. A
// delivered DM clears the customer's flag (they opened their DMs again). docs/decisions/dm-refused.md.
import type { Clock } from '../../platform/clock.js';
import { withTransaction, type Db } from '../../platform/db/prisma.js';
import { holdCustomerSql } from '../customers/erase-customer.js';
import type { EventBus } from '../../platform/jobs/queue.js';
import { EVENTS, type DmNotDeliveredPayload } from '../shared/events.js';
import { DM_CLOSED_CODE, type MissedNoticeInput } from './missed-notices.js';

export interface DmStatusService {
  /**
   * A DM that did not reach its customer, in one transaction: marks orders.customerDmFailedAt (when the order
   * still exists) and, when Discord has just said their DMs are closed (50007), customers.dmClosedAt; keeps the message as a missed
   * notice with Discord's refusal (once per delivery key), and for a notice not kept before emits
   * customer.dm_not_delivered with that refusal. A job that runs again changes nothing more.
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
        // The customer's row first (holdCustomerSql, as a sent DM's record: sent-dms.ts): an erasure holding it is waited for
        // and then seen. The message was composed before it (their name, an address): erased since, or gone, it is
        // not kept, and nobody is told of a customer the shop asked to forget.
        const [customer] = await tx.$queryRaw<{ erased: boolean }[]>(holdCustomerSql(tenantId, customerId));
        if (!customer || customer.erased) return;
        // Marked when Discord says so (50007), not when a DM is skipped because it said so before: the mark keeps its time,
        // so the first DM after the backoff is tried (set again on every skip, a customer DMed at least once a backoff
        // was never tried again).
        if (notice.refusedCode === DM_CLOSED_CODE) {
          await tx.customer.updateMany({ where: { id: customerId, tenantId }, data: { dmClosedAt: now } });
        }
        const [kept] = await tx.missedNotice.createManyAndReturn({ data: [notice], skipDuplicates: true, select: { id: true } });
        if (!kept) return;
        const { refusedStatus, refusedCode } = notice;
        const told: DmNotDeliveredPayload = {
          tenantId,
          customerId,
          orderId,
          kind: notice.kind,
          noticeId: kept.id,
          refusedStatus,
          refusedCode,
        };
        await bus.emit(tx, EVENTS.dmNotDelivered, told);
      });
    },
    async recordDmDelivered(tenantId, customerId) {
      await db.customer.updateMany({ where: { id: customerId, tenantId, dmClosedAt: { not: null } }, data: { dmClosedAt: null } });
    },
  };
}
