// Tenant settings as the admin panel writes them. The payment methods' instructions and pay windows and the
// TaxJar ship-from address are groups of fields (posted flattened, e.g. paymentInstructions.VENMO_P2P.handle);
// the TaxJar key is write-only: an empty field keeps the stored key, "-" removes it.
import { z } from 'zod';
import { PaymentMethod } from '../../../generated/prisma/index.js';
import { isShopTimeZone, SHOP_TIME_ZONE_MESSAGE } from '../../../platform/time-format.js';
import { isCountryCode } from '../../../modules/customers/address.schema.js';
import { payWindowOverrides } from '../../../modules/order-expiry/pay-window.js';
import { arrayOf } from '../resources/validation.js';
import { currencyCode, formBool, formOptionalSnowflake, formText, lines, snowflakeList } from './form-fields.js';

/** A form's group of fields (flattened by AdminJS, unflattened by validatePayload): empty inputs say nothing. */
function filledOnly(v: unknown): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).filter(
      ([, x]) => !(x === '' || x === null || x === undefined || (typeof x === 'string' && x.trim() === '')),
    ),
  );
}

// Per payment method (components/payment-method-settings.tsx): only the methods the shop gives instructions
// for; a method whose inputs are all empty stores nothing.
const instructions = z.preprocess(
  (v) =>
    // A group the post does not name is left as it is (undefined: not written), not emptied.
    v === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(filledOnly(v))
            .map(([method, entry]) => [method, filledOnly(entry)] as const)
            .filter(([, entry]) => Object.keys(entry).length > 0),
        ),
  z
    .partialRecord(
      z.enum(PaymentMethod),
      z
        .object({
          handle: z.string().trim().max(200, 'at most 200 characters').optional(),
          instructions: lines().trim().max(1000, 'at most 1,000 characters').optional(),
        })
        .strict(),
    )
    .optional(),
);

/**
 * A pay window as typed: minutes ("90", or the stored number sent back), or hours ("2 hours", "1.5 hours": the
 * form's hours unit). Made minutes here; the bounds are the module's (payWindowOverrides). Empty: the default.
 * A comma followed by one or two digits is a decimal comma ("1,5 hours", what a European phone's decimal keypad
 * types), as in an amount (platform/money.ts parseMoneyInput). Worked on the digits, never in floating point:
 * 4.1 x 60 is 245.99999999999997 there, and "4.1 hours" was refused as no whole number of minutes.
 */
function typedMinutes(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^\s*(\d{1,6})(?:\.(\d{1,6})|,(\d{1,2}))?\s*(hours?)?\s*$/i.exec(v);
  if (!m) return v;
  const [, whole = '', point, comma, hours] = m;
  const decimals = point ?? comma ?? '';
  const scale = 10 ** decimals.length;
  // The minutes times `scale`, a whole number: exact for every input the pattern takes.
  const scaled = (Number(whole) * scale + Number(decimals || '0')) * (hours ? 60 : 1);
  return scaled % scale === 0 ? scaled / scale : v;
}

const payWindows = z.preprocess(
  (v) =>
    v === undefined ? undefined : Object.fromEntries(Object.entries(filledOnly(v)).map(([method, typed]) => [method, typedMinutes(typed)])),
  payWindowOverrides.optional(),
);

const fromAddress = z.preprocess(
  (v) => {
    if (v === undefined) return undefined;
    const filled = filledOnly(v);
    return Object.keys(filled).length ? filled : null;
  },
  z
    .object({
      // The customer address's rule (customers/address.schema.ts): any case, stored upper-case, a code ISO 3166-1 assigns.
      country: z
        .string({ error: 'a 2-letter country code, such as US' })
        .trim()
        .toUpperCase()
        .refine(isCountryCode, 'a 2-letter country code, such as US, GB or DE'),
      zip: z.string({ error: 'required' }).trim().min(1, 'required').max(20, 'at most 20 characters'),
      state: z.string().trim().max(50, 'at most 50 characters').optional(),
      city: z.string().trim().max(100, 'at most 100 characters').optional(),
      street: z.string().trim().max(200, 'at most 200 characters').optional(),
    })
    .strict()
    .nullable()
    .optional(),
);

export const tenantSettingsForm = z.object({
  name: formText(120),
  currency: currencyCode,
  enabledPaymentMethods: z.preprocess((v) => arrayOf(v), z.array(z.enum(PaymentMethod)).max(20)),
  paymentInstructions: instructions,
  /** Minutes per method an unpaid order waits before it expires; methods left out keep the default. */
  paymentWindowMinutes: payWindows,
  adminChannelId: formOptionalSnowflake,
  adminRoleIds: snowflakeList,
  inventoryTracking: formBool,
  taxjarEnabled: formBool,
  taxjarApiKeyNew: z.string().trim().max(200).optional(),
  taxjarFromAddress: fromAddress,
  addressValidation: formBool,
  /** A paid role someone else removed: give it back, or record it under Role changes (entitlements). */
  roleRemovalPolicy: z.enum(['REAPPLY', 'RECORD']).default('REAPPLY'),
  timeZone: z.preprocess(
    (v) => (v === undefined || v === null || String(v).trim() === '' ? 'UTC' : String(v).trim()),
    z.string().max(64).refine(isShopTimeZone, SHOP_TIME_ZONE_MESSAGE),
  ),
});
// "TaxJar needs the address you ship from" joins two fields, so it is no rule of the form's values: a save writes
// only what its admin changed over what others changed meanwhile, and the rule is checked on the row it leaves,
// in its transaction (resources/tenant-settings.rules.ts, modules/tax/taxjar-settings.ts).

/** Masks a secret for display: only its last 4 characters. */
export function maskSecret(secret: unknown): string {
  if (typeof secret !== 'string' || !secret) return '(not set)';
  return `•••• ${secret.slice(-4)}`;
}
