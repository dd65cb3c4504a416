// services.refunds. Error codes (all AppError):
// - REFUND_AMOUNT_INVALID: amount zero, negative or not whole cents; items that are all free.
// - ORDER_NOT_PAID: the order is PENDING_PAYMENT (cancel it instead) or was CANCELLED before payment.
// - REFUND_NOTHING_LEFT: already REFUNDED (nothing remains).
// - REFUND_PRODUCT_NOT_ON_ORDER, REFUND_EXCEEDS_QUANTITY (more units than bought minus refunded),
//   REFUND_EXCEEDS_BALANCE (more than the remaining balance), NOT_FOUND, VALIDATION_FAILED,
//   CONFLICT (idempotency key used on another order; or, with `seen`, a refund recorded on the order since the admin
//   saw it: refunded-meanwhile.ts, nothing refunded).
// Item lines may say restock: false (refunded, not back in stock). Refunds the processor does not return
// carry manualReturnMethod: a to-do for the admin, ticked done with markManualReturnDone.
import type { AfterSaleDeps } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { previewRefund } from './preview-refund.query.js';
import type { RefundInput } from './refund-input.schema.js';
import type { RefundPlan } from './refund-plan.js';
import { refundOrder, type RefundResult } from './refund.command.js';
import { markManualReturnDone, type ManualReturnResult } from './manual-return.command.js';

export type { RefundInput } from './refund-input.schema.js';
export type { RefundPlan, RefundPlanItem } from './refund-plan.js';
export type { RefundResult } from './refund.command.js';
export type { ManualReturnResult } from './manual-return.command.js';
export { MANUAL_RETURN_DONE_AUDIT } from './manual-return.command.js';
export { parseRefundItems } from './refund-items.parser.js';
export type { SeenRefunded } from './refunded-meanwhile.js';

export interface RefundService {
  /** What refund() would do now, without writing anything. Same errors as refund(). */
  preview(ctx: TenantContext, orderId: string, input: RefundInput): Promise<RefundPlan>;
  /** Applies the refund (see refund.command.ts); with an idempotencyKey, a replay returns the first refund. */
  refund(ctx: TenantContext, orderId: string, input: RefundInput): Promise<RefundResult>;
  /**
   * Ticks a by-hand refund's money as sent back (audited). NOT_FOUND for another tenant's refund,
   * ILLEGAL_STATE when the processor returns the money; a repeat returns changed: false.
   */
  markManualReturnDone(ctx: TenantContext, refundId: string): Promise<ManualReturnResult>;
}

/**
 * What the refund service asks before it computes a refund: `learnProviderRefunds` records the refunds made in
 * the provider's own dashboard whose webhook never came (payments-processor's provider-refund-reads.ts, given
 * by the composition root: this module may not import it), so the balance it computes counts them.
 */
export interface RefundServiceHooks {
  learnProviderRefunds?: (ctx: TenantContext, orderId: string) => Promise<unknown>;
}

export function createRefundService(deps: AfterSaleDeps, hooks: RefundServiceHooks = {}): RefundService {
  const learn = async (ctx: TenantContext, orderId: string) => {
    await hooks.learnProviderRefunds?.(ctx, orderId);
  };
  return {
    preview: async (ctx, orderId, input) => {
      await learn(ctx, orderId);
      return previewRefund(deps, ctx, orderId, input);
    },
    refund: async (ctx, orderId, input) => {
      await learn(ctx, orderId);
      return refundOrder(deps, ctx, orderId, input);
    },
    markManualReturnDone: (ctx, refundId) => markManualReturnDone(deps, ctx, refundId),
  };
}
