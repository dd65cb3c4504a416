// refunds.preview: the plan for the admin form and the /refund confirmation, read without locks or writes.
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import type { AfterSaleDeps } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { refundInput, type RefundInput } from './refund-input.schema.js';
import { resolveItemRefs } from './refund-item-refs.js';
import { planRefund, type RefundPlan } from './refund-plan.js';
import { refundedPartsOf } from './refunded-parts.query.js';

export async function previewRefund(deps: AfterSaleDeps, ctx: TenantContext, orderId: string, raw: RefundInput): Promise<RefundPlan> {
  const input = parseInput(refundInput, raw, 'refund request');
  const order = await deps.db.order.findFirst({ where: { id: orderId, tenantId: ctx.tenantId }, include: { items: true } });
  if (!order) throw new AppError('NOT_FOUND', `Order ${orderId} was not found.`, { orderId });
  return planRefund(
    { ...order, refundedParts: await refundedPartsOf(deps.db, order.id) },
    { amountCents: input.amountCents, items: resolveItemRefs(input.items, order.items) },
  );
}
