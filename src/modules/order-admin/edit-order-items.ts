// Editing the lines of an unpaid order (admin panel). Prices of lines already on the order keep their
// snapshot; added products take today's catalog price. Totals are recomputed (see recomputeTotals) and the
// open payment follows the new total; stock is re-reserved for the new quantities in the same transaction
// (OUT_OF_STOCK rolls the whole edit back). The customer is told (order.items_changed, one per edit).
import type { Order, OrderItem, Product } from '../../generated/prisma/index.js';
import type { Tx } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { percentOfCents } from '../../platform/money.js';
import type { TenantContext } from '../shared/actor.js';
import type { AfterSaleDeps, ItemQuantity } from '../orders/index.js';
import { OPEN_PAYMENT_STATUSES } from './cancel-order.command.js';
import { orderLabel } from '../orders/index.js';
import { EVENTS, type OrderItemsChangedPayload } from '../shared/events.js';

export function mergeQuantities(lines: readonly ItemQuantity[]): ItemQuantity[] {
  const byProduct = new Map<string, number>();
  for (const l of lines) byProduct.set(l.productId, (byProduct.get(l.productId) ?? 0) + l.quantity);
  return [...byProduct].map(([productId, quantity]) => ({ productId, quantity }));
}

interface Totals {
  subtotalCents: number;
  discountCents: number;
  taxAmountCents: number;
  totalCents: number;
}

/**
 * New totals for a new subtotal. The discount is re-applied by its own rule (percent, or a fixed amount
 * capped at the subtotal; nothing under its minimum subtotal); a discount deleted since keeps its amount,
 * capped. Tax is scaled with the taxable amount (the order's effective rate is kept): the tax service is
 * not called again for an admin edit. Shipping is unchanged.
 */
export function recomputeTotals(
  order: Pick<Order, 'subtotalCents' | 'discountCents' | 'shippingCents' | 'taxAmountCents'>,
  subtotalCents: number,
  discount: { type: 'PERCENT' | 'FIXED_AMOUNT'; percentOff: number | null; amountOffCents: number | null; minSubtotalCents: number } | null,
): Totals {
  let discountCents: number;
  if (discount) {
    if (subtotalCents < discount.minSubtotalCents) discountCents = 0;
    else if (discount.type === 'PERCENT') discountCents = percentOfCents(subtotalCents, discount.percentOff ?? 0);
    else discountCents = discount.amountOffCents ?? 0;
  } else {
    discountCents = order.discountCents;
  }
  discountCents = Math.min(discountCents, subtotalCents);
  const oldTaxable = order.subtotalCents - order.discountCents;
  const newTaxable = subtotalCents - discountCents;
  // Half-up rounding of oldTax * newTaxable / oldTaxable in integers.
  const taxAmountCents = oldTaxable > 0 ? Math.floor((2 * order.taxAmountCents * newTaxable + oldTaxable) / (2 * oldTaxable)) : 0;
  return { subtotalCents, discountCents, taxAmountCents, totalCents: subtotalCents - discountCents + order.shippingCents + taxAmountCents };
}

