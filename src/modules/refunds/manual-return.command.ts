// refunds.markManualReturnDone: the admin ticks that the money of a by-hand refund (Venmo, Zelle, Cash App,
// ...; `manualReturnMethod` set by the refund command) was sent back to the customer. Until then the order
// page keeps showing "Send $X back to <customer> by <method>". One conditional UPDATE in a transaction with
// the audit entry and refund.manual_return_done (the order's admin post is refreshed: a cancelled order's stops
// asking for the money back), so two ticks at once record one change; a repeat is a no-op (changed: false).
import type { Refund } from '../../generated/prisma/index.js';
import { withTransaction } from '../../platform/db/prisma.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { AfterSaleDeps } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type ManualReturnDonePayload } from '../shared/events.js';

export const MANUAL_RETURN_DONE_AUDIT = 'refund.manual_return_done';

export interface ManualReturnResult {
  refund: Refund;
  /** False when it was already ticked done (by anyone): nothing was written. */
  changed: boolean;
}

export async function markManualReturnDone(deps: AfterSaleDeps, ctx: TenantContext, refundId: string): Promise<ManualReturnResult> {
  return withTransaction(deps.db, async (tx) => {
    // Tenant-scoped read: another shop's refund id is simply not found.
    const refund = await tx.refund.findFirst({ where: { id: refundId, tenantId: ctx.tenantId } });
    if (!refund) throw notFound('Refund', refundId, { refundId });
    if (!refund.manualReturnMethod) {
      throw new AppError('ILLEGAL_STATE', 'This refund goes back through the payment processor: there is nothing to send by hand.', {
        refundId,
      });
    }
    const doneAt = deps.clock.now();
    const { count } = await tx.refund.updateMany({
      where: { id: refund.id, tenantId: ctx.tenantId, manualReturnDoneAt: null },
      data: { manualReturnDoneAt: doneAt, manualReturnDoneByType: ctx.actor.type, manualReturnDoneById: ctx.actor.id ?? null },
    });
    const current = await tx.refund.findUniqueOrThrow({ where: { id: refund.id } });
    if (count === 0) return { refund: current, changed: false };
    await deps.audit.record(tx, ctx, {
      action: MANUAL_RETURN_DONE_AUDIT,
      entityType: 'Order',
      entityId: refund.orderId,
      before: { refundId: refund.id, manualReturnDoneAt: null },
      after: {
        refundId: refund.id,
        manualReturnDoneAt: doneAt.toISOString(),
        amountCents: refund.amountCents,
        method: refund.manualReturnMethod,
      },
    });
    const payload: ManualReturnDonePayload = { tenantId: ctx.tenantId, orderId: refund.orderId, refundId: refund.id };
    await deps.bus.emit(tx, EVENTS.manualReturnDone, payload, { jobKey: `manual-return-done:${refund.id}` });
    return { refund: current, changed: true };
  });
}
