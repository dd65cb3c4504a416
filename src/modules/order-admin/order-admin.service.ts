// services.orderAdmin: what an admin does to an existing order besides payments and refunds.
import type { Order } from '../../generated/prisma/index.js';
import type { TenantContext } from '../shared/actor.js';
import type { AfterSaleDeps } from '../orders/index.js';
import { cancelOrder, cancelOrderForCustomer } from './cancel-order.command.js';
import { deleteOrder, type DeleteOrderResult } from './delete-order.command.js';
import { updateOrder, type UpdatedOrder, type UpdateOrderInput } from './update-order.command.js';

export { ORDER_TRANSITIONS, SHIPPING_TRANSITIONS } from '../orders/index.js';
export type { OrderDetail } from '../orders/index.js';

export interface OrderAdminService {
  /**
   * See update-order.command.ts for the rules. Codes: NOT_FOUND, VALIDATION_FAILED, INVALID_TRANSITION, ORDER_NOT_PAID, ILLEGAL_STATE,
   * OUT_OF_STOCK, CURRENCY_MISMATCH, CONFLICT (a stale form), REFUND_CONFIRMATION_REQUIRED (status CANCELLED of a paid order without
   * `confirmRefundCents` equal to the refund it makes: nothing written; details say what it would do, cancel-refund-consent.ts).
   * A confirmed cancel of a paid order answers what it did as `cancelRefund` (the same figures).
   */
  update(ctx: TenantContext, orderId: string, input: UpdateOrderInput): Promise<UpdatedOrder>;
  /**
   * PENDING_PAYMENT -> CANCELLED, stock released, order.cancelled (admin_cancelled). Idempotent. PAID: refunded in full and
   * CANCELLED, only with `confirmRefundCents` (REFUND_CONFIRMATION_REQUIRED otherwise, nothing written); later statuses:
   * INVALID_TRANSITION (refund instead).
   */
  cancel(
    ctx: TenantContext,
    orderId: string,
    input?: { note?: string; confirmRefundCents?: number },
  ): Promise<{ order: Order; changed: boolean }>;
  /**
   * The customer's own cancel (Discord): PENDING_PAYMENT -> CANCELLED like cancel (stock and discount use
   * back, order.cancelled customer_cancelled). NOT_FOUND unless `customerId` owns the order; ILLEGAL_STATE
   * once paid. Idempotent (changed=false when already cancelled).
   */
  cancelForCustomer(ctx: TenantContext, orderId: string, customerId: string): Promise<{ order: Order; changed: boolean }>;
  /** Deletes the order after releasing its stock, revoking its entitlements and recording a snapshot. */
  delete(ctx: TenantContext, orderId: string): Promise<DeleteOrderResult>;
}

export function createOrderAdminService(deps: AfterSaleDeps): OrderAdminService {
  return {
    update: (ctx, orderId, input) => updateOrder(deps, ctx, orderId, input),
    cancel: (ctx, orderId, input) => cancelOrder(deps, ctx, orderId, input ?? {}),
    cancelForCustomer: (ctx, orderId, customerId) => cancelOrderForCustomer(deps, ctx, orderId, customerId),
    delete: (ctx, orderId) => deleteOrder(deps, ctx, orderId),
  };
}
