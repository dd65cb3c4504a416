// Rotation: a link signed with the previous INVOICE_LINK_SIGNING_SECRET keeps working while it is
// configured as INVOICE_LINK_SIGNING_SECRET_PREVIOUS; new links are signed with the current one.
import { describe, expect, it } from 'vitest';
import { signInvoiceToken, verifyInvoiceToken } from '../../src/modules/invoices/invoice-token.js';
import { loadEnv } from '../../src/config/env.js';

const OLD = 'old-invoice-secret-old-invoice-secret-0';
const NEW = 'new-invoice-secret-new-invoice-secret-1';
const now = new Date('2026-11-30T00:00:00Z');
const payload = { tenantId: 't1', orderId: 'o1', exp: Math.floor(now.getTime() / 1000) + 3600 };

describe('secret rotation', () => {
  it('accepts a link signed with the previous invoice secret during the grace period, and only then', () => {
    const oldLink = signInvoiceToken(OLD, payload);
    expect(verifyInvoiceToken([NEW, OLD], oldLink, now)).toMatchObject({ orderId: 'o1' });
    expect(() => verifyInvoiceToken(NEW, oldLink, now)).toThrow(/not valid/);
    expect(verifyInvoiceToken([NEW, OLD], signInvoiceToken(NEW, payload), now)).toMatchObject({ orderId: 'o1' });
  });

  it('reads the *_PREVIOUS variables', () => {
    const env = loadEnv({ INVOICE_LINK_SIGNING_SECRET_PREVIOUS: OLD, SESSION_SECRET_PREVIOUS: OLD });
    expect(env.INVOICE_LINK_SIGNING_SECRET_PREVIOUS).toBe(OLD);
    expect(env.SESSION_SECRET_PREVIOUS).toBe(OLD);
  });
});
