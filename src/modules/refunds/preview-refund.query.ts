// refunds.preview: the plan for the admin form and the /refund confirmation, read without locks or writes.
import { notFound } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import type { AfterSaleDeps } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { refundInput, type RefundInput } from './refund-input.schema.js';
import { resolveItemRefs } from './refund-item-refs.js';
import { planRefund, type RefundPlan } from './refund-plan.js';
import { refundedPartsOf } from './refunded-parts.query.js';
import { refuseIfRefundedMeanwhile } from './refunded-meanwhile.js';

export async function previewRefund(deps: AfterSaleDeps, ctx: TenantContext, orderId: string, raw: RefundInput): Promise<RefundPlan> {
  const input = parseInput(refundInput, raw, 'refund request');
  const order = await deps.db.order.findFirst({ where: { id: orderId, tenantId: ctx.tenantId }, include: { items: true } });
  if (!order) throw notFound('Order', orderId, { orderId });
  // A form opened before a refund recorded since is told so at its preview (the refund checks it again, locked).
  if (input.seen) await refuseIfRefundedMeanwhile(deps.db, order, input.seen, ctx.actor.type, deps.clock);
  return planRefund(
    { ...order, refundedParts: await refundedPartsOf(deps.db, order.id) },
    { amountCents: input.amountCents, items: resolveItemRefs(input.items, order.items) },
  );
}
