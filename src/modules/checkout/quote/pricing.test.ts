// Property tests on order arithmetic: whatever the catalog, discount, tax and shipping, amounts are whole
// non-negative cents, the discount never exceeds the subtotal, and the parts add up to the total.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discountAmountCents } from '../../discounts/discount-rules.js';
import { taxRequestFor, type QuoteLine } from './order-quote.js';
import { composeTotals, lineDiscounts, subtotalCents } from './pricing.js';
import { centsOfTaxjarDollars } from '../../tax/taxjar-money.js';

const line = fc.record({ quantity: fc.integer({ min: 1, max: 999 }), unitPriceCents: fc.integer({ min: 0, max: 10_000_000 }) });
const lines = fc.array(line, { minLength: 1, maxLength: 20 });
const discount = fc.oneof(
  fc.record({ type: fc.constant('PERCENT' as const), percentOff: fc.integer({ min: 1, max: 100 }), amountOffCents: fc.constant(null) }),
  fc.record({
    type: fc.constant('FIXED_AMOUNT' as const),
    percentOff: fc.constant(null),
    amountOffCents: fc.integer({ min: 1, max: 100_000_000 }),
  }),
);
const isWholeNonNegative = (n: number) => Number.isSafeInteger(n) && n >= 0;

describe('order totals (property-based)', () => {
  it('are whole non-negative cents, the discount never exceeds the subtotal, and the parts sum to the total', () => {
    fc.assert(
      fc.property(
        lines,
        discount,
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        (ls, d, shippingCents, rate) => {
          const sub = subtotalCents(ls);
          const off = discountAmountCents(d, sub);
          // Tax as TaxJar would answer it: a dollar amount with decimals, converted once to cents.
          const taxAmountCents = centsOfTaxjarDollars(((sub - off + shippingCents) * rate) / 100)!;
          const t = composeTotals({ subtotalCents: sub, discountCents: off, shippingCents, taxAmountCents });
          for (const v of Object.values(t)) expect(isWholeNonNegative(v)).toBe(true);
          expect(t.discountCents).toBeLessThanOrEqual(t.subtotalCents);
          expect(t.totalCents).toBe(t.subtotalCents - t.discountCents + t.shippingCents + t.taxAmountCents);
          expect(t.totalCents).toBeGreaterThanOrEqual(t.shippingCents + t.taxAmountCents);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('caps any discount given to composeTotals at the subtotal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e6 }),
        (sub, off, ship) => {
          const t = composeTotals({ subtotalCents: sub, discountCents: off, shippingCents: ship, taxAmountCents: 0 });
          expect(t.discountCents).toBe(Math.min(sub, off));
          expect(t.totalCents).toBeGreaterThanOrEqual(ship);
        },
      ),
    );
  });

  it('shares the discount across lines in whole cents that sum exactly to it, never more than a line', () => {
    fc.assert(
      fc.property(lines, discount, (ls, d) => {
        const off = discountAmountCents(d, subtotalCents(ls));
        const shares = lineDiscounts(ls, off);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(off);
        shares.forEach((s, i) => {
          expect(isWholeNonNegative(s)).toBe(true);
          expect(s).toBeLessThanOrEqual(ls[i]!.quantity * ls[i]!.unitPriceCents);
        });
      }),
    );
  });

  it('sends TaxJar an amount equal to the items after discount', () => {
    fc.assert(
      fc.property(lines, discount, fc.integer({ min: 0, max: 100_000 }), (ls, d, ship) => {
        const quoteLines: QuoteLine[] = ls.map((l, i) => ({
          ...l,
          productId: `p${i}`,
          sku: 's',
          name: 'n',
          lineTotalCents: l.quantity * l.unitPriceCents,
        }));
        const off = discountAmountCents(d, subtotalCents(ls));
        const req = taxRequestFor(quoteLines, off, ship, { line1: 'x', city: 'y', postalCode: '1', country: 'US' });
        expect(req.amountCents).toBe(subtotalCents(ls) - off);
        expect(req.lines.reduce((s, l) => s + l.quantity * l.unitPriceCents - l.discountCents, 0)).toBe(req.amountCents);
        expect(req.shippingCents).toBe(ship);
      }),
    );
  });
});
