import { describe, expect, it } from 'vitest';
import { formInt, formMoney, formOptionalDate, formOptionalInt, formOptionalText, formText, lines } from './form-fields.js';
import { shippingTypeForm } from './catalog.schema.js';
import { discountForm } from './discount.schema.js';
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
    const parsed = productForm('USD').parse({
      sku: 'TEE',
      name: 'Tee',
      description: 'Heavy cotton.\r\nShips folded.',
      price: '1.00',
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

describe('money fields are typed in the currency, never in cents', () => {
  it('"25" is $25.00; decimals, a sign and thousands separators as people type them', () => {
    const usd = formMoney('USD', 100_000_000);
    expect(usd.parse('25')).toBe(2500);
    expect(usd.parse('24.5')).toBe(2450);
    expect(usd.parse(' $1,250.99 ')).toBe(125099);
    expect(usd.parse('0')).toBe(0);
    // A decimal comma, as much of the world writes it (one or two digits after it; three are thousands).
    expect(usd.parse('12,34')).toBe(1234);
    expect(usd.parse('1,250')).toBe(125000);
    // Yen have no minor unit: 2450 is ¥2,450.
    expect(formMoney('JPY', 100_000_000).parse('2450')).toBe(2450);
  });

  it('refuses cents-like and wrong amounts with the form of a right one', () => {
    const usd = formMoney('USD', 10_000_000);
    for (const bad of ['24.505', '-5', 'ten', '12,345.678'])
      expect(usd.safeParse(bad).error?.issues[0]?.message, bad).toBe('an amount in USD, such as 24.50');
    expect(formMoney('JPY', 100).safeParse('24.50').error?.issues[0]?.message).toBe('an amount in JPY, such as 2450');
    expect(usd.safeParse('100000.01').error?.issues[0]?.message).toBe('at most $100,000.00');
    expect(usd.safeParse('').error?.issues[0]?.message).toBe('required');
    expect(formMoney('USD', 100, { optional: true }).parse('')).toBeNull();
  });

  it('the shipping and discount forms store cents read in the shop currency', () => {
    expect(shippingTypeForm('EUR').parse({ name: 'Courier', price: '8.95', active: 'true', sortOrder: '0' })).toMatchObject({
      priceCents: 895,
    });
    const discount = discountForm('USD').parse({
      name: 'Five off',
      type: 'FIXED_AMOUNT',
      percentOff: '',
      amountOff: '5',
      scope: 'GLOBAL',
      startsAt: '',
      endsAt: '',
      minSubtotal: '',
      maxUses: '',
      maxUsesPerCustomer: '',
      active: 'true',
    });
    expect(discount).toMatchObject({ amountOffCents: 500, minSubtotalCents: 0, percentOff: null });
    expect(discount).not.toHaveProperty('amountOff');
  });
});

describe('whole-number fields say the rule that was broken', () => {
  const message = (r: { error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message);

  it('a number out of range gets its range; only what is not a whole number gets "a whole number"', () => {
    expect(message(formInt(0, 10_000_000).safeParse('-1'))).toEqual(['a whole number from 0 to 10,000,000']);
    expect(message(formInt(-10_000, 10_000).safeParse('10001'))).toEqual(['a whole number from -10,000 to 10,000']);
    expect(message(formOptionalInt(1, 100).safeParse('150'))).toEqual(['a whole number from 1 to 100']);
    expect(message(formOptionalInt(1, 10_000_000).safeParse('0'))).toEqual(['a whole number from 1 to 10,000,000']);
    for (const bad of ['ten', '1.5', ' 2 apples']) expect(message(formOptionalInt(1, 100).safeParse(bad)), bad).toEqual(['a whole number']);
    expect(message(formInt(0, 10).safeParse(2.5))).toEqual(['a whole number from 0 to 10']);
    expect(formInt(-10_000, 10_000).parse(' -3 ')).toBe(-3);
    expect(formOptionalInt(1, 100).parse('')).toBeNull();
  });

  it('the product and discount forms name each field with its own range', () => {
    const product = productForm('USD').safeParse({
      sku: 'TEE',
      name: 'Tee',
      price: '1.00',
      currency: 'USD',
      active: 'true',
      accessDays: '4000',
      digitalKind: '',
      downloadUrl: '',
      taxCode: '',
      trackStock: 'true',
      stock: '-1',
      sortOrder: '0',
    });
    expect(product.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'accessDays: a whole number from 1 to 3,650',
      'stock: a whole number from 0 to 10,000,000',
    ]);
    const discount = discountForm('USD').safeParse({
      name: 'Too much',
      type: 'PERCENT',
      percentOff: '150',
      amountOff: '',
      scope: 'GLOBAL',
      startsAt: '',
      endsAt: '',
      minSubtotal: '',
      maxUses: '0',
      maxUsesPerCustomer: 'x',
      active: 'true',
    });
    expect(discount.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'percentOff: a whole number from 1 to 100',
      'maxUses: a whole number from 1 to 10,000,000',
      'maxUsesPerCustomer: a whole number',
    ]);
  });
});