/** Replaces the order's lines with `lines` (the full new list). The caller holds the order lock. */
export async function editOrderItems(tx: Tx, deps: AfterSaleDeps, ctx: TenantContext, order: Order, lines: ItemQuantity[]): Promise<Order> {
  if (order.status !== 'PENDING_PAYMENT') {
    throw new AppError('INVALID_TRANSITION', `The lines of order ${orderLabel(order)} are frozen once it is paid: refund items instead.`, {
      status: order.status,
    });
  }
  const wanted = mergeQuantities(lines);
  const current = await tx.orderItem.findMany({ where: { orderId: order.id } });
  const byProduct = new Map<string, OrderItem>(current.map((i) => [i.productId, i]));
  const added = wanted.filter((l) => !byProduct.has(l.productId));
  // Held against a delete until COMMIT (FOR KEY SHARE), as submit holds its products: order_items has no foreign key to
  // products, and a delete in the panel (catalog/ordered-product.ts, under FOR UPDATE) that ran after the reservation
  // below read the product and before this edit committed counted none of its lines, so a role or download product
  // left the order with a line for nothing: paid, and no role or key given. The delete now waits for this edit, then
  // sees the line and refuses.
  const addedIds = added.map((l) => l.productId);
  const products = addedIds.length
    ? await tx.$queryRaw<Pick<Product, 'id' | 'sku' | 'name' | 'currency' | 'unitPriceCents' | 'active'>[]>`
        SELECT id, sku, name, currency, "unitPriceCents", active FROM products
        WHERE "tenantId" = ${ctx.tenantId} AND id = ANY(${addedIds}::text[]) FOR KEY SHARE`
    : [];
  for (const l of added) {
    const p = products.find((x) => x.id === l.productId);
    if (!p || !p.active)
      throw new AppError('NOT_FOUND', `Product ${l.productId} was not found in this shop's catalog.`, { productId: l.productId });
    if (p.currency !== order.currency)
      throw new AppError('CURRENCY_MISMATCH', `${p.name} is priced in ${p.currency}, the order in ${order.currency}.`, { productId: p.id });
  }

  await tx.orderItem.deleteMany({ where: { orderId: order.id, productId: { notIn: wanted.map((l) => l.productId) } } });
  let subtotalCents = 0;
  // A line the admin adds goes after the customer's (positions: order-detail.ts, ORDER_ITEMS_ORDER_BY).
  let nextPosition = Math.max(-1, ...current.map((c) => c.position)) + 1;
  for (const l of wanted) {
    const existing = byProduct.get(l.productId);
    if (existing) {
      if (existing.quantity !== l.quantity) await tx.orderItem.update({ where: { id: existing.id }, data: { quantity: l.quantity } });
      subtotalCents += existing.unitPriceCents * l.quantity;
    } else {
      const p = products.find((x) => x.id === l.productId)!;
      await tx.orderItem.create({
        data: {
          orderId: order.id,
          productId: p.id,
          sku: p.sku,
          name: p.name,
          quantity: l.quantity,
          unitPriceCents: p.unitPriceCents,
          position: nextPosition++,
        },
      });
      subtotalCents += p.unitPriceCents * l.quantity;
    }
  }

  const discount = order.discountId ? await tx.discount.findUnique({ where: { id: order.discountId } }) : null;
  const totals = recomputeTotals(order, subtotalCents, discount);
  const updated = await tx.order.update({ where: { id: order.id }, data: totals });
  await tx.payment.updateMany({
    where: { orderId: order.id, status: { in: [...OPEN_PAYMENT_STATUSES] } },
    data: { amountCents: totals.totalCents },
  });

  // Re-reserve: give every reserved unit back, forget the old reservations, reserve the new quantities.
  await deps.inventory.releaseForOrder(tx, { tenantId: ctx.tenantId, orderId: order.id });
  await tx.inventoryReservation.deleteMany({ where: { orderId: order.id, tenantId: ctx.tenantId } });
  await deps.inventory.reserveForOrder(tx, { tenantId: ctx.tenantId, orderId: order.id, lines: wanted });

  const entry = await deps.audit.record(tx, ctx, {
    action: 'order.items_changed',
    entityType: 'Order',
    entityId: order.id,
    before: {
      items: current.map((i) => ({ productId: i.productId, quantity: i.quantity })),
      subtotalCents: order.subtotalCents,
      discountCents: order.discountCents,
      taxAmountCents: order.taxAmountCents,
      totalCents: order.totalCents,
    },
    after: { items: wanted, ...totals },
  });
  const notice: OrderItemsChangedPayload = {
    tenantId: ctx.tenantId,
    orderId: order.id,
    changeId: entry.id,
    totalBeforeCents: order.totalCents,
    totalAfterCents: totals.totalCents,
  };
  await deps.bus.emit(tx, EVENTS.orderItemsChanged, notice, { jobKey: `order-items-changed:${entry.id}` });
  return updated;
}
