// refunds.refund: applies a refund plan in one transaction under the order's row lock, so concurrent
// refunds of one order run one after the other and each sees the balance the previous one left:
// order.refundedTotalCents and status, the settled payment's refundedAmountCents and status, the lines'
// refundedQuantity, stock back for refunded units unless a line said restock: false (inventory.restockItems), entitlements of the refunded
// products revoked (role jobs), the refund row, order.refunded, an audit entry. When the money came in
// through the payment processor's checkout, the same transaction enqueues payment.refund.send, which returns
// it through the processor after commit (never a network call under the row lock); P2P payments are
// returned by the admin by hand (`moneyReturn: 'manual'`): the refund row then carries manualReturnMethod,
// a to-do on the order page until the admin ticks it done (manual-return.command.ts).
// With `seen` (what the admin's form showed, or when they sent /refund), refused when a refund was recorded on the
// order since (refunded-meanwhile.ts).
import type { Order, Payment, Refund } from '../../generated/prisma/index.js';
import { databaseClockNow } from '../../platform/db/database-now.js';
import { isUniqueViolation, withTransaction, type Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { parseInput } from '../../platform/validate.js';
import type { AfterSaleDeps } from '../orders/index.js';
import { lockOrder } from '../orders/index.js';
import { transitionOrder } from '../orders/index.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type OrderRefundedPayload } from '../shared/events.js';
import { enqueueJob } from '../../platform/jobs/queue.js';
import {
  moneyReturnFor,
  PROCESSOR_REFUND_TASK,
  splitMoneyReturn,
  type MoneyReturn,
  type ProcessorRefundPayload,
} from '../payments-processor/processor-refund.task.js';
import { DEFAULT_REFUND_REASON, refundInput, type RefundInput } from './refund-input.schema.js';
import type { RefundItemRequest } from './refund-items.parser.js';
import { resolveItemRefs } from './refund-item-refs.js';
import { mergeRequested, planRefund, refundModeOf, type RefundPlan, type RefundPlanItem } from './refund-plan.js';
import { refundedPartsOf } from './refunded-parts.query.js';
import { refuseIfRefundedMeanwhile } from './refunded-meanwhile.js';

export interface RefundResult {
  refund: Refund;
  order: Order;
  plan: RefundPlan;
  /** True when an idempotencyKey matched an earlier refund, which is returned instead of a new one. */
  replayed: boolean;
  /**
   * 'processor': the payment came through the processor's checkout; a job sends the money back (outcome on
   * the order's audit trail: payment.refund_sent / payment.refund_failed). 'manual': a P2P payment (or none
   * recorded): Ledgerline only records the refund, the admin returns the money by hand.
   */
  moneyReturn: MoneyReturn;
}

export async function refundOrder(deps: AfterSaleDeps, ctx: TenantContext, orderId: string, raw: RefundInput): Promise<RefundResult> {
  const input = parseInput(refundInput, raw, 'refund request');
  try {
    return await withTransaction(deps.db, (tx) => applyRefund(tx, deps, ctx, orderId, input));
  } catch (err) {
    // Two requests with one key on two different orders both passed the check: the unique index decided.
    if (input.idempotencyKey && isUniqueViolation(err, 'idempotencyKey')) {
      return withTransaction(deps.db, async (tx) => {
        const order = await lockOrder(tx, ctx.tenantId, orderId);
        const replay = await replayed(tx, ctx, order, input.idempotencyKey!, input);
        if (!replay) throw err;
        return replay;
      });
    }
    throw err;
  }
}

/**
 * Applies a refund inside the caller's transaction (it locks the order). `then`: cancelling a paid order
 * refunds it in full and ends it CANCELLED instead of REFUNDED (order-admin/cancel-order.command.ts).
 * `madeAtProvider`: the money already went back at the provider, outside Ledgerline (a refund in the shop's
 * PayPal or Square dashboard, provider-refund.command.ts): the refund row names the provider's refund id and
 * nothing is sent, by the processor or by hand.
 */
export async function applyRefund(
  tx: Tx,
  deps: AfterSaleDeps,
  ctx: TenantContext,
  orderId: string,
  input: ReturnType<typeof refundInput.parse>,
  then?: { status: 'CANCELLED'; data: { cancelledAt: Date } },
  madeAtProvider?: { providerRefundId: string },
): Promise<RefundResult> {
  const order = await lockOrder(tx, ctx.tenantId, orderId);
  const lines = await tx.orderItem.findMany({ where: { orderId } });
  // Items named by SKU become their line's product id before the replay check compares them with the stored refund.
  input = { ...input, items: resolveItemRefs(input.items, lines) };
  if (input.idempotencyKey) {
    const replay = await replayed(tx, ctx, order, input.idempotencyKey, input);
    if (replay) return replay;
  }
  // What the admin saw, checked under the row lock after the replay (the same request again is not "meanwhile"):
  // of two admins refunding from the same screen at once, the second is told what the first refunded, not refunded
  // twice. Before the plan, so a full refund meanwhile is told as such, not as "nothing left".
  if (input.seen) await refuseIfRefundedMeanwhile(tx, order, input.seen, ctx.actor.type, deps.clock);
  const plan = planRefund(
    { ...order, items: lines, refundedParts: await refundedPartsOf(tx, orderId) },
    { amountCents: input.amountCents, items: input.items },
  );

  const payment = await settledPayment(tx, orderId);
  if (payment) {
    // The payment normally carries the order total; never push it past its own amount (a CHECK too).
    const refunded = Math.min(payment.amountCents, payment.refundedAmountCents + plan.amountCents);
    await tx.payment.update({
      where: { id: payment.id },
      data: { refundedAmountCents: refunded, status: refunded >= payment.amountCents ? 'refunded' : 'partially_refunded' },
    });
  }
  const refundedTotal = { refundedTotalCents: { increment: plan.amountCents } };
  const updated = then
    ? await transitionOrder(tx, order, then.status, 'cancel', { ...refundedTotal, ...then.data })
    : await transitionOrder(tx, order, plan.resultingStatus, 'refund', refundedTotal);
  for (const item of plan.items) {
    await tx.orderItem.update({
      where: { orderId_productId: { orderId, productId: item.productId } },
      data: { refundedQuantity: { increment: item.quantity } },
    });
  }
  if (plan.items.length > 0) {
    // Units refunded without restock stay out of stock: their reservation keeps them as sold.
    const restock = plan.items.filter((i) => i.restockQuantity > 0).map((i) => ({ productId: i.productId, quantity: i.restockQuantity }));
    await deps.inventory.restockItems(tx, { tenantId: ctx.tenantId, orderId, items: restock });
    await deps.entitlements.revokeForOrder(tx, {
      tenantId: ctx.tenantId,
      orderId,
      productIds: plan.items.map((i) => i.productId),
      reason: `Order #${order.number} refunded`,
    });
  }
  const { moneyReturn, manualReturnMethod, manualReturnCents } = madeAtProvider
    ? { moneyReturn: 'processor' as const, manualReturnMethod: null, manualReturnCents: null }
    : await splitMoneyReturn(tx, payment, plan.amountCents, order.paymentMethod);
  const refund = await tx.refund.create({
    data: {
      tenantId: ctx.tenantId,
      orderId,
      paymentId: payment?.id ?? null,
      mode: plan.mode,
      amountCents: plan.amountCents,
      reason: input.reason || DEFAULT_REFUND_REASON,
      items: plan.items.map(({ productId, quantity, restockQuantity, amountCents, discountCents, taxCents }) => ({
        productId,
        quantity,
        restockQuantity,
        amountCents,
        discountCents,
        taxCents,
      })),
      discountCents: plan.discountCents,
      shippingCents: plan.shippingCents,
      taxCents: plan.taxCents,
      actorType: ctx.actor.type,
      actorId: ctx.actor.id ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      // A to-do for the admin (refunds.markManualReturnDone): the processor will not send this money back.
      // All of it, or the part the processor cannot return (splitMoneyReturn).
      manualReturnMethod,
      manualReturnCents,
      externalRefundId: madeAtProvider?.providerRefundId ?? null,
      // Dated by the database's clock, not the writing instance's: the "refunded meanwhile" check compares it with a
      // command's send time on that clock (refunded-meanwhile.ts), and refunds under the order's lock are dated in order.
      createdAt: await databaseClockNow(tx),
    },
  });
  if (moneyReturn === 'processor' && !madeAtProvider) {
    const job: ProcessorRefundPayload = { tenantId: ctx.tenantId, refundId: refund.id };
    await enqueueJob(tx, PROCESSOR_REFUND_TASK, job);
  }
  const payload: OrderRefundedPayload = {
    tenantId: ctx.tenantId,
    orderId,
    refundId: refund.id,
    amountCents: plan.amountCents,
    productIds: plan.items.map((i) => i.productId),
  };
  // Also reported to TaxJar by its subscriber (a refund transaction, or the order's deletion when it ends CANCELLED).
  await deps.bus.emit(tx, EVENTS.orderRefunded, payload);
  await deps.audit.record(tx, ctx, {
    action: 'order.refunded',
    entityType: 'Order',
    entityId: orderId,
    before: { status: order.status, refundedTotalCents: order.refundedTotalCents },
    after: {
      status: updated.status,
      refundedTotalCents: updated.refundedTotalCents,
      refundId: refund.id,
      mode: plan.mode,
      amountCents: plan.amountCents,
      taxCents: plan.taxCents,
      items: plan.items,
      reason: refund.reason,
      moneyReturn,
      ...(manualReturnCents ? { manualReturnCents, manualReturnMethod } : {}),
      ...(madeAtProvider ? { madeAtProvider: madeAtProvider.providerRefundId } : {}),
    },
  });
  return { refund, order: updated, plan, replayed: false, moneyReturn };
}

/** The payment the money came in on: the latest one that is paid or partly refunded. */
async function settledPayment(tx: Tx, orderId: string): Promise<Payment | null> {
  return tx.payment.findFirst({
    where: { orderId, status: { in: ['paid', 'partially_refunded'] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}

/**
 * What about the earlier refund differs from this request, if anything (Stripe's rule: a key names one
 * request; the same key with other parameters is refused, never answered with the earlier result).
 */
function conflictWith(refund: Refund, input: { amountCents?: number; items?: RefundItemRequest[] }): string | undefined {
  const mode = refundModeOf(input);
  if (mode !== refund.mode) return `mode (${mode} now, ${refund.mode} then)`;
  if ((mode === 'PARTIAL_AMOUNT' || mode === 'BOTH') && input.amountCents !== refund.amountCents)
    return `amountCents (${input.amountCents} now, ${refund.amountCents} then)`;
  if (mode === 'PARTIAL_ITEMS' || mode === 'BOTH') {
    // Lines as the refund stored them: one per product, with how many of its units went back into stock
    // (rows from before restock choices have none: every unit did). "p:2" is all restocked, "p:2/0" none.
    const norm = (items: { productId: string; quantity: number; restockQuantity: number }[]) =>
      items
        .map((i) => `${i.productId}:${i.quantity}${i.restockQuantity === i.quantity ? '' : `/${i.restockQuantity}`}`)
        .sort()
        .join(',');
    const stored = refund.items as unknown as { productId: string; quantity: number; restockQuantity?: number }[];
    const then = norm(stored.map((i) => ({ ...i, restockQuantity: i.restockQuantity ?? i.quantity })));
    const now = norm(mergeRequested(input.items ?? []));
    if (now !== then) return `items (${now} now, ${then} then; n/m means n refunded, m of them restocked)`;
  }
  return undefined;
}

/**
 * The earlier refund with this key, rebuilt as a result; CONFLICT when the key was used on another order,
 * IDEMPOTENCY_KEY_REUSED when it was used for a different refund of this order.
 */
async function replayed(
  tx: Tx,
  ctx: TenantContext,
  order: Order,
  key: string,
  input: { amountCents?: number; items?: RefundItemRequest[] },
): Promise<RefundResult | null> {
  const refund = await tx.refund.findFirst({ where: { tenantId: ctx.tenantId, idempotencyKey: key } });
  if (!refund) return null;
  if (refund.orderId !== order.id) {
    throw new AppError('CONFLICT', 'This idempotency key was already used for a refund of another order.', { idempotencyKey: key });
  }
  const conflict = conflictWith(refund, input);
  if (conflict) {
    throw new AppError(
      'IDEMPOTENCY_KEY_REUSED',
      `This idempotency key was already used for a different refund: ${conflict}. Use a new key for a new refund.`,
      { idempotencyKey: key, conflict },
    );
  }
  const earlier = await tx.refund.aggregate({
    where: { orderId: order.id, OR: [{ createdAt: { lt: refund.createdAt } }, { createdAt: refund.createdAt, id: { lt: refund.id } }] },
    _sum: { amountCents: true },
  });
  const refundedBeforeCents = earlier._sum.amountCents ?? 0;
  const remainingAfterCents = order.totalCents - refundedBeforeCents - refund.amountCents;
  const lines = await tx.orderItem.findMany({ where: { orderId: order.id }, select: { productId: true, name: true } });
  const payment = refund.paymentId ? await tx.payment.findUnique({ where: { id: refund.paymentId } }) : null;
  // Rows written before restock choices existed have no restockQuantity: every unit went back then.
  const items = (
    refund.items as unknown as (Omit<RefundPlanItem, 'name' | 'restockQuantity' | 'discountCents' | 'taxCents'> &
      Partial<Pick<RefundPlanItem, 'restockQuantity' | 'discountCents' | 'taxCents'>>)[]
  ).map((i) => ({
    ...i,
    restockQuantity: i.restockQuantity ?? i.quantity,
    discountCents: i.discountCents ?? 0,
    taxCents: i.taxCents ?? 0,
    name: lines.find((l) => l.productId === i.productId)?.name ?? i.productId,
  }));
  return {
    refund,
    order,
    plan: {
      mode: refund.mode,
      amountCents: refund.amountCents,
      goodsCents: refund.amountCents + refund.discountCents - refund.shippingCents - refund.taxCents,
      discountCents: refund.discountCents,
      shippingCents: refund.shippingCents,
      taxCents: refund.taxCents,
      items,
      refundedBeforeCents,
      remainingAfterCents,
      resultingStatus: remainingAfterCents === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
    },
    replayed: true,
    moneyReturn: moneyReturnFor(payment),
  };
}
