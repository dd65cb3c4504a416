import { describe, expect, it } from 'vitest';
import { formOptionalText, formText, lines } from './form-fields.js';
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
