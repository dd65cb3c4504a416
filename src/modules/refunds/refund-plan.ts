// What a refund does, computed from the order alone (pure, no I/O): the preview shows it, the refund
// command applies it under the order's lock. Modes (spec 000 "Refund Modes"):
// - FULL (no amount, no items): the whole remaining balance; every unit not yet refunded goes back.
// - PARTIAL_AMOUNT (amount only): that amount; no units, no stock, no entitlements.
// - PARTIAL_ITEMS (items only): those units; amount = sum of quantity x unitPriceCents.
// - BOTH (amount and items): the items drive stock and entitlements, the amount overrides their sum.
// Each requested item line may say restock: false (Shopify's "restock" unticked): its units are refunded
// and their entitlements revoked, but they do not go back into stock. FULL restocks every unit.
import type { OrderStatus, RefundMode } from '../../generated/prisma/index.js';
import { AppError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';
import type { RefundItemRequest } from './refund-items.parser.js';

export interface RefundPlanItem {
  productId: string;
  name: string;
  quantity: number;
  /** Of `quantity`, the units that go back into stock (the rest were damaged or never came back). */
  restockQuantity: number;
  /** quantity x unitPriceCents (for BOTH and FULL informational: the refund amount is the plan's). */
  amountCents: number;
}

export interface RefundPlan {
  mode: RefundMode;
  amountCents: number;
  items: RefundPlanItem[];
  refundedBeforeCents: number;
  remainingAfterCents: number;
  resultingStatus: Extract<OrderStatus, 'PARTIALLY_REFUNDED' | 'REFUNDED'>;
}

export interface RefundableOrder {
  number: number;
  status: OrderStatus;
  currency: string;
  totalCents: number;
  refundedTotalCents: number;
  items: { productId: string; name: string; quantity: number; refundedQuantity: number; unitPriceCents: number }[];
}

export interface PlanRequest {
  amountCents?: number;
  items?: RefundItemRequest[];
}

export function refundModeOf(req: PlanRequest): RefundMode {
  const hasAmount = req.amountCents !== undefined;
  const hasItems = (req.items?.length ?? 0) > 0;
  if (hasAmount && hasItems) return 'BOTH';
  if (hasAmount) return 'PARTIAL_AMOUNT';
  if (hasItems) return 'PARTIAL_ITEMS';
  return 'FULL';
}

/** Throws the refund error codes (see refund.service.ts); otherwise returns what the refund would do. */
export function planRefund(order: RefundableOrder, req: PlanRequest): RefundPlan {
  const label = `#${order.number}`;
  const money = (c: number) => formatMoney(c, order.currency);
  const mode = refundModeOf(req);

  if (req.amountCents !== undefined && (!Number.isSafeInteger(req.amountCents) || req.amountCents <= 0)) {
    throw new AppError('REFUND_AMOUNT_INVALID', `The refund amount must be a whole number of cents greater than 0 (got ${String(req.amountCents)}).`, { amountCents: req.amountCents });
  }
  if (order.status === 'PENDING_PAYMENT') {
    throw new AppError('ORDER_NOT_PAID', `Order ${label} has not been paid, so there is nothing to refund. Cancel it instead: that releases its reserved stock.`, { status: order.status });
  }
  if (order.status === 'CANCELLED') {
    throw new AppError('ORDER_NOT_PAID', `Order ${label} was cancelled before it was paid, so there is nothing to refund.`, { status: order.status });
  }
  const remaining = order.totalCents - order.refundedTotalCents;
  if (order.status === 'REFUNDED' || remaining <= 0) {
    throw new AppError('REFUND_NOTHING_LEFT', `Order ${label} is already fully refunded (${money(order.refundedTotalCents)}).`, { refundedTotalCents: order.refundedTotalCents });
  }

  let items: RefundPlanItem[];
  if (mode === 'FULL') {
    items = order.items
      .filter((l) => l.quantity > l.refundedQuantity)
      .map((l) => {
        const quantity = l.quantity - l.refundedQuantity;
        return { productId: l.productId, name: l.name, quantity, restockQuantity: quantity, amountCents: quantity * l.unitPriceCents };
      });
  } else {
    items = mergeRequested(req.items ?? []).map(({ productId, quantity, restockQuantity }) => {
      const line = order.items.find((l) => l.productId === productId);
      if (!line) throw new AppError('REFUND_PRODUCT_NOT_ON_ORDER', `Product ${productId} is not on order ${label}.`, { productId });
      const left = line.quantity - line.refundedQuantity;
      if (quantity > left) {
        throw new AppError(
          'REFUND_EXCEEDS_QUANTITY',
          `Only ${left} of ${line.name} can still be refunded on order ${label} (${line.quantity} bought, ${line.refundedQuantity} already refunded); ${quantity} requested.`,
          { productId, requested: quantity, refundable: left, bought: line.quantity, refunded: line.refundedQuantity },
        );
      }
      return { productId, name: line.name, quantity, restockQuantity, amountCents: quantity * line.unitPriceCents };
    });
  }

  const itemsSum = items.reduce((s, i) => s + i.amountCents, 0);
  const amountCents = mode === 'FULL' ? remaining : mode === 'PARTIAL_ITEMS' ? itemsSum : req.amountCents!;
  if (amountCents <= 0) {
    throw new AppError('REFUND_AMOUNT_INVALID', `These items were free, so they refund nothing: give an amount (with the items, to put them back in stock).`, { itemsSum });
  }
  if (amountCents > remaining) {
    throw new AppError(
      'REFUND_EXCEEDS_BALANCE',
      `A refund of ${money(amountCents)} is more than the ${money(remaining)} still refundable on order ${label} (total ${money(order.totalCents)}, ${money(order.refundedTotalCents)} already refunded).`,
      { amountCents, remainingCents: remaining },
    );
  }
  const remainingAfterCents = remaining - amountCents;
  return {
    mode,
    amountCents,
    items: mode === 'PARTIAL_AMOUNT' ? [] : items,
    refundedBeforeCents: order.refundedTotalCents,
    remainingAfterCents,
    resultingStatus: remainingAfterCents === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
  };
}

/** One entry per product: units summed, and of them the units to restock (lines without restock: false). */
export function mergeRequested(items: RefundItemRequest[]): { productId: string; quantity: number; restockQuantity: number }[] {
  const byProduct = new Map<string, { quantity: number; restockQuantity: number }>();
  for (const i of items) {
    const m = byProduct.get(i.productId) ?? { quantity: 0, restockQuantity: 0 };
    m.quantity += i.quantity;
    if (i.restock !== false) m.restockQuantity += i.quantity;
    byProduct.set(i.productId, m);
  }
  return [...byProduct].map(([productId, m]) => ({ productId, ...m }));
}
