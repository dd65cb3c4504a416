// Tenant settings as the admin panel writes them. JSON settings are edited as text and parsed here;
// the TaxJar key is write-only: an empty field keeps the stored key, "-" removes it.
import { z } from 'zod';
import { PaymentMethod } from '../../../generated/prisma/index.js';
import { isValidTimeZone } from '../../../platform/time-format.js';
import { payWindowOverrides } from '../../../modules/order-expiry/pay-window.js';
import { arrayOf } from '../resources/validation.js';
import { currencyCode, formBool, formOptionalSnowflake, formText, snowflakeList } from './form-fields.js';

const jsonText = <T extends z.ZodType>(schema: T, fallback: unknown) =>
  z.preprocess((v, ctx) => {
    if (v === undefined || v === null || String(v).trim() === '') return fallback;
    try {
      return JSON.parse(String(v));
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
  }, schema);

// Partial: only the methods the shop gives instructions for.
const instructions = z.partialRecord(
  z.enum(PaymentMethod),
  z.object({ handle: z.string().trim().max(200).optional(), instructions: z.string().trim().max(1000).optional() }).strict(),
);

const fromAddress = z
  .object({
    country: z.string().trim().length(2),
    zip: z.string().trim().min(1).max(20),
    state: z.string().trim().max(50).optional(),
    city: z.string().trim().max(100).optional(),
    street: z.string().trim().max(200).optional(),
  })
  .strict()
  .nullable();

export const tenantSettingsForm = z
  .object({
    name: formText(120),
    currency: currencyCode,
    enabledPaymentMethods: z.preprocess((v) => arrayOf(v), z.array(z.enum(PaymentMethod)).max(20)),
    paymentInstructionsJson: jsonText(instructions, {}),
    /** Minutes per method an unpaid order waits before it expires; methods left out keep the default. */
    paymentWindowsJson: jsonText(payWindowOverrides, {}),
    adminChannelId: formOptionalSnowflake,
    adminRoleIds: snowflakeList,
    inventoryTracking: formBool,
    taxjarEnabled: formBool,
    taxjarApiKeyNew: z.string().trim().max(200).optional(),
    taxjarFromAddressJson: jsonText(fromAddress, null),
    addressValidation: formBool,
    /** A paid role someone else removed: give it back, or record it under Role changes (entitlements). */
    roleRemovalPolicy: z.enum(['REAPPLY', 'RECORD']).default('REAPPLY'),
    timeZone: z.preprocess(
      (v) => (v === undefined || v === null || String(v).trim() === '' ? 'UTC' : String(v).trim()),
      z.string().max(64).refine(isValidTimeZone, 'an IANA time zone name, e.g. America/New_York or Europe/Berlin'),
    ),
  })
  .superRefine((t, ctx) => {
    if (t.taxjarEnabled && !t.taxjarFromAddressJson)
      ctx.addIssue({ code: 'custom', path: ['taxjarFromAddressJson'], message: 'TaxJar needs the address you ship from' });
  });

/** Masks a secret for display: only its last 4 characters. */
export function maskSecret(secret: unknown): string {
  if (typeof secret !== 'string' || !secret) return '(not set)';
  return `•••• ${secret.slice(-4)}`;
}
