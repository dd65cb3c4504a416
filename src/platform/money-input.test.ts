// parseMoneyInput: what may lead an amount a person typed (a currency sign or the currency's own code) and
// what may not (any other letters, a Unicode minus).
import { describe, expect, it } from 'vitest';
import { parseMoneyInput } from './money.js';

describe('parseMoneyInput', () => {
  it('takes a currency sign or the currency code before the amount', () => {
    expect(parseMoneyInput('12')).toBe(1200);
    expect(parseMoneyInput('$1,250.99')).toBe(125099);
    expect(parseMoneyInput('US$ 20')).toBe(2000);
    expect(parseMoneyInput('USD 7.25', 'USD')).toBe(725);
    expect(parseMoneyInput('usd7.25', 'USD')).toBe(725);
    expect(parseMoneyInput('€ 9,50', 'EUR')).toBe(950); // a decimal comma: 9.50, never 950.00
    expect(parseMoneyInput('€9.50', 'EUR')).toBe(950);
    expect(parseMoneyInput('¥2450', 'JPY')).toBe(2450);
    expect(parseMoneyInput('JPY 2450', 'JPY')).toBe(2450);
  });

  it('reads a lone comma before one or two digits as the decimal point, before three as thousands', () => {
    expect(parseMoneyInput('12,50', 'EUR')).toBe(1250);
    expect(parseMoneyInput('12,5', 'USD')).toBe(1250);
    expect(parseMoneyInput('1,250', 'USD')).toBe(125000);
    expect(parseMoneyInput('1,250,50', 'USD')).toBeNull(); // thousands and a decimal comma mixed: not read
    expect(parseMoneyInput('12,505', 'USD')).toBe(1250500);
    expect(parseMoneyInput('12,50', 'JPY')).toBeNull(); // whole yen only
    expect(parseMoneyInput('12,345.5,1', 'USD')).toBeNull();
  });

  it('refuses other letters, another currency code and a Unicode minus', () => {
    for (const bad of ['abc 12', 'N/A 3', 'EUR 12', 'ab 5', 'x12', '−5', '$−5', '-5', '$-5', 'USD -5'])
      expect(parseMoneyInput(bad, 'USD'), bad).toBeNull();
  });
});
