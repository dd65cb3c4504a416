// zod building blocks for AdminJS form values, which arrive as strings ('' for empty, 'true'/'false').
// The module owners have no shared schemas for these admin-only writes (products, shipping types,
// discounts, tenant settings, admin users), so they live here, next to the only surface that writes them.
import { z } from 'zod';
import { centsToDecimalString, currencyDecimals, formatMoney, isoCurrencies, parseMoneyInput } from '../../../platform/money.js';
import { FIRST_YEAR, LAST_YEAR, parseInstant } from '../../../platform/zoned-time.js';
import { arrayOf } from '../resources/validation.js';

const empty = (v: unknown) => v === '' || v === null || v === undefined;

export const formBool = z.preprocess(
  (v) => (v === true || v === 'true' ? true : v === false || v === 'false' || empty(v) ? false : v),
  z.boolean(),
);

/**
 * A whole number between two bounds. The type's own message is for a non-number only: in zod 4 a schema's
 * `error` also replaces the messages of its checks, so each check says the whole rule itself ("stock: a whole
 * number from 0 to 10,000,000", not "a whole number" for -1).
 */
const wholeNumber = (min: number, max: number) => {
  const rule = `a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
  return z.number({ error: 'a whole number' }).int(rule).min(min, rule).max(max, rule);
};

/** Digits as typed ("12", " -3 ") become the number; anything else is left for the number check to refuse. */
const typedInt = (v: unknown) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v);

export const formInt = (min: number, max: number) => z.preprocess((v) => (empty(v) ? undefined : typedInt(v)), wholeNumber(min, max));

export const formOptionalInt = (min: number, max: number) =>
  z.preprocess((v) => (empty(v) ? null : typedInt(v)), wholeNumber(min, max).nullable());

/**
 * A browser sends every line break of a form's text as CRLF (HTML's form submission rules); the text is kept
 * as typed, with \n line breaks, as everything else that writes it (Discord, the API) does.
 */
export const lines = () => z.string().overwrite((s) => s.replace(/\r\n?/g, '\n'));

export const formText = (max: number, min = 1) => lines().trim().min(min, 'required').max(max);

export const formOptionalText = (max: number) =>
  z.preprocess((v) => (empty(v) ? null : v), lines().trim().max(max).nullable()).transform((v) => (v === '' ? null : v));

/**
 * A date-time field: the panel's date fields (components/date-time-edit.tsx) send the wall time typed with the
 * shop's zone, "2026-12-15T09:00[America/New_York]"; a stored value sent back unchanged is an ISO instant.
 */
export const formOptionalDate = z.preprocess(
  (v) => (empty(v) ? null : v instanceof Date ? v : (parseInstant(String(v)) ?? v)),
  z
    .date({ error: 'a date and time' })
    // A date the database stores: "+275760-09-13T00:00:00Z" parsed, then failed the save with a 500.
    .refine(
      (d) => d.getUTCFullYear() >= FIRST_YEAR && d.getUTCFullYear() <= LAST_YEAR,
      `a date between the years ${FIRST_YEAR} and ${LAST_YEAR}`,
    )
    .nullable(),
);

/**
 * An amount as the owner types it, in the currency's major units ("24.50", "$1,250", "2450" for yen), as
 * cents. The panel's money fields are never typed in cents: "25" is $25.00, not $0.25. Empty is null (the
 * field says whether that is allowed); `max` is in cents.
 */
function moneyField(value: unknown, currency: string, max: number): { cents: number | null } | { error: string } {
  if (empty(value)) return { cents: null };
  const cents = typeof value === 'number' ? null : parseMoneyInput(String(value), currency);
  if (cents === null) return { error: `an amount in ${currency.toUpperCase()}, such as ${centsToDecimalString(2450, currency)}` };
  if (cents > max) return { error: `at most ${formatMoney(max, currency)}` };
  return { cents };
}

/**
 * An amount as it is typed in `currency` (parseMoneyInput reads it, a decimal comma too), for a field's hint and
 * its refusal: "12.50", "1250" for yen.
 */
export const moneyInputExample = (currency: string): string => centsToDecimalString(1250, currency);

/** A money field of a form whose currency is known when the form is built (the shop's). */
export const formMoney = (currency: string, max: number, opts: { optional?: boolean } = {}) =>
  z
    .unknown()
    .optional()
    .transform((v, ctx) => {
      const r = moneyField(v, currency, max);
      if ('error' in r) {
        ctx.addIssue({ code: 'custom', message: r.error });
        return z.NEVER;
      }
      if (r.cents === null && !opts.optional) {
        ctx.addIssue({ code: 'custom', message: 'required' });
        return z.NEVER;
      }
      return r.cents;
    });

export const snowflake = z
  .string()
  .trim()
  .regex(/^\d{15,21}$/, 'a Discord id (15-21 digits)');

export const snowflakeList = z.preprocess((v) => arrayOf(v).map((x) => String(x).trim()), z.array(snowflake).max(50));

export const formOptionalSnowflake = z.preprocess((v) => (empty(v) ? null : v), snowflake.nullable());

/** An ISO 4217 currency code ("usd" is USD); three letters that name no currency ("USS") are refused. */
export { currencyCode } from '../../../platform/currency-code.js';

/**
 * How an amount in each currency a form takes is typed, as the money fields read it (moneyField:
 * parseMoneyInput's decimals): { EUR: "EUR: 2 decimals, such as 24.50", JPY: "JPY: whole units, such as 2450" }.
 */
export function amountRules(): Record<string, string> {
  return Object.fromEntries(
    isoCurrencies().map((c) => {
      const d = currencyDecimals(c);
      return [c, `${c}: ${d === 0 ? 'whole units' : `${d} decimals`}, such as ${centsToDecimalString(2450, c)}`];
    }),
  );
}

/** A reference field (AdminJS sends the id of the picked record). */
export const formId = z.string().trim().min(1, 'required').max(64);
