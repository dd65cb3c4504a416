// services.orders: the read side, the admin-message pointer, and the way an order is placed. Placing one
// is the checkout module's work (checkout/submit/): the composition root hands its submit in, so the
// orders core never imports checkout (checkout builds on the core, not the other way round).
import type { Order, OrderItem, Payment } from '../../generated/prisma/index.js';
import type { Db } from '../../platform/db/prisma.js';
import type { SqlRunner } from '../../platform/db/sql.js';
import { createOrderQueryService, type OrderQueryService } from './order-query.service.js';

/** An order as checkout placed it: its items and its first payment. */
export interface PlacedOrder {
  order: Order & { items: OrderItem[] };
  payment: Payment;
  /** False when this call returned an order an earlier (or concurrent) submit created. */
  created: boolean;
}

/** `reviewed`: place the order only at the quote the customer last reviewed (QUOTE_CHANGED otherwise; checkout/quote/quote-consent.ts). */
export type SubmitOrder = (
  tenantId: string,
  customerId: string,
  input: { memberRoleIds: string[]; reviewed?: { fingerprint?: string } },
) => Promise<PlacedOrder>;

export interface OrderService extends OrderQueryService {
  /** Places the customer's READY_TO_SUBMIT session as an order (checkout's submit). */
  submit: SubmitOrder;
  /**
   * Remembers where the order's admin-channel message was posted, so the jobs that follow (paid,
   * cancelled) edit that message whichever surface made the change. First post wins (a retried post job
   * never points the order at a second message).
   */
  recordAdminMessage(tenantId: string, orderId: string, where: { channelId: string; messageId: string }): Promise<void>;
}

/**
 * `db` (Prisma) and `sql` (plain SQL, the order detail's one statement) serve the reads; `submit` is checkout's
 * (createSubmitOrder), on the plain-SQL client of the same pool.
 */
export function createOrderService(deps: { db: Db; sql?: SqlRunner; submit: SubmitOrder }): OrderService {
  return {
    ...createOrderQueryService({ db: deps.db, sql: deps.sql }),
    submit: deps.submit,
    async recordAdminMessage(tenantId, orderId, where) {
      await deps.db.order.updateMany({
        where: { id: orderId, tenantId, adminMessageId: null },
        data: { adminMessageChannelId: where.channelId, adminMessageId: where.messageId },
      });
    },
  };
}
