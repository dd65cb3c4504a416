// Decimal strings at the provider boundary <-> integer cents, on the digits (never through floats).
import { describe, expect, it } from 'vitest';
import { centsToDecimalString, decimalStringToCents } from './decimal-amount.js';

describe('decimal amounts', () => {
  it('formats cents as the providers want them', () => {
    expect([0, 5, 29, 1234, 100000].map(centsToDecimalString)).toEqual(['0.00', '0.05', '0.29', '12.34', '1000.00']);
  });

  it('parses decimal strings exactly, rounding a third decimal half up, and refuses anything else', () => {
    expect(decimalStringToCents('0.29')).toBe(29);
    expect(decimalStringToCents('12.3')).toBe(1230);
    expect(decimalStringToCents('5.000000')).toBe(500);
    expect(decimalStringToCents('4.994')).toBe(499);
    expect(decimalStringToCents('4.995')).toBe(500);
    expect(decimalStringToCents('10')).toBe(1000);
    for (const bad of ['', 'abc', '1,00', '1e3', '.5']) expect(decimalStringToCents(bad)).toBeNull();
  });
});
