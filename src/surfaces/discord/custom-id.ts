// Component and modal custom ids: `{prefix}:{action}:{param...}`, at most 100 characters (Discord's limit).
// Every id the service emits is built here and every id it receives is parsed and validated here with zod,
// so a malformed or forged id is refused before any handler runs. Ids carry only references (a product, a
// page, a payment); who is acting and for which tenant always comes from the signed interaction.
import { z } from 'zod';

export const CUSTOM_ID_MAX = 100;

const prefixedId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9]{1,60}$`), `a ${prefix}_… id`);
const productId = prefixedId('prod');
const orderId = prefixedId('ord');
const paymentId = prefixedId('pay');
const addressId = prefixedId('adr');
const page = z
  .string()
  .regex(/^\d{1,4}$/, 'a page number')
  .transform(Number);
/** An amount in whole cents (what a form showed). */
const cents = z
  .string()
  .regex(/^\d{1,12}$/, 'an amount in cents')
  .transform(Number);
/** The amount received a form showed, in whole cents, marked `r` ("r2000"): told apart from an amount owed. */
const receivedShown = z
  .string()
  .regex(/^r\d{1,12}$/, 'an amount received in cents, as r2000')
  .transform((s) => ({ receivedCents: Number(s.slice(1)) }));
/** The fingerprint of the review a Confirm button belongs to (modules/checkout/quote-consent.ts). */
const fingerprint = z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'a review fingerprint');

/** Every custom id the surface understands, keyed by its fixed part, with the schema of its parameters. */
const ROUTES = {
  'order:product-select': z.tuple([]),
  'order:products': z.tuple([page]),
  'order:qty-modal': z.tuple([productId]),
  'order:use-existing': z.tuple([]),
  'order:address:new': z.tuple([]),
  'order:address:modal': z.tuple([]),
  'order:address:accept-corrected': z.tuple([]),
  'order:address:keep-original': z.tuple([]),
  'order:address:retry': z.tuple([]),
  'order:shipping-type-select': z.tuple([]),
  'order:payment-method-select': z.tuple([]),
  // Without a fingerprint: a button from before reviews carried one; submit then shows the review again.
  'order:confirm': z.union([z.tuple([fingerprint]), z.tuple([])]),
  'order:cancel': z.tuple([]),
  'catalog:order': z.tuple([productId]),
  'catalog:page': z.tuple([page]),
  'orders:detail': z.tuple([orderId, page]),
  'orders:page': z.tuple([page]),
  // Ours (issue 12): the customer's own "Cancel order" on an unpaid order, which asks first, then does it.
  'orders:cancel': z.tuple([orderId, page]),
  'orders:cancel-confirm': z.tuple([orderId, page]),
  'payment:approve': z.tuple([paymentId]),
  'payment:reject': z.tuple([paymentId]),
  // With the amount received when the modal opened ("r" and whole cents): rejected only while the order has still
  // received that. Without: a modal opened before it carried one (not checked).
  'payment:reject-modal': z.union([z.tuple([paymentId, receivedShown]), z.tuple([paymentId])]),
  // Record an amount received (a part of a manual payment): a modal asking for the amount. The post's button carries
  // the amount received the post showed when it was drawn ("r" and whole cents), which the modal carries on: what the
  // admin saw, not what the order has when they press. Without: a post drawn before buttons carried it; the modal
  // then carries the amount received when it opens.
  'payment:receipt': z.union([z.tuple([paymentId, receivedShown]), z.tuple([paymentId])]),
  // With what the form showed as received ("r" and whole cents): recorded only while the order has received that
  // (recordReceipt's receivedCentsShown), so two admins recording the same transfer, or an extra payment on a paid
  // order, from one post record it once. With a bare amount: a modal opened when forms carried what was still owed
  // (owedCentsShown). Without: a modal opened before forms carried either.
  'payment:receipt-modal': z.union([z.tuple([paymentId, receivedShown]), z.tuple([paymentId, cents]), z.tuple([paymentId])]),
  // /payment-confirm amount: sent again by the same admin for the same amount within minutes is asked first
  // (payments/repeated-receipt.ts): the question's button records it as another payment, with the amount and the
  // amount received the question showed ("r" and whole cents), so a second press records nothing.
  'payment:receipt-again': z.tuple([orderId, cents, receivedShown]),
  'legacy:browse': z.tuple([page]),
  'legacy:add': z.tuple([productId]),
  'legacy:address-select': z.tuple([]),
  'legacy:address-confirm': z.tuple([addressId]),
  'legacy:address-edit': z.tuple([addressId]),
  'legacy:address-new': z.tuple([]),
  'legacy:address-modal': z.tuple([]),
  'legacy:address-retry': z.tuple([]),
} as const;

export type CustomIdKey = keyof typeof ROUTES;
export type CustomIdParams<K extends CustomIdKey> = z.output<(typeof ROUTES)[K]>;
export type ParsedCustomId = { [K in CustomIdKey]: { key: K; params: CustomIdParams<K> } }[CustomIdKey];

export type CustomIdParse = { ok: true; id: ParsedCustomId } | { ok: false; reason: string };

const SAFE = /^[A-Za-z0-9_:-]+$/;

/** Parses and validates a custom id. Never throws: an unknown or malformed id is `{ ok: false }`. */
export function parseCustomId(raw: unknown): CustomIdParse {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > CUSTOM_ID_MAX || !SAFE.test(raw)) {
    return { ok: false, reason: 'malformed' };
  }
  const parts = raw.split(':');
  // The fixed part is two or three segments ("order:confirm", "order:address:new"); try the longer first.
  for (const n of [3, 2]) {
    const key = parts.slice(0, n).join(':');
    if (!(key in ROUTES)) continue;
    const schema = ROUTES[key as CustomIdKey];
    const result = schema.safeParse(parts.slice(n));
    if (!result.success) return { ok: false, reason: `bad parameters for ${key}` };
    return { ok: true, id: { key, params: result.data } as ParsedCustomId };
  }
  return { ok: false, reason: 'unknown' };
}

/** Builds a custom id, checking its parameters against the same schema the parser uses. */
export function customId<K extends CustomIdKey>(key: K, ...params: (string | number)[]): string {
  const id = [key, ...params.map(String)].join(':');
  const parsed = parseCustomId(id);
  if (!parsed.ok || parsed.id.key !== key) throw new Error(`custom id ${id} is invalid (${parsed.ok ? 'key mismatch' : parsed.reason})`);
  return id;
}
