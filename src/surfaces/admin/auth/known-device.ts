// "This browser signed in to this account before": a long-lived cookie set at a successful sign-in, an
// HMAC of the email under the session secret (current or, during a rotation, the previous one). It is the
// extra step that keeps an owner from being locked out by a stranger guessing at their email: with it, the
// account's back-off does not apply (login-throttle.ts); the per-IP limit still does.
import type { Request, Response } from 'express';
import { hmacSha256, safeEqual } from '../../../platform/crypto.js';

export const KNOWN_DEVICE_COOKIE = 'ledgerline_known_device';
const MAX_AGE_MS = 90 * 24 * 3600_000;

const proofOf = (secret: string, email: string) => hmacSha256(secret, `known-device1.${email.trim().toLowerCase()}`).toString('base64url');

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** True when the request carries a proof of an earlier sign-in to `email` (signed by any of `secrets`). */
export function isKnownDevice(req: Request, email: string, secrets: readonly string[]): boolean {
  const sent = readCookie(req, KNOWN_DEVICE_COOKIE);
  if (!sent) return false;
  return secrets.some((s) => safeEqual(Buffer.from(sent), Buffer.from(proofOf(s, email))));
}

export function rememberDevice(res: Response, email: string, secret: string, secure: boolean): void {
  res.cookie(KNOWN_DEVICE_COOKIE, proofOf(secret, email), {
    httpOnly: true,
    secure,
    sameSite: 'strict',
    path: '/admin/login',
    maxAge: MAX_AGE_MS,
  });
}
