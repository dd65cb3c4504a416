// services.refunds. Error codes (all AppError):
// - REFUND_AMOUNT_INVALID: amount zero, negative or not whole cents; items that are all free.
// - ORDER_NOT_PAID: the order is PENDING_PAYMENT (cancel it instead) or was CANCELLED before payment.
// - REFUND_NOTHING_LEFT: already REFUNDED (nothing remains).
// - REFUND_PRODUCT_NOT_ON_ORDER, REFUND_EXCEEDS_QUANTITY (more units than bought minus refunded),
//   REFUND_EXCEEDS_BALANCE (more than the remaining balance), NOT_FOUND, VALIDATION_FAILED,
//   CONFLICT (idempotency key used on another order).
import type { AfterSaleDeps } from '../order-admin/after-sale.deps.js';
import type { TenantContext } from '../shared/actor.js';
import { previewRefund } from './preview-refund.query.js';
import type { RefundInput } from './refund-input.schema.js';
import type { RefundPlan } from './refund-plan.js';
import { refundOrder, type RefundResult } from './refund.command.js';

export type { RefundInput } from './refund-input.schema.js';
export type { RefundPlan, RefundPlanItem } from './refund-plan.js';
export type { RefundResult } from './refund.command.js';
export { parseRefundItems } from './refund-items.parser.js';

export interface RefundService {
  /** What refund() would do now, without writing anything. Same errors as refund(). */
  preview(ctx: TenantContext, orderId: string, input: RefundInput): Promise<RefundPlan>;
  /** Applies the refund (see refund.command.ts); with an idempotencyKey, a replay returns the first refund. */
  refund(ctx: TenantContext, orderId: string, input: RefundInput): Promise<RefundResult>;
}

export function createRefundService(deps: AfterSaleDeps): RefundService {
  return {
    preview: (ctx, orderId, input) => previewRefund(deps, ctx, orderId, input),
    refund: (ctx, orderId, input) => refundOrder(deps, ctx, orderId, input),
  };
}
