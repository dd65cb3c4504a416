// Money is integer minor units (cents) with an ISO 4217 currency beside it.
// One rounding rule (half up, on non-negative integers) and one pro-rating function for the whole product.

export function assertCents(value: number, name = 'amount'): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a whole number of cents, got ${value}`);
  return value;
}

/** percent (0..100) of `cents`, rounded half up to a whole cent. */
export function percentOfCents(cents: number, percent: number): number {
  assertCents(cents);
  return Math.floor((cents * percent + 50) / 100);
}

/**
 * Splits `totalCents` across `weights` in proportion, in whole cents, so the parts sum exactly to the total
 * (largest-remainder method; ties go to the earlier weight).
 */
export function prorateCents(totalCents: number, weights: readonly number[]): number[] {
  assertCents(totalCents);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (totalCents * w) / sum);
  const parts = raw.map((r) => Math.floor(r));
  let left = totalCents - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}

/**
 * Cents as a plain decimal string in the currency's major unit ("-12.30"; "1200" for ¥1,200, JPY having no
 * minor unit): exports and reports, where a number column must not carry a currency sign, and every amount
 * sent to a payment provider (PayPal's and BTCPay's "value"/"amount").
 */
export function centsToDecimalString(cents: number, currency: string): string {
  assertCents(cents);
  if (ZERO_DECIMAL.has(currency.toUpperCase())) return String(cents);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const DECIMAL_STRING = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The inverse of centsToDecimalString, for amounts a provider answers ("12.34" USD -> 1234, "1200" JPY ->
 * 1200). Worked on the digits, never through floating point ("0.29" is 29, not 28). Digits below the
 * currency's minor unit (BTCPay's "5.000000", a rate-converted "4.996", "1200.4" yen) round half away from
 * zero; the sign is kept ("-0.50" is -50). Null for anything that is not a plain decimal number, or too large.
 */
export function decimalStringToCents(value: string, currency: string): number | null {
  const m = DECIMAL_STRING.exec(value.trim());
  if (!m) return null;
  const [, sign, whole = '', frac = ''] = m;
  const places = ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
  const kept = frac.slice(0, places).padEnd(places, '0');
  let cents = Number(`${whole}${kept}`);
  if (Number(frac[places] ?? '0') >= 5) cents += 1;
  if (!Number.isSafeInteger(cents)) return null;
  return sign === '-' && cents !== 0 ? -cents : cents;
}

const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'HUF', 'TWD', 'UGX']);

/** The ISO 4217 codes this Node knows (the ones Intl can format): the currencies a shop may sell in. */
const ISO_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** True for an ISO 4217 code this Node can format ("USD"; upper case as given: the caller normalises). */
export function isIsoCurrency(code: string): boolean {
  return ISO_CURRENCIES.has(code);
}

/** Every ISO 4217 code isIsoCurrency accepts. */
export function isoCurrencies(): readonly string[] {
  return [...ISO_CURRENCIES];
}

/** How many decimals an amount in `currency` takes: 0 for a zero-decimal currency (yen), else 2. */
export function currencyDecimals(currency: string): 0 | 2 {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
}

// Building an Intl.NumberFormat costs far more than using one (~1% of the CPU of an order flow under load
// when built per call), so one formatter is kept per locale + currency. Both come from a small set (ISO 4217
// codes, the locales we pass), and the map is bounded anyway in case a caller passes arbitrary strings.
const FORMATTERS_MAX = 256;
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatterFor(locale: string, code: string): Intl.NumberFormat | null {
  const key = `${locale}|${code}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    try {
      // The decimals amounts are kept and typed in (currencyDecimals), not the runtime's: CLDR prints the Pakistani
      // rupee, the rupiah, the Colombian peso, the CFA francs ... without decimals, so a price saved at 24.50 read
      // "PKR 25" everywhere while 24.50 was charged.
      const digits = currencyDecimals(code);
      formatter = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: code,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
    } catch {
      formatter = null; // unknown currency or locale: remembered, so the fallback is cheap too
    }
    if (formatters.size >= FORMATTERS_MAX) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "$12.50" style, for embeds, receipts, the admin panel and the invoice page. */
export function formatMoney(cents: number, currency = 'USD', locale = 'en-US'): string {
  const code = currency.toUpperCase();
  const divisor = ZERO_DECIMAL.has(code) ? 1 : 100;
  const formatter = formatterFor(locale, code);
  return formatter ? formatter.format(cents / divisor) : `${(cents / divisor).toFixed(divisor === 1 ? 0 : 2)} ${code}`;
}

/**
 * An amount a person typed ("20", "20.5", "$1,250.00", "US$ 20", "USD 20", "12,50") in `currency`'s major units,
 * as cents; null when it is not one (negative, more than two decimals, letters). A comma followed by one or two
 * digits, the amount's only separator, is a decimal comma ("12,50" is 12.50); followed by three, it groups
 * thousands ("1,250" is 1250.00). Zero-decimal currencies take whole units only. Only a currency sign (with up
 * to two letters before it: US$, HK$) or `currency`'s own code may lead: other letters ("abc 12", "N/A 3") and a Unicode minus ("−5") are not an amount.
 */
export function parseMoneyInput(text: string, currency = 'USD'): number | null {
  const code = /^[A-Za-z]{3}$/.test(currency) ? `${currency}\\s*` : '';
  const typed = text.trim().replace(new RegExp(`^(?:${code})?(?:[A-Za-z]{0,2}\\p{Sc}\\s*)?`, 'iu'), '');
  const t = /^\d{1,10},\d{1,2}$/.test(typed) ? typed.replace(',', '.') : typed.replace(/,(?=\d{3}(\D|$))/g, '');
  const zero = ZERO_DECIMAL.has(currency.toUpperCase());
  const m = (zero ? /^(\d{1,12})$/ : /^(\d{1,10})(?:\.(\d{1,2}))?$/).exec(t);
  if (!m) return null;
  return zero ? Number(m[1]) : Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0') || 0);
}
