// Parses the "items" text of /refund and the admin refund form: comma-separated productId:quantity pairs
// ("prod-1:2,prod-2:1"; a line's SKU may stand for its product id, refund-item-refs.ts); the quantity
// defaults to 1 when omitted. Line breaks also separate pairs, so a pasted column works. Errors name the
// entry that is wrong.
import { AppError } from '../../platform/errors.js';
import { SKU_CHARACTERS, SKU_MAX_LENGTH, SKU_PATTERN } from '../catalog/sku.js';

export interface RefundItemRequest {
  productId: string;
  quantity: number;
  /** false: refunded but not back in stock (damaged, never shipped back). Omitted: true. */
  restock?: boolean;
}

const PRODUCT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
/** A product id, or a SKU as the catalog allows it (catalog/sku.ts). */
const isProductRef = (ref: string) => PRODUCT_ID.test(ref) || (ref.length <= SKU_MAX_LENGTH && SKU_PATTERN.test(ref));
const QUANTITY = /^\d{1,6}$/;

/** '' (or only separators) gives []. Throws VALIDATION_FAILED with a message an admin can act on. */
export function parseRefundItems(text: string): RefundItemRequest[] {
  const entries = text
    .split(/[,\n;]/)
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  return entries.map((entry, i) => {
    const where = `Item ${i + 1} ("${entry.length > 40 ? `${entry.slice(0, 40)}…` : entry}")`;
    const parts = entry.split(':').map((p) => p.trim());
    if (parts.length > 2) throw invalid(`${where}: write productId:quantity, e.g. prod-1:2`);
    const [productId = '', qty] = parts;
    if (!isProductRef(productId)) throw invalid(`${where}: "${productId}" is not a product id or SKU (${SKU_CHARACTERS})`);
    if (qty === undefined) return { productId, quantity: 1 };
    if (!QUANTITY.test(qty) || Number(qty) < 1) throw invalid(`${where}: the quantity must be a whole number of at least 1`);
    return { productId, quantity: Number(qty) };
  });
}

function invalid(message: string): AppError {
  // details.fields, as every other invalid field is listed (it was {field: 'items'}, which no surface read).
  return new AppError('VALIDATION_FAILED', `Invalid refund items. ${message}.`, { fields: [{ path: 'items', message }] });
}
