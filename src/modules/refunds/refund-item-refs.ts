// Which line of the order each requested refund item names. An admin may name a product by its id (prod_…)
// or by the SKU the order's line shows (case-insensitive): Discord's admin post, the receipts and the panel's
// line items show SKUs and names, never product ids, so `/refund items:HOOD-LTD:1` must work. An id wins over
// a SKU; a reference matching neither (or a SKU on two lines) is left as given, and the plan refuses it
// naming the order's lines (refund-plan.ts, REFUND_PRODUCT_NOT_ON_ORDER).
import type { RefundItemRequest } from './refund-items.parser.js';

export interface ReferencedLine {
  productId: string;
  sku: string;
}

export function resolveItemRefs<T extends RefundItemRequest>(items: T[] | undefined, lines: ReferencedLine[]): T[] | undefined {
  if (!items) return items;
  return items.map((item) => {
    if (lines.some((l) => l.productId === item.productId)) return item;
    const ref = item.productId.trim().toLowerCase();
    // Two lines of one product (same SKU) name that product; two products sharing a SKU are ambiguous.
    const products = new Set(lines.filter((l) => l.sku.trim().toLowerCase() === ref).map((l) => l.productId));
    return products.size === 1 ? { ...item, productId: [...products][0]! } : item;
  });
}
