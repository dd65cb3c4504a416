import { describe, expect, it } from 'vitest';
import { centsOfTaxjarDollars, taxjarCovers, taxjarCurrencyRefusal, taxjarDollars } from './taxjar-money.js';

describe("TaxJar's decimal dollars", () => {
  it('are read into cents half up below the cent, on the digits', () => {
    expect(centsOfTaxjarDollars(1.005)).toBe(101);
    expect(centsOfTaxjarDollars(0.1 + 0.2)).toBe(30);
    expect(centsOfTaxjarDollars(12.34)).toBe(1234);
    expect(centsOfTaxjarDollars(4.845)).toBe(485);
    expect(centsOfTaxjarDollars(1e-7)).toBe(0);
    expect(centsOfTaxjarDollars(Number.NaN)).toBeNull();
  });

  it('are written from cents', () => {
    expect([1999, 398, 500, 0, 5].map(taxjarDollars)).toEqual([19.99, 3.98, 5, 0, 0.05]);
  });

  it('are US dollars only: another currency is refused with what to do', () => {
    expect(taxjarCovers('usd')).toBe(true);
    expect(taxjarCovers('JPY')).toBe(false);
    expect(taxjarCurrencyRefusal('USD')).toBeNull();
    expect(taxjarCurrencyRefusal('jpy')).toBe(
      'TaxJar calculates US sales tax in US dollars, and this shop sells in JPY: switch TaxJar off, or sell in USD.',
    );
  });
});
