// A refund the shop made at the provider itself, outside Ledgerline (PayPal's or Square's dashboard), recorded
// as a Refund of the order when its webhook says it completed. The money already reached the customer, so
// nothing is sent; but the order follows the spec's cumulative rule (PARTIALLY_REFUNDED, or REFUNDED at the
// total), order.refunded goes out (entitlements, TaxJar, the customer's DM), and the next Ledgerline refund's
// remaining balance counts it, so no money is returned twice.
// - Less than what is left: PARTIAL_AMOUNT (the spec's "Partial by amount": no stock, no entitlements; which
//   lines it covers is the admin's call, who can still refund items with an amount later).
// - What is left or more: FULL (the spec's "Full refund": stock back, entitlements revoked), capped at what
//   is left: the order ends REFUNDED and keeps nothing the customer no longer paid for.
// Runs in the caller's transaction (the webhook's), under the order's row lock; one provider refund id is
// recorded once (refunds.externalRefundId, unique per tenant).
import type { Order, Refund } from '../../generated/prisma/index.js';
import type { Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import type { AfterSaleDeps } from '../orders/index.js';
import { lockOrder } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { refundInput } from './refund-input.schema.js';
import { applyRefund } from './refund.command.js';
import { planRefund } from './refund-plan.js';
import { refundedPartsOf } from './refunded-parts.query.js';

export interface ProviderRefundInput {
  orderId: string;
  /** The payment the provider refunded (PayPal capture id, Square payment id): the order's settled payment. */
  paymentReference: string;
  providerRefundId: string;
  amountCents: number;
  /** "PayPal's dashboard", "Square's dashboard": where the refund was made, for the refund's reason. */
  where: string;
}

export type ProviderRefundOutcome =
  | { outcome: 'recorded'; refund: Refund; order: Order; excessCents: number }
  | { outcome: 'duplicate'; refund: Refund }
  | { outcome: 'not_recorded'; why: string };

export async function recordRefundMadeAtProvider(
  tx: Tx,
  deps: AfterSaleDeps,
  ctx: TenantContext,
  input: ProviderRefundInput,
): Promise<ProviderRefundOutcome> {
  const order = await lockOrder(tx, ctx.tenantId, input.orderId);
  const seen = await tx.refund.findFirst({ where: { tenantId: ctx.tenantId, externalRefundId: input.providerRefundId } });
  if (seen) return { outcome: 'duplicate', refund: seen };
  const payment = await tx.payment.findFirst({
    where: { orderId: order.id, providerReference: input.paymentReference, status: { in: ['paid', 'partially_refunded', 'refunded'] } },
  });
  if (!payment) return { outcome: 'not_recorded', why: 'the payment it refunds is not the payment this order is recorded as paid with' };
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents <= 0)
    return { outcome: 'not_recorded', why: 'the provider did not say how much it refunded' };
  const left = order.totalCents - order.refundedTotalCents;
  const reason = `Refunded in ${input.where} outside Ledgerline (refund ${input.providerRefundId})`.slice(0, 500);
  const request = refundInput.parse(input.amountCents >= left ? { reason } : { reason, amountCents: input.amountCents });
  try {
    // The plan alone first (pure, it writes nothing): a refusal is told to the admins, not retried.
    const lines = await tx.orderItem.findMany({ where: { orderId: order.id } });
    planRefund({ ...order, items: lines, refundedParts: await refundedPartsOf(tx, order.id) }, { amountCents: request.amountCents });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { outcome: 'not_recorded', why: err.message };
  }
  const done = await applyRefund(tx, deps, ctx, order.id, request, undefined, { providerRefundId: input.providerRefundId });
  return { outcome: 'recorded', refund: done.refund, order: done.order, excessCents: Math.max(0, input.amountCents - left) };
}
