// The address rule every surface shares (Discord, REST, the panel): a real ISO 3166-1 country, and
// problems said as sentences naming the field as the forms label it.
import { describe, expect, it } from 'vitest';
import {
  ADDRESS_MAX_LENGTH,
  addressInputSchema,
  addressProblemsError,
  checkAddressInput,
  isCountryCode,
} from '../../../src/modules/customers/address.schema.js';

const ELM_ST = { line1: '1 Elm St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };

/** What the customer reads when the address is refused. */
const messageOf = (input: unknown) => {
  const checked = checkAddressInput(input);
  if (checked.ok) throw new Error('the address was accepted');
  return addressProblemsError(checked.problems).message;
};

describe('the address schema', () => {
  it('accepts exactly the 249 country codes ISO 3166-1 assigns, each one a region Node can name', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    const accepted: string[] = [];
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        if (!isCountryCode(code)) continue;
        accepted.push(code);
        expect([code, 'Unknown Region']).not.toContain(names.of(code));
      }
    }
    expect(accepted).toHaveLength(249);
    // Codes ICU names that are no ISO country.
    for (const code of ['ZZ', 'XX', 'EU', 'UN', 'UK', 'SU', 'AN', 'XA']) expect(isCountryCode(code)).toBe(false);
  });

  it('stores the country in upper case and refuses an unknown one with a plain sentence', () => {
    expect(addressInputSchema.parse({ ...ELM_ST, country: ' gb ' }).country).toBe('GB');
    for (const country of ['ZZ', 'zz', 'USA', 'United States']) {
      expect(messageOf({ ...ELM_ST, country })).toBe('Country must be a two-letter country code, such as US, GB or DE.');
    }
    expect(messageOf({ ...ELM_ST, country: ' ' })).toBe('Country is required.');
  });

  it('names every problem as the forms label the field, with the limits it enforces', () => {
    expect(messageOf({ ...ELM_ST, line1: ' ', city: '' })).toBe('Street address is required. City is required.');
    expect(messageOf({ ...ELM_ST, postalCode: '1'.repeat(ADDRESS_MAX_LENGTH.postalCode + 1) })).toBe(
      'Postal code can be at most 20 characters.',
    );
    expect(messageOf({ ...ELM_ST, line2: 'x'.repeat(ADDRESS_MAX_LENGTH.line2 + 1) })).toBe(
      'Apartment or suite can be at most 200 characters.',
    );
    expect(messageOf({})).toBe('Street address is required. City is required. Postal code is required. Country is required.');
    expect(checkAddressInput({ ...ELM_ST, postalCode: '1'.repeat(ADDRESS_MAX_LENGTH.postalCode) }).ok).toBe(true);
  });

  it('fails with VALIDATION_FAILED and the problems by field', () => {
    const checked = checkAddressInput({ ...ELM_ST, city: '', country: 'ZZ' });
    expect(checked.ok).toBe(false);
    expect(addressProblemsError(checked.ok ? [] : checked.problems)).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: {
        fields: [
          { path: 'city', message: 'City is required.' },
          { path: 'country', message: 'Country must be a two-letter country code, such as US, GB or DE.' },
        ],
      },
    });
  });
});
