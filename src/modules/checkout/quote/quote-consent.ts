// The customer consents to an amount, not to "whatever it costs when the click arrives". Review stores the
// quote it showed on the session (order_sessions.reviewedQuote) and hands the surface its fingerprint
// (the surface puts it in the Confirm button). Submit places the order only when the quote it recomputes
// under the session lock equals the reviewed one, and the caller's fingerprint (when given) is that
// review's; otherwise it refuses with QUOTE_CHANGED, saying what changed, and the surface shows the new
// review and asks again.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../platform/errors.js';
import { formatMoney } from '../../../platform/money.js';
import type { Quote } from './order-quote.js';

/** What the customer agreed to: every line, every amount, the method and the address. */
const consentSchema = z.object({
  lines: z.array(z.object({ productId: z.string(), name: z.string(), quantity: z.number(), unitPriceCents: z.number() })),
  subtotalCents: z.number(),
  discountCents: z.number(),
  discountName: z.string().nullable(),
  shippingCents: z.number(),
  shippingTypeName: z.string().nullable(),
  taxAmountCents: z.number(),
  totalCents: z.number(),
  currency: z.string(),
  paymentMethod: z.string().nullable(),
  address: z
    .object({
      name: z.string().nullable(),
      line1: z.string(),
      line2: z.string().nullable(),
      city: z.string(),
      state: z.string().nullable(),
      postalCode: z.string(),
      country: z.string(),
    })
    .nullable(),
});
export type ConsentedQuote = z.infer<typeof consentSchema>;

/** The parts of a quote consent covers, in a fixed shape (key order included, for the fingerprint). */
export function consentOf(q: Quote): ConsentedQuote {
  const a = q.address;
  return {
    lines: q.lines.map((l) => ({ productId: l.productId, name: l.name, quantity: l.quantity, unitPriceCents: l.unitPriceCents })),
    subtotalCents: q.subtotalCents,
    discountCents: q.discountCents,
    discountName: q.discountName ?? null,
    shippingCents: q.shippingCents,
    shippingTypeName: q.shippingTypeName ?? null,
    taxAmountCents: q.taxAmountCents,
    totalCents: q.totalCents,
    currency: q.currency,
    paymentMethod: q.paymentMethod ?? null,
    address: a
      ? {
          name: a.name ?? null,
          line1: a.line1,
          line2: a.line2 ?? null,
          city: a.city,
          state: a.state ?? null,
          postalCode: a.postalCode,
          country: a.country,
        }
      : null,
  };
}

/**
 * 16 base64url characters (96 bits) of SHA-256 over the consented quote: fits a custom id with room to
 * spare. Serialized through the schema, so the key order is the schema's (jsonb stores keys in its own order).
 */
export function quoteFingerprint(q: ConsentedQuote): string {
  return createHash('sha256')
    .update(JSON.stringify(consentSchema.parse(q)))
    .digest('base64url')
    .slice(0, 16);
}

export const FINGERPRINT = /^[A-Za-z0-9_-]{16}$/;

/** The stored review, or null when there is none (or it was written by an older version). */
export function parseReviewed(raw: unknown): ConsentedQuote | null {
  const r = consentSchema.safeParse(raw);
  return r.success ? r.data : null;
}

/** Plain sentences for what differs between the reviewed quote and the current one ("Sticker Pack is now $9.00"). */
export function quoteChanges(before: ConsentedQuote, now: ConsentedQuote): string[] {
  const m = (c: number) => formatMoney(c, now.currency);
  const out: string[] = [];
  const old = new Map(before.lines.map((l) => [l.productId, l]));
  for (const l of now.lines) {
    const b = old.get(l.productId);
    if (!b) out.push(`${l.name} was added (${l.quantity} × ${m(l.unitPriceCents)}).`);
    else {
      if (b.unitPriceCents !== l.unitPriceCents) out.push(`${l.name} is now ${m(l.unitPriceCents)} (was ${m(b.unitPriceCents)}).`);
      if (b.quantity !== l.quantity) out.push(`${l.name}: quantity is now ${l.quantity} (was ${b.quantity}).`);
      if (b.name !== l.name) out.push(`${b.name} is now called ${l.name}.`);
    }
    old.delete(l.productId);
  }
  for (const b of old.values()) out.push(`${b.name} is no longer in the order.`);
  if (before.discountCents !== now.discountCents || before.discountName !== now.discountName) {
    out.push(
      now.discountCents
        ? `Discount${now.discountName ? ` (${now.discountName})` : ''} is now −${m(now.discountCents)} (was −${m(before.discountCents)}).`
        : `The discount (−${m(before.discountCents)}) no longer applies.`,
    );
  }
  if (before.shippingCents !== now.shippingCents || before.shippingTypeName !== now.shippingTypeName) {
    out.push(
      `Shipping${now.shippingTypeName ? ` (${now.shippingTypeName})` : ''} is now ${m(now.shippingCents)} (was ${m(before.shippingCents)}).`,
    );
  }
  if (before.taxAmountCents !== now.taxAmountCents) out.push(`Tax is now ${m(now.taxAmountCents)} (was ${m(before.taxAmountCents)}).`);
  if (before.paymentMethod !== now.paymentMethod) out.push('The payment method changed.');
  if (JSON.stringify(before.address) !== JSON.stringify(now.address)) out.push('The shipping address changed.');
  if (before.currency !== now.currency) out.push(`The shop now sells in ${now.currency}.`);
  if (before.totalCents !== now.totalCents) out.push(`Total is now ${m(now.totalCents)} (was ${m(before.totalCents)}).`);
  return out;
}

/**
 * Refuses unless `current` is what the customer reviewed: `reviewed` (stored by review) must exist and equal
 * it, and a `fingerprint` the caller got from a review must be that review's.
 */
export function assertConsented(reviewed: ConsentedQuote | null, current: ConsentedQuote, fingerprint: string | undefined): void {
  const currentFp = quoteFingerprint(current);
  if (!reviewed)
    throw new AppError('QUOTE_CHANGED', 'Review your order before placing it.', { changes: [], fingerprint: currentFp, reviewed: false });
  const changes = quoteChanges(reviewed, current);
  if (changes.length === 0 && (fingerprint === undefined || fingerprint === currentFp)) return;
  throw new AppError(
    'QUOTE_CHANGED',
    changes.length ? `Your order changed since you reviewed it: ${changes.join(' ')}` : 'Your order changed since that review.',
    {
      changes,
      fingerprint: currentFp,
      reviewed: true,
    },
  );
}
