// TaxJar calculates and files US sales tax, in US dollars, as decimal numbers (amount: 19.99). So:
// - our cents go to TaxJar and come back through platform/money.ts's one pair (centsToDecimalString /
//   decimalStringToCents), in USD, never with an inline /100;
// - a shop that sells in another currency is not TaxJar's: its Settings refuse TaxJar (taxjarCurrencyRefusal,
//   in the save's transaction), and should one have it on anyway (a row from before the rule), tax is not asked
//   for (0, logged with the reason) and its orders are not filed. Converting to dollars was not chosen: TaxJar's
//   US rates apply to US sales, which a yen or euro shop's are not, and the rate would be ours to pick.
import { centsToDecimalString, decimalStringToCents } from '../../platform/money.js';

export const TAXJAR_CURRENCY = 'USD';

/** Whether TaxJar can tax amounts in `currency` (US dollars only). */
export function taxjarCovers(currency: string): boolean {
  return currency.trim().toUpperCase() === TAXJAR_CURRENCY;
}

/** Why TaxJar cannot be on for a shop selling in `currency`, or null when it can. */
export function taxjarCurrencyRefusal(currency: string): string | null {
  if (taxjarCovers(currency)) return null;
  return `TaxJar calculates US sales tax in US dollars, and this shop sells in ${currency.trim().toUpperCase()}: switch TaxJar off, or sell in USD.`;
}

/** Cents as TaxJar's decimal dollars (1999 -> 19.99). */
export function taxjarDollars(cents: number): number {
  return Number(centsToDecimalString(cents, TAXJAR_CURRENCY));
}

/**
 * TaxJar's decimal dollars as cents, half up below the cent (4.845 -> 485); null for what is not an amount.
 * Read on the digits of a fixed-point rendering: a float such as 1e-7 never reaches the parser as "1e-7".
 */
export function centsOfTaxjarDollars(amount: number): number | null {
  return Number.isFinite(amount) ? decimalStringToCents(amount.toFixed(10), TAXJAR_CURRENCY) : null;
}
