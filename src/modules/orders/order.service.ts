// services.orders: the read side, the admin-message pointer, and the way an order is placed. Placing one
// is the checkout module's work (checkout/submit/): the composition root hands its submit in, so the
// orders core never imports checkout (checkout builds on the core, not the other way round).
import type { Order, OrderItem, Payment } from '../../generated/prisma/index.js';
import { Prisma, type Db } from '../../platform/db/prisma.js';
import { executeSql, type SqlRunner } from '../../platform/db/sql.js';
import { createOrderQueryService, type OrderQueryService } from './order-query.service.js';

/** An order as checkout placed it: its items and its first payment. */
export interface PlacedOrder {
  order: Order & { items: OrderItem[] };
  payment: Payment;
  /** False when this call returned an order an earlier (or concurrent) submit created. */
  created: boolean;
}

/**
 * `reviewed`: place the order only at the quote the customer last reviewed (QUOTE_CHANGED otherwise;
 * checkout/quote/quote-consent.ts). `shownIn`: the surface's message it was pressed on (a Discord flow message), which
 * says, once its session has ended, what that press was for (checkout/submit/read-submission.ts).
 */
export type SubmitOrder = (
  tenantId: string,
  customerId: string,
  input: { memberRoleIds: string[]; reviewed?: { fingerprint?: string }; shownIn?: readonly string[] },
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
    // A worker job per order placed: one raw statement, not an ORM write compiled for every order.
    // updatedAt as Prisma's @updatedAt sets it: the time of the write.
    async recordAdminMessage(tenantId, orderId, where) {
      await executeSql(
        deps.sql ?? deps.db,
        Prisma.sql`UPDATE orders SET "adminMessageChannelId" = ${where.channelId}, "adminMessageId" = ${where.messageId}, "updatedAt" = ${new Date()}
          WHERE id = ${orderId} AND "tenantId" = ${tenantId} AND "adminMessageId" IS NULL`,
      );
    },
  };
}
