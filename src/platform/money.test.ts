import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToCents, formatMoney, percentOfCents, prorateCents } from './money.js';

describe('money', () => {
  it('rounds percentages half up to whole cents', () => {
    expect(percentOfCents(1005, 10)).toBe(101); // 100.5 -> 101
    expect(percentOfCents(999, 10)).toBe(100); // 99.9 -> 100
    expect(percentOfCents(0, 50)).toBe(0);
  });

  it('prorates into whole cents that sum to the total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const parts = prorateCents(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          for (const p of parts) expect(Number.isInteger(p) && p >= 0).toBe(true);
        },
      ),
    );
  });

  it('converts decimal amounts to cents', () => {
    expect(decimalToCents(1.005)).toBe(101);
    expect(decimalToCents(0.1 + 0.2)).toBe(30);
    expect(decimalToCents(12.34)).toBe(1234);
  });

  it('formats money', () => {
    expect(formatMoney(1250, 'USD')).toBe('$12.50');
  });
});
