import { describe, expect, it } from 'vitest';
import { signInvoiceToken, verifyInvoiceToken } from './invoice-token.js';
import { ConfigError, loadEnv } from '../../config/env.js';
import { AppError } from '../../platform/errors.js';

const secret = 'test-invoice-secret-test-invoice-secret';
const now = new Date('2026-11-24T12:00:00Z');
const exp = Math.floor(now.getTime() / 1000) + 3600;
const payload = { tenantId: 'ten_a', orderId: 'ord_b', exp };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
}

describe('invoice token', () => {
  it('round-trips tenant, order and expiry', () => {
    expect(verifyInvoiceToken(secret, signInvoiceToken(secret, payload), now)).toEqual(payload);
  });

  it('refuses a token whose payload was changed (another order) as INVOICE_LINK_INVALID', () => {
    const [, sig] = signInvoiceToken(secret, payload).split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...payload, orderId: 'ord_other' })).toString('base64url')}.${sig}`;
    expect(codeOf(() => verifyInvoiceToken(secret, forged, now))).toBe('INVOICE_LINK_INVALID');
  });

  it('refuses a token whose expiry was pushed out', () => {
    const [, sig] = signInvoiceToken(secret, payload).split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...payload, exp: exp + 86400 })).toString('base64url')}.${sig}`;
    expect(codeOf(() => verifyInvoiceToken(secret, forged, now))).toBe('INVOICE_LINK_INVALID');
  });

  it('refuses a flipped signature character, another secret, and garbage', () => {
    const token = signInvoiceToken(secret, payload);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    const flipped = `${token.slice(0, -2)}${last}${token.at(-1)}`;
    expect(codeOf(() => verifyInvoiceToken(secret, flipped, now))).toBe('INVOICE_LINK_INVALID');
    expect(codeOf(() => verifyInvoiceToken('another-secret-another-secret-another', token, now))).toBe('INVOICE_LINK_INVALID');
    for (const junk of ['', 'abc', `${token}.x`, token.replace('.', ''), '../../etc/passwd']) {
      expect(codeOf(() => verifyInvoiceToken(secret, junk, now))).toBe('INVOICE_LINK_INVALID');
    }
  });

  it('is valid until the second before exp and expired from exp on', () => {
    const token = signInvoiceToken(secret, payload);
    expect(codeOf(() => verifyInvoiceToken(secret, token, new Date((exp - 1) * 1000)))).toBeUndefined();
    expect(codeOf(() => verifyInvoiceToken(secret, token, new Date(exp * 1000)))).toBe('INVOICE_LINK_EXPIRED');
  });

  it('checks the signature before the expiry (a forged expired token is INVALID, not EXPIRED)', () => {
    const old = signInvoiceToken('another-secret-another-secret-another', { ...payload, exp: 1 });
    expect(codeOf(() => verifyInvoiceToken(secret, old, now))).toBe('INVOICE_LINK_INVALID');
  });
});

describe('secrets configuration', () => {
  it('refuses a malformed SECRETS_ENCRYPTION_KEYS, and requires one in production', () => {
    expect(() => loadEnv({ SECRETS_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' })).toThrow(/SECRETS_ENCRYPTION_KEYS: key k1: must be 32 random bytes/);
    expect(() =>
      loadEnv({ SECRETS_ENCRYPTION_KEYS: `a:${Buffer.alloc(32).toString('base64')},a:${Buffer.alloc(32).toString('base64')}` }),
    ).toThrow(/appears twice/);
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/SECRETS_ENCRYPTION_KEYS: required when NODE_ENV=production/);
    expect(loadEnv({ SECRETS_ENCRYPTION_KEYS: `k2:${Buffer.alloc(32, 1).toString('base64')}` }).SECRETS_ENCRYPTION_KEYS).toMatch(/^k2:/);
  });
});

// Rotation: a link signed with the previous INVOICE_LINK_SIGNING_SECRET keeps working while it is
// configured as INVOICE_LINK_SIGNING_SECRET_PREVIOUS; new links are signed with the current one.
const OLD = 'old-invoice-secret-old-invoice-secret-0';
const NEW = 'new-invoice-secret-new-invoice-secret-1';
const rotatedAt = new Date('2026-11-30T00:00:00Z');
const rotationPayload = { tenantId: 't1', orderId: 'o1', exp: Math.floor(rotatedAt.getTime() / 1000) + 3600 };

describe('secret rotation', () => {
  it('accepts a link signed with the previous invoice secret during the grace period, and only then', () => {
    const oldLink = signInvoiceToken(OLD, rotationPayload);
    expect(verifyInvoiceToken([NEW, OLD], oldLink, rotatedAt)).toMatchObject({ orderId: 'o1' });
    expect(() => verifyInvoiceToken(NEW, oldLink, rotatedAt)).toThrow(/not valid/);
    expect(verifyInvoiceToken([NEW, OLD], signInvoiceToken(NEW, rotationPayload), rotatedAt)).toMatchObject({ orderId: 'o1' });
  });

  it('rolled through several instances in passes, an instance in either pass accepts the links the other signs', () => {
    const pass1 = [OLD, NEW]; // INVOICE_LINK_SIGNING_SECRET=old, ..._PREVIOUS=new
    const pass2 = [NEW, OLD]; // swapped
    expect(verifyInvoiceToken(pass1, signInvoiceToken(pass2[0]!, rotationPayload), rotatedAt)).toMatchObject({ orderId: 'o1' });
    expect(verifyInvoiceToken(pass2, signInvoiceToken(pass1[0]!, rotationPayload), rotatedAt)).toMatchObject({ orderId: 'o1' });
  });

  it('reads the *_PREVIOUS variables', () => {
    const env = loadEnv({ INVOICE_LINK_SIGNING_SECRET_PREVIOUS: OLD, SESSION_SECRET_PREVIOUS: OLD });
    expect(env.INVOICE_LINK_SIGNING_SECRET_PREVIOUS).toBe(OLD);
    expect(env.SESSION_SECRET_PREVIOUS).toBe(OLD);
  });
});
