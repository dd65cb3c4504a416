// Amounts cross the provider boundary as decimal strings ("12.34": BTCPay, PayPal) while we keep integer
// cents. Converted on the digits, never through floating point, so "0.29" is 29 cents and not 28.
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

export function centsToDecimalString(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount must be whole cents, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * "12.34" -> 1234. More than two decimals (BTCPay answers "5.000000" or a rate-converted "4.996") are rounded
 * half up to the cent. Returns null for anything that is not a plain decimal number.
 */
export function decimalStringToCents(value: string): number | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const [, sign, whole, frac = ''] = m;
  const padded = (frac + '000').slice(0, 3);
  let cents = Number(whole) * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1;
  if (!Number.isSafeInteger(cents)) return null;
  return sign === '-' ? -cents : cents;
}
