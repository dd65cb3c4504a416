// Invoice link tokens: base64url(JSON payload) "." base64url(HMAC-SHA256(secret, "inv1." + payload)).
// The "inv1." prefix separates this use of the secret from any other HMAC made with it; the signature is
// checked (in constant time) before the payload is even parsed, so a tampered token reveals nothing.
import { z } from 'zod';
import { hmacSha256, safeEqual } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';

export interface InvoiceTokenPayload {
  tenantId: string;
  orderId: string;
  /** Expiry, Unix seconds. */
  exp: number;
}

const payloadSchema = z.object({ tenantId: z.string().min(1), orderId: z.string().min(1), exp: z.number().int().positive() });
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{10,1000})\.([A-Za-z0-9_-]{43})$/;

function sign(secret: string, payloadPart: string): Buffer {
  return hmacSha256(secret, `inv1.${payloadPart}`);
}

export function signInvoiceToken(secret: string, payload: InvoiceTokenPayload): string {
  const payloadPart = Buffer.from(JSON.stringify({ tenantId: payload.tenantId, orderId: payload.orderId, exp: payload.exp })).toString(
    'base64url',
  );
  return `${payloadPart}.${sign(secret, payloadPart).toString('base64url')}`;
}

/** What a customer is told of a link that has expired, when nothing more can be said (invoice.service: expiredLinkMessage). */
export const EXPIRED_LINK_MESSAGE = 'This invoice link has expired. Ask the shop for a new link.';

/**
 * INVOICE_LINK_EXPIRED for a link whose signature was checked: `link` (its shop and order) may be read, to tell the
 * customer where to get a new one. Never made for a token whose signature failed (that is INVOICE_LINK_INVALID,
 * and nothing from it is used).
 */
export class InvoiceLinkExpiredError extends AppError {
  constructor(readonly link: InvoiceTokenPayload) {
    super('INVOICE_LINK_EXPIRED', EXPIRED_LINK_MESSAGE);
  }
}

/** What a customer is told of a link that is not valid (tampered, cut, retyped, or signed with a retired secret). */
export const INVALID_LINK_MESSAGE = 'This invoice link is not valid. Ask the shop for a new link.';

/**
 * INVOICE_LINK_INVALID for anything not signed with `secret` (or one of `secret`'s list: the current one and,
 * during a rotation's grace period, the previous one); INVOICE_LINK_EXPIRED (InvoiceLinkExpiredError, carrying the
 * signed payload) once `now` reaches exp.
 */
export function verifyInvoiceToken(secret: string | readonly string[], token: string, now: Date): InvoiceTokenPayload {
  const invalid = () => new AppError('INVOICE_LINK_INVALID', INVALID_LINK_MESSAGE);
  const match = TOKEN_SHAPE.exec(token);
  if (!match) throw invalid();
  const [, payloadPart, signaturePart] = match as unknown as [string, string, string];
  const sent = Buffer.from(signaturePart, 'base64url');
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (!secrets.some((s) => safeEqual(sent, sign(s, payloadPart)))) throw invalid();
  let payload: InvoiceTokenPayload;
  try {
    payload = payloadSchema.parse(JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  // Signed by us (checked above): the expired link's shop and order may be read.
  if (Math.floor(now.getTime() / 1000) >= payload.exp) throw new InvoiceLinkExpiredError(payload);
  return payload;
}
