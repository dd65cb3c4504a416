// orderAdmin.delete: removes the order for good (its lines, payments, refunds, reservations, checkouts and
// entitlements go with it). Refused (ILLEGAL_STATE, saying what to do) while processor money of the order is
// still moving, since the rows it needs go with the order: a checkout the customer can still pay or is paying
// (its webhooks would find nothing), money that could not pay the order and is being refunded, or a refund
// not yet sent (its job would find no refund). Checked under the order's row lock, which those writers take.
// Before the row goes, in the same transaction:
// - reserved units not yet released go back to stock (inventory.releaseForOrder);
// - an unpaid order's discount use is given back (a cancelled one gave it back when it was cancelled);
// - GRANTED entitlements are revoked and their role-removal jobs enqueued (the job payload carries a
//   snapshot, so it still works once the rows are gone);
// - an audit entry keeps a full snapshot of what was deleted (audit rows are not tied to the order);
// - its closed checkouts that can still take money at the provider are kept (late-money.ts keepForLateMoney, their
//   windows read by the database's clock): money that arrives for them later is refunded or flagged for the admins
//   (deleted-order-money.ts);
// - the TaxJar sync is enqueued: a paid order's transactions filed there are deleted (tax-sync.job.ts);
// - order.deleted is emitted (the shop's outgoing webhooks; its subscribers read the order from the audit entry).
import { withTransaction } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { keepForLateMoney } from '../payments-processor/checkouts/late-money.js';
import { whyOrderMoneyIsMoving } from '../payments-processor/checkouts/money-in-flight.query.js';
import type { TenantContext } from '../shared/actor.js';
import { EVENTS, type OrderDeletedPayload } from '../shared/events.js';
import type { AfterSaleDeps } from '../orders/index.js';
import { lockOrder, orderLabel } from '../orders/index.js';
import { deleteOrderRow } from '../orders/index.js';
import { enqueueTaxSync } from '../tax/tax-sync.enqueue.js';

export interface DeleteOrderResult {
  orderId: string;
  number: number;
  releasedStock: { productId: string; quantity: number }[];
  revokedEntitlementIds: string[];
}

export async function deleteOrder(deps: AfterSaleDeps, ctx: TenantContext, orderId: string): Promise<DeleteOrderResult> {
  return withTransaction(deps.db, async (tx) => {
    const order = await lockOrder(tx, ctx.tenantId, orderId);
    const moving = await whyOrderMoneyIsMoving(tx, order);
    if (moving) throw new AppError('ILLEGAL_STATE', `Order ${orderLabel(order)} cannot be deleted yet. ${moving}`, { orderId });
    const snapshot = await tx.order.findUniqueOrThrow({
      where: { id: orderId },
      include: { items: true, payments: true, refunds: true, reservations: true, entitlements: true },
    });
    const releasedStock = await deps.inventory.releaseForOrder(tx, { tenantId: ctx.tenantId, orderId });
    if (order.status === 'PENDING_PAYMENT') await deps.discounts.returnUse(tx, order);
    const revoked = await deps.entitlements.revokeForOrder(tx, {
      tenantId: ctx.tenantId,
      orderId,
      reason: `Order ${orderLabel(order)} deleted`,
    });
    await deps.audit.record(tx, ctx, {
      action: 'order.deleted',
      entityType: 'Order',
      entityId: orderId,
      before: snapshot,
      after: { releasedStock, revokedEntitlementIds: revoked.map((e) => e.id) },
    });
    const keptCheckouts = await keepForLateMoney(tx, order);
    if (keptCheckouts) deps.logger.info({ orderId, keptCheckouts }, 'checkouts of the deleted order kept for late money');
    await deleteOrderRow(tx, order);
    await enqueueTaxSync(tx, ctx.tenantId, orderId);
    const deleted: OrderDeletedPayload = { tenantId: ctx.tenantId, orderId, deletedAt: deps.clock.now().toISOString() };
    await deps.bus.emit(tx, EVENTS.orderDeleted, deleted, { jobKey: `order-deleted:${orderId}` });
    return { orderId, number: order.number, releasedStock, revokedEntitlementIds: revoked.map((e) => e.id) };
  });
}
