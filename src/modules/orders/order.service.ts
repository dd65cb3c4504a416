// services.orders: submit (the write) plus the read side.
import type { Db } from '../../platform/db/prisma.js';
import { createOrderQueryService, type OrderQueryService } from './order-query.service.js';
import { createSubmitOrder, type SubmitDeps, type SubmitResult } from '../checkout/submit/submit-order.js';

export interface OrderService extends OrderQueryService {
  /** `reviewed`: place the order only at the quote the customer last reviewed (QUOTE_CHANGED otherwise; checkout/quote/quote-consent.ts). */
  submit(tenantId: string, customerId: string, input: { memberRoleIds: string[]; reviewed?: { fingerprint?: string } }): Promise<SubmitResult>;
  /**
   * Remembers where the order's admin-channel message was posted, so the jobs that follow (paid,
   * cancelled) edit that message whichever surface made the change. First post wins (a retried post job
   * never points the order at a second message).
   */
  recordAdminMessage(tenantId: string, orderId: string, where: { channelId: string; messageId: string }): Promise<void>;
}

/** `db` (Prisma) serves the reads; submit runs on `sql`, the plain-SQL client of the same pool. */
export function createOrderService(deps: SubmitDeps & { db: Db }): OrderService {
  return {
    ...createOrderQueryService({ db: deps.db }),
    submit: createSubmitOrder(deps),
    async recordAdminMessage(tenantId, orderId, where) {
      await deps.db.order.updateMany({
        where: { id: orderId, tenantId, adminMessageId: null },
        data: { adminMessageChannelId: where.channelId, adminMessageId: where.messageId },
      });
    },
  };
}
