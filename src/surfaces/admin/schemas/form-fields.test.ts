import { describe, expect, it } from 'vitest';
import { formOptionalDate, formOptionalText, formText, lines } from './form-fields.js';
import { productForm } from './catalog.schema.js';

describe('form text as a browser sends it', () => {
  it('keeps line breaks as \\n: a form sends them as CRLF (and an old Mac as CR)', () => {
    expect(formText(100).parse('  Ships folded.\r\nHeavy cotton.\r\n')).toBe('Ships folded.\nHeavy cotton.');
    expect(formOptionalText(100).parse('a\r\n\r\nb\rc')).toBe('a\n\nb\nc');
    expect(lines().nullable().parse('note\r\nline 2')).toBe('note\nline 2');
  });

  it('counts the limit on the text as stored, and keeps empty as null', () => {
    // 5 lines of 1 character: 9 characters with \n, 13 as sent.
    expect(formOptionalText(9).parse('a\r\nb\r\nc\r\nd\r\ne')).toBe('a\nb\nc\nd\ne');
    expect(formOptionalText(10).parse(' \r\n ')).toBeNull();
    expect(() => formText(10).parse('\r\n')).toThrow(/required/);
  });

  it('a product description saved from the panel has no carriage returns', () => {
    const parsed = productForm.parse({
      sku: 'TEE',
      name: 'Tee',
      description: 'Heavy cotton.\r\nShips folded.',
      unitPriceCents: '100',
      currency: 'usd',
      active: 'true',
      requiredRoleIds: [],
      grantedRoleIds: [],
      accessDays: '',
      digitalKind: '',
      downloadUrl: '',
      taxCode: '',
      trackStock: 'false',
      stock: '0',
      sortOrder: '0',
    });
    expect(parsed.description).toBe('Heavy cotton.\nShips folded.');
  });
});

describe('date-time fields as the panel sends them', () => {
  it('reads the typed wall time in the zone sent with it, keeps an unchanged ISO value, and empty as null', () => {
    expect(formOptionalDate.parse('2026-12-15T09:00[America/New_York]')).toEqual(new Date('2026-12-15T14:00:00Z'));
    expect(formOptionalDate.parse('2026-01-02T03:04:00.000Z')).toEqual(new Date('2026-01-02T03:04:00Z'));
    expect(formOptionalDate.parse('')).toBeNull();
  });

  it('refuses a date-time without zone or offset, and words, with a clear error', () => {
    for (const bad of ['2026-12-15T09:00', 'next friday']) {
      const r = formOptionalDate.safeParse(bad);
      expect(r.success, bad).toBe(false);
      expect(r.error?.issues[0]?.message).toBe('a date and time');
    }
  });
});
