// Ed25519 verification of Discord interaction requests. The public key is imported once into a KeyObject
// (node:crypto verify with a prepared key is the fastest option measured here; see docs/architecture.md).
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export function importDiscordPublicKey(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32) throw new Error('DISCORD_PUBLIC_KEY must be 32 bytes (64 hex characters)');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'invalid' };

/**
 * Verifies `timestamp + body` against `signatureHex`. `maxAgeSeconds` rejects old (replayed) requests;
 * a timestamp too far in the future is refused too.
 */
export function checkDiscordSignature(
  key: KeyObject,
  signatureHex: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
  maxAgeSeconds: number,
  nowMs = Date.now(),
): SignatureCheck {
  if (!signatureHex || !timestamp) return { ok: false, reason: 'missing' };
  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex) || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed' };
  const valid = verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signatureHex, 'hex'));
  if (!valid) return { ok: false, reason: 'invalid' };
  const ageSeconds = nowMs / 1000 - Number(timestamp);
  if (ageSeconds > maxAgeSeconds || ageSeconds < -60) return { ok: false, reason: 'stale' };
  return { ok: true };
}
