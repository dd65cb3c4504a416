// Order arithmetic in whole cents: line totals, subtotal, discount (capped at the subtotal and shared
// across lines for tax), shipping, tax and total. Pure, so property tests can hammer it.
import { assertCents, prorateCents } from '../../../platform/money.js';

export interface PricedLine {
  quantity: number;
  unitPriceCents: number;
}

export interface Totals {
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxAmountCents: number;
  totalCents: number;
}

export function lineTotalCents(line: PricedLine): number {
  return assertCents(line.quantity * line.unitPriceCents, 'line total');
}

export function subtotalCents(lines: readonly PricedLine[]): number {
  return assertCents(
    lines.reduce((s, l) => s + lineTotalCents(l), 0),
    'subtotal',
  );
}

/** The order discount split across lines in proportion to their totals (parts sum exactly to the discount). */
export function lineDiscounts(lines: readonly PricedLine[], discountCents: number): number[] {
  return prorateCents(discountCents, lines.map(lineTotalCents));
}

/**
 * Subtotal - discount + shipping + tax. Every input must be whole non-negative cents; the discount is
 * capped at the subtotal, so the total is never negative.
 */
export function composeTotals(input: {
  subtotalCents: number;
  discountCents: number;
  shippingCents: number;
  taxAmountCents: number;
}): Totals {
  for (const [k, v] of Object.entries(input)) {
    assertCents(v, k);
    if (v < 0) throw new RangeError(`${k} must not be negative, got ${v}`);
  }
  const discountCents = Math.min(input.discountCents, input.subtotalCents);
  return {
    subtotalCents: input.subtotalCents,
    discountCents,
    shippingCents: input.shippingCents,
    taxAmountCents: input.taxAmountCents,
    totalCents: input.subtotalCents - discountCents + input.shippingCents + input.taxAmountCents,
  };
}
