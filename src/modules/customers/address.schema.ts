// The shipping address as every surface submits it (modal fields, slash options, REST bodies, the panel).
// Its messages are what the person who typed the address reads, so each is a plain sentence naming the
// field as the forms label it ("Street address is required."), never the field's key in code.
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import type { AddressParts } from './address-lines.js';

/**
 * The longest each field may be. The schema enforces it, and every form that fills an address takes its
 * input limits from here (the Discord modal, the slash options), so a form never accepts what is refused.
 */
export const ADDRESS_MAX_LENGTH = { name: 100, line1: 200, line2: 200, city: 100, state: 100, postalCode: 20 } as const;

/** How each field is named to the customer. */
const LABELS = {
  name: 'Recipient name',
  line1: 'Street address',
  line2: 'Apartment or suite',
  city: 'City',
  state: 'State or region',
  postalCode: 'Postal code',
} as const;

type TextField = keyof typeof ADDRESS_MAX_LENGTH;

const tooLong = (field: TextField) => `${LABELS[field]} can be at most ${ADDRESS_MAX_LENGTH[field]} characters.`;

const text = (field: TextField) =>
  z
    .string({ error: `${LABELS[field]} is required.` })
    .trim()
    .min(1, `${LABELS[field]} is required.`)
    .max(ADDRESS_MAX_LENGTH[field], tooLong(field));
const optionalText = (field: TextField) =>
  z
    .string({ error: `${LABELS[field]} must be text.` })
    .trim()
    .max(ADDRESS_MAX_LENGTH[field], tooLong(field))
    .optional()
    .nullable()
    .transform((v) => (v ? v : undefined));

/**
 * The officially assigned ISO 3166-1 alpha-2 codes (249). An explicit list rather than Intl.DisplayNames:
 * that one also names codes that are no country (EU, UN, UK, SU...) and depends on the ICU data Node ships.
 */
const COUNTRY_CODES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
    'UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** True for a country code ISO 3166-1 assigns (upper case, as the schema stores it). */
export const isCountryCode = (code: string): boolean => COUNTRY_CODES.has(code);

export const addressInputSchema = z.object({
  name: optionalText('name'),
  line1: text('line1'),
  line2: optionalText('line2'),
  city: text('city'),
  state: optionalText('state'),
  postalCode: text('postalCode'),
  country: z
    .string({ error: 'Country is required.' })
    .trim()
    .toUpperCase()
    .min(1, { error: 'Country is required.', abort: true })
    .refine(isCountryCode, { error: 'Country must be a two-letter country code, such as US, GB or DE.' }),
});

export type AddressCheck = { ok: true; address: AddressInput } | { ok: false; problems: AddressProblem[] };
/** One thing wrong with an address: the field (its key) and a sentence the customer can act on. */
export interface AddressProblem {
  field: string;
  message: string;
}

/** Checks an address a person typed: the address, or every problem with it in the form's order. */
export function checkAddressInput(input: unknown): AddressCheck {
  const result = addressInputSchema.safeParse(input);
  if (result.success) return { ok: true, address: result.data };
  return { ok: false, problems: result.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })) };
}

/** VALIDATION_FAILED whose message is the problems' sentences, one per problem, and `details.fields` by field. */
export function addressProblemsError(problems: readonly AddressProblem[]): AppError {
  const sentences = [...new Set(problems.map((p) => p.message))];
  return new AppError('VALIDATION_FAILED', sentences.join(' '), { fields: problems.map((p) => ({ path: p.field, message: p.message })) });
}

/** AddressInput = { name?, line1, line2?, city, state?, postalCode, country (ISO-2) }. */
export interface AddressInput {
  name?: string;
  line1: string;
  line2?: string;
  city: string;
  state?: string;
  postalCode: string;
  country: string;
}

/** The fields of an address row (or snapshot) as an AddressInput (nulls dropped). */
export function toAddressInput(a: AddressParts): AddressInput {
  return {
    name: a.name ?? undefined,
    line1: a.line1,
    line2: a.line2 ?? undefined,
    city: a.city,
    state: a.state ?? undefined,
    postalCode: a.postalCode,
    country: a.country.trim().toUpperCase(),
  };
}

const norm = (v: string | undefined) => (v ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/** Same place (case and spacing ignored); the recipient name is not part of the comparison. */
export function sameAddress(a: AddressInput, b: AddressInput): boolean {
  return (['line1', 'line2', 'city', 'state', 'postalCode', 'country'] as const).every((k) => norm(a[k]) === norm(b[k]));
}
