import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centsToDecimalString, decimalStringToCents, formatMoney, percentOfCents, prorateCents } from './money.js';

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

  it("writes provider amounts in the currency's major unit (yen have no minor unit)", () => {
    expect([0, 5, 29, 1234, 100000, -50].map((c) => centsToDecimalString(c, 'USD'))).toEqual([
      '0.00',
      '0.05',
      '0.29',
      '12.34',
      '1000.00',
      '-0.50',
    ]);
    expect(centsToDecimalString(2450, 'JPY')).toBe('2450');
    expect(centsToDecimalString(1200, 'huf')).toBe('1200');
  });

  it('reads provider amounts exactly in the currency, rounding below its minor unit half away from zero', () => {
    expect(decimalStringToCents('0.29', 'USD')).toBe(29);
    expect(decimalStringToCents('12.3', 'USD')).toBe(1230);
    expect(decimalStringToCents('5.000000', 'USD')).toBe(500);
    expect(decimalStringToCents('4.994', 'USD')).toBe(499);
    expect(decimalStringToCents('4.995', 'USD')).toBe(500);
    expect(decimalStringToCents('10', 'USD')).toBe(1000);
    expect(decimalStringToCents('-0.50', 'USD')).toBe(-50);
    expect(decimalStringToCents('-0.004', 'USD')).toBe(0);
    expect(decimalStringToCents('2450', 'JPY')).toBe(2450);
    expect(decimalStringToCents('2450.00', 'JPY')).toBe(2450);
    expect(decimalStringToCents('2449.5', 'JPY')).toBe(2450);
    expect(decimalStringToCents('1200.00', 'HUF')).toBe(1200);
    for (const bad of ['', 'abc', '1,00', '1e3', '.5', '99999999999999999999']) expect(decimalStringToCents(bad, 'USD')).toBeNull();
  });

  it('formats money', () => {
    expect(formatMoney(1250, 'USD')).toBe('$12.50');
  });
});
