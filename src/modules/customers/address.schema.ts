// The shipping address as every surface submits it (modal fields, slash options, REST bodies).
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .nullable()
    .transform((v) => (v ? v : undefined));

export const addressInputSchema = z.object({
  name: optionalText(100),
  line1: text(200),
  line2: optionalText(200),
  city: text(100),
  state: optionalText(100),
  postalCode: text(20),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO country code such as US')
    .transform((c) => c.toUpperCase()),
});

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
export function toAddressInput(a: {
  name?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  state?: string | null;
  postalCode: string;
  country: string;
}): AddressInput {
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
