// payments.reject: the admin's "Reject" (button + modal, or the panel). The payment becomes rejected with
// the reason, and the order is cancelled (stock released, order.cancelled with reason payment_rejected).
// receivedCentsShown: the amount received the form showed (Discord's reject modal, the API's
// expectedAmountReceivedCents). Money recorded since refuses the rejection under the order's lock, as a receipt is
// refused (recorded-meanwhile.ts): an admin who rejected for "No payment received" did not see the $30 another admin
// recorded meanwhile, and the order would be cancelled with that money to send back.
import { z } from 'zod';
import { withTransaction } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import type { AfterSaleDeps } from '../orders/index.js';
import { cancelLockedOrder, OPEN_PAYMENT_STATUSES } from '../orders/index.js';
import { lockOrder, orderLabel } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { orderIdOfPayment, type PaymentResult } from './confirm-payment.command.js';
import { recordedMeanwhileRefusal, REJECT_NOT_DONE } from './recorded-meanwhile.js';

export const rejectInput = z
  .object({
    paymentId: z.string().min(1),
    reason: z.string().trim().min(1, 'a reason is required').max(500),
    receivedCentsShown: z.number().int().min(0).optional(),
  })
  .strict();

/**
 * Idempotent: rejecting a payment already rejected (or whose order is already cancelled) returns
 * changed=false. A payment already confirmed is refused with ILLEGAL_STATE: refund the order instead.
 */
export async function rejectPayment(deps: AfterSaleDeps, ctx: TenantContext, input: unknown): Promise<PaymentResult> {
  const { paymentId, reason, receivedCentsShown } = parseInput(rejectInput, input, 'payment rejection');
  return withTransaction(deps.db, async (tx) => {
    const orderId = await orderIdOfPayment(tx, ctx.tenantId, paymentId);
    const order = await lockOrder(tx, ctx.tenantId, orderId);
    const payment = await tx.payment.findUniqueOrThrow({ where: { id: paymentId } });

    if (order.status === 'CANCELLED' || payment.status === 'rejected') return { order, payment, changed: false };
    if (order.status !== 'PENDING_PAYMENT' || !OPEN_PAYMENT_STATUSES.includes(payment.status)) {
      throw new AppError(
        'ILLEGAL_STATE',
        `The payment for order ${orderLabel(order)} was already confirmed, so it can no longer be rejected: refund the order instead.`,
        { status: order.status, paymentStatus: payment.status },
      );
    }
    if (receivedCentsShown !== undefined) {
      const seen = { receivedCents: receivedCentsShown };
      const refusal = await recordedMeanwhileRefusal(tx, order, seen, ctx.actor.type, deps.clock, REJECT_NOT_DONE);
      if (refusal) throw refusal;
    }
    const rejected = await tx.payment.update({ where: { id: payment.id }, data: { status: 'rejected', rejectedReason: reason } });
    const cancelled = await cancelLockedOrder(tx, deps, ctx, order, { reason: 'payment_rejected', note: reason });
    await deps.audit.record(tx, ctx, {
      action: 'payment.rejected',
      entityType: 'Payment',
      entityId: payment.id,
      before: { status: payment.status },
      after: { status: 'rejected', reason },
    });
    return { order: cancelled, payment: rejected, changed: true };
  });
}
