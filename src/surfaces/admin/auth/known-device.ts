// "This browser signed in to this account before": a long-lived cookie set at a successful sign-in, an
// HMAC of the account's id and password hash under the session secret (current or, during a rotation, the
// previous one). It is the extra step that keeps an owner from being locked out by a stranger guessing at their
// email: with it, the account's back-off does not apply (login-throttle.ts); the per-IP limit still does.
// Bound to the password (2026-12-05; it was an HMAC of the email alone): a browser that signed in before a
// password reset, or to an account since deleted and made again with that email (a former staff member's), is
// no longer exempt, so it cannot guess at the new password past the back-off for the cookie's 90 days.
import type { Request, Response } from 'express';
import { hmacSha256, safeEqual } from '../../../platform/crypto.js';

export const KNOWN_DEVICE_COOKIE = 'ledgerline_known_device';
const MAX_AGE_MS = 90 * 24 * 3600_000;

/** What the proof is bound to: the account and its current password. */
export interface KnownDeviceAccount {
  id: string;
  passwordHash: string;
}

const proofOf = (secret: string, account: KnownDeviceAccount) =>
  hmacSha256(secret, `known-device2.${account.id}.${account.passwordHash}`).toString('base64url');

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * True when the request carries a proof of an earlier sign-in to `account` with its current password (signed by
 * any of `secrets`); false for no account (an unknown email has nothing to exempt).
 */
export function isKnownDevice(req: Request, account: KnownDeviceAccount | null, secrets: readonly string[]): boolean {
  const sent = readCookie(req, KNOWN_DEVICE_COOKIE);
  if (!sent || !account) return false;
  return secrets.some((s) => safeEqual(Buffer.from(sent), Buffer.from(proofOf(s, account))));
}

export function rememberDevice(res: Response, account: KnownDeviceAccount, secret: string, secure: boolean): void {
  res.cookie(KNOWN_DEVICE_COOKIE, proofOf(secret, account), {
    httpOnly: true,
    secure,
    sameSite: 'strict',
    path: '/admin/login',
    maxAge: MAX_AGE_MS,
  });
}
