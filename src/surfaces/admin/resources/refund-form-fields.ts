// Which input of the Refund form (components/refund-form.tsx) a refusal is about, so the form says it next to that
// input: the amount field ("amount"), one line's quantity ("lines.<productId>"), or the lines as a whole ("lines").
import { isAppError } from '../../../platform/errors.js';
import type { FieldOf } from './admin-errors.js';

/** The key of the quantity input of the line for `productId` in the form's `record.errors`. */
export const refundLineField = (productId: string): string => `lines.${productId}`;

/** The product ids of the posted `lines` JSON by position (the form's refusals say "lines.<index>.quantity"). */
function postedProductIds(lines: unknown): (string | undefined)[] {
  try {
    const parsed: unknown = typeof lines === 'string' ? JSON.parse(lines) : null;
    if (!Array.isArray(parsed)) return [];
    return parsed.map((l: unknown) => {
      const id = l && typeof l === 'object' ? (l as { productId?: unknown }).productId : undefined;
      return typeof id === 'string' && id.trim() ? id.trim() : undefined;
    });
  } catch {
    return [];
  }
}

/**
 * The form field of a refused input's path: the amount; a line's quantity by the product the posted line names
 * (`lines.1.quantity` -> `lines.<productId>`); anything else about the lines (none, unreadable JSON) the lines.
 */
export function refundFieldOf(postedLines: unknown): FieldOf {
  const ids = postedProductIds(postedLines);
  return (path) => {
    if (path === 'amount' || path === 'amountCents') return 'amount';
    const [head, index] = path.split('.');
    if (head !== 'lines' && head !== 'items') return undefined;
    const id = head === 'lines' && index !== undefined && /^\d+$/.test(index) ? ids[Number(index)] : undefined;
    return id ? refundLineField(id) : 'lines';
  };
}

/**
 * The refusals of the refund service that are about one line (more units than it has left, a product not on the order),
 * as the form's errors under that line; none for any other error.
 */
export function refundLineErrors(err: unknown): Record<string, { message: string }> {
  if (!isAppError(err) || (err.code !== 'REFUND_EXCEEDS_QUANTITY' && err.code !== 'REFUND_PRODUCT_NOT_ON_ORDER')) return {};
  const productId = (err.details as { productId?: unknown } | undefined)?.productId;
  return typeof productId === 'string' ? { [refundLineField(productId)]: { message: err.message } } : { lines: { message: err.message } };
}

/**
 * The notice of a form refusal about lines' quantities, naming each line by its product as the form shows it
 * ("Units of Quantity Tee to refund: a quantity is ..."), not by the posted list's place ("lines.1.quantity"), which
 * counts only the lines sent. Undefined when no line's quantity was refused.
 */
export function refundLinesNotice(errors: Record<string, { message: string }>, nameOf: (productId: string) => string | undefined) {
  const lines = Object.entries(errors).filter(([key]) => key.startsWith('lines.'));
  if (!lines.length) return undefined;
  const said = lines.map(([key, { message }]) => {
    const productId = key.slice('lines.'.length);
    return `Units of ${nameOf(productId) ?? productId} to refund: ${message}`;
  });
  return `Nothing was refunded. ${said.join('; ')}.`;
}
