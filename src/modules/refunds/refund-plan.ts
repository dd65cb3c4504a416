// What a refund does, computed from the order alone (pure, no I/O): the preview shows it, the refund
// command applies it under the order's lock. Modes (spec 000 "Refund Modes"):
// - FULL (no amount, no items): the whole remaining balance; every unit not yet refunded goes back.
// - PARTIAL_AMOUNT (amount only): that amount; no units, no stock, no entitlements.
// - PARTIAL_ITEMS (items only): those units at their price, less their share of the order discount, plus
//   their share of the sales tax (refund-shares.ts; docs/decisions/refund-tax-share.md).
// - BOTH (amount and items): the items drive stock and entitlements, the amount overrides their sum.
// Every plan says which part of its amount is tax (and discount, shipping): the preview, the replies and
// the DM show it, and the TaxJar refund transaction reports it.
// Each requested item line may say restock: false (Shopify's "restock" unticked): its units are refunded
// and their entitlements revoked, but they do not go back into stock. FULL restocks every unit.
import type { OrderStatus, RefundMode } from '../../generated/prisma/index.js';
import { AppError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money.js';
import type { RefundItemRequest } from './refund-items.parser.js';
import {
  lineShares,
  remainingParts,
  splitAmount,
  unitsShare,
  type RefundedParts,
  type RefundParts,
  type ShareOrder,
} from './refund-shares.js';

export interface RefundPlanItem {
  productId: string;
  name: string;
  quantity: number;
  /** Of `quantity`, the units that go back into stock (the rest were damaged or never came back). */
  restockQuantity: number;
  /** quantity x unitPriceCents (for BOTH and FULL informational: the refund amount is the plan's). */
  amountCents: number;
  /** These units' share of the order discount and of its sales tax (refund-shares.ts). */
  discountCents: number;
  taxCents: number;
}

export interface RefundPlan extends RefundParts {
  mode: RefundMode;
  /** goodsCents - discountCents + shippingCents + taxCents. */
  amountCents: number;
  items: RefundPlanItem[];
  refundedBeforeCents: number;
  remainingAfterCents: number;
  resultingStatus: Extract<OrderStatus, 'PARTIALLY_REFUNDED' | 'REFUNDED'>;
}

export interface RefundableOrder extends ShareOrder {
  number: number;
  status: OrderStatus;
  currency: string;
  items: { productId: string; sku?: string; name: string; quantity: number; refundedQuantity: number; unitPriceCents: number }[];
  /** The parts earlier refunds carried back (zeros when none). */
  refundedParts: RefundedParts;
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
    throw new AppError(
      'REFUND_AMOUNT_INVALID',
      `The refund amount must be a whole number of cents greater than 0 (got ${String(req.amountCents)}).`,
      { amountCents: req.amountCents },
    );
  }
  if (order.status === 'PENDING_PAYMENT') {
    throw new AppError(
      'ORDER_NOT_PAID',
      `Order ${label} has not been paid, so there is nothing to refund. Cancel it instead: that releases its reserved stock.`,
      { status: order.status },
    );
  }
  if (order.status === 'CANCELLED') {
    // A part payment received before the cancel was recorded then as owed back (orders/cancel-unpaid.ts).
    const owed =
      order.refundedTotalCents > 0
        ? ` The ${money(order.refundedTotalCents)} received was recorded to send back to the customer: the order page has it.`
        : '';
    throw new AppError('ORDER_NOT_PAID', `Order ${label} was cancelled before it was paid, so there is nothing to refund.${owed}`, {
      status: order.status,
    });
  }
  const remaining = order.totalCents - order.refundedTotalCents;
  if (order.status === 'REFUNDED' || remaining <= 0) {
    throw new AppError('REFUND_NOTHING_LEFT', `Order ${label} is already fully refunded (${money(order.refundedTotalCents)}).`, {
      refundedTotalCents: order.refundedTotalCents,
    });
  }

  const shares = lineShares(order);
  const shareOf = (productId: string) => shares.lines.find((l) => l.productId === productId)!;
  let items: RefundPlanItem[];
  if (mode === 'FULL') {
    items = order.items
      .filter((l) => l.quantity > l.refundedQuantity)
      .map((l) => {
        const quantity = l.quantity - l.refundedQuantity;
        return {
          productId: l.productId,
          name: l.name,
          quantity,
          restockQuantity: quantity,
          amountCents: quantity * l.unitPriceCents,
          ...unitsShare(shareOf(l.productId), l, quantity),
        };
      });
  } else {
    items = mergeRequested(req.items ?? []).map(({ productId, quantity, restockQuantity }) => {
      const line = order.items.find((l) => l.productId === productId);
      if (!line)
        throw new AppError('REFUND_PRODUCT_NOT_ON_ORDER', `Product ${productId} is not on order ${label}. ${orderLinesText(order.items)}`, {
          productId,
        });
      const left = line.quantity - line.refundedQuantity;
      if (quantity > left) {
        throw new AppError(
          'REFUND_EXCEEDS_QUANTITY',
          `Only ${left} of ${line.name} can still be refunded on order ${label} (${line.quantity} bought, ${line.refundedQuantity} already refunded); ${quantity} requested.`,
          { productId, requested: quantity, refundable: left, bought: line.quantity, refunded: line.refundedQuantity },
        );
      }
      return {
        productId,
        name: line.name,
        quantity,
        restockQuantity,
        amountCents: quantity * line.unitPriceCents,
        ...unitsShare(shareOf(productId), line, quantity),
      };
    });
  }

  const left = remainingParts(order, order.refundedParts);
  const sum = (f: (i: RefundPlanItem) => number) => items.reduce((s, i) => s + f(i), 0);
  const itemParts: RefundParts = {
    goodsCents: sum((i) => i.amountCents),
    discountCents: Math.min(
      sum((i) => i.discountCents),
      left.discountCents,
    ),
    shippingCents: 0,
    taxCents: Math.min(
      sum((i) => i.taxCents),
      left.taxCents,
    ),
  };
  let parts: RefundParts;
  if (mode === 'FULL')
    parts = { goodsCents: left.goodsCents, discountCents: left.discountCents, shippingCents: left.shippingCents, taxCents: left.taxCents };
  else if (mode === 'PARTIAL_ITEMS') parts = itemParts;
  else if (mode === 'BOTH')
    parts = splitAmount(
      req.amountCents!,
      {
        netGoodsCents: itemParts.goodsCents - itemParts.discountCents,
        discountCents: itemParts.discountCents,
        shippingCents: 0,
        taxCents: itemParts.taxCents,
      },
      left,
    );
  else
    parts = splitAmount(
      req.amountCents!,
      {
        netGoodsCents: left.goodsCents - left.discountCents,
        discountCents: left.discountCents,
        shippingCents: left.shippingCents,
        taxCents: left.taxCents,
      },
      left,
    );
  const amountCents = mode === 'FULL' ? remaining : parts.goodsCents - parts.discountCents + parts.shippingCents + parts.taxCents;
  if (amountCents <= 0) {
    throw new AppError(
      'REFUND_AMOUNT_INVALID',
      `These items were free, so they refund nothing: give an amount (with the items, to put them back in stock).`,
      { itemsSum: itemParts.goodsCents },
    );
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
    ...parts,
    items: mode === 'PARTIAL_AMOUNT' ? [] : items,
    refundedBeforeCents: order.refundedTotalCents,
    remainingAfterCents,
    resultingStatus: remainingAfterCents === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
  };
}

/** One entry per product: units summed, and of them the units to restock (lines without restock: false). */
/** The order's lines as an admin can name them in a refund: by SKU (or product id), at most 10 listed. */
function orderLinesText(items: RefundableOrder['items']): string {
  const shown = items.slice(0, 10).map((l) => `${l.name} (${l.sku ? `SKU ${l.sku}, ` : ''}${l.productId})`);
  const more = items.length > shown.length ? `, and ${items.length - shown.length} more` : '';
  return `Name its items by SKU or product id: ${shown.join(', ')}${more}.`;
}

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
