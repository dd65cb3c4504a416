// The one rule "a processor-backed method takes the shop's currency", from the providers' documentation:
// - Cash App Pay (Square): US sellers and buyers, US dollars only ("Cash App payments are supported only in the
//   United States", Square's Take Cash App Payments; the Web Payments SDK's paymentRequest is countryCode US,
//   currencyCode USD). A yen shop's customer would be sent to a checkout Square refuses.
// - PayPal: the REST API's currency codes (developer.paypal.com/reference/currency-codes); JPY, HUF and TWD take
//   no decimals, which platform/money.ts already writes.
// - BTCPay: any fiat currency the store has a rate for (the store's rate rules), so no list here.
// Declared once, as SQL over a currency expression and as a TypeScript check, and read by the Discord payment
// menu and the order steps (checkout/selection-rules.ts payment.payable), the invoice page and checkouts
// (connection.service.ts usableMethods) and the panel's settings save (assertMethodsUsable).
import { Prisma, type PaymentMethod } from '../../../generated/prisma/index.js';

const PAYPAL_CURRENCIES = [
  'AUD',
  'BRL',
  'CAD',
  'CNY',
  'CZK',
  'DKK',
  'EUR',
  'HKD',
  'HUF',
  'ILS',
  'JPY',
  'MYR',
  'MXN',
  'TWD',
  'NZD',
  'NOK',
  'PHP',
  'PLN',
  'GBP',
  'SGD',
  'SEK',
  'CHF',
  'THB',
  'USD',
] as const;

/** The currencies a method takes; a method not listed takes any. */
export const METHOD_CURRENCIES: Partial<Record<PaymentMethod, readonly string[]>> = {
  CASHAPP_PAY: ['USD'],
  PAYPAL: PAYPAL_CURRENCIES,
};

const norm = (currency: string) => currency.trim().toUpperCase();

export function methodTakesCurrency(method: PaymentMethod, currency: string): boolean {
  const list = METHOD_CURRENCIES[method];
  return !list || list.includes(norm(currency));
}

/** The same rule as SQL over a currency expression (e.g. t.currency). */
export function methodTakesCurrencySql(method: PaymentMethod, currency: Prisma.Sql): Prisma.Sql {
  const list = METHOD_CURRENCIES[method];
  return list ? Prisma.sql`upper(btrim(${currency})) = ANY(${[...list]}::text[])` : Prisma.sql`TRUE`;
}

const METHOD_LABEL: Partial<Record<PaymentMethod, string>> = {
  CASHAPP_PAY: 'Cash App Pay',
  PAYPAL: 'PayPal',
  BTC_INVOICE: 'Bitcoin (invoice)',
};

/** A processor-backed method in an owner's words ("Cash App Pay"); another method by its value. */
export function methodWords(method: PaymentMethod): string {
  return METHOD_LABEL[method] ?? method;
}

/** Why the method cannot be used by a shop selling in `currency`, in an owner's words. */
export function currencyRefusal(method: PaymentMethod, currency: string): string {
  const list = METHOD_CURRENCIES[method] ?? [];
  const label = METHOD_LABEL[method] ?? method;
  return list.length === 1
    ? `${label} takes ${list[0]} only, and this shop sells in ${norm(currency)}.`
    : `${label} does not take ${norm(currency)}, the currency this shop sells in (it takes ${list.join(', ')}).`;
}
