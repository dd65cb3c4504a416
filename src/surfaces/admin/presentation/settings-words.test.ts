import { describe, expect, it } from 'vitest';
import { settingsFieldWords } from './settings-words.js';

describe("shop settings' groups of fields in words", () => {
  it('names a field by its path as the form labels it', () => {
    expect(settingsFieldWords('paymentInstructions.VENMO_P2P.handle')).toBe('Venmo handle');
    expect(settingsFieldWords('paymentInstructions.ZELLE.instructions')).toBe('Zelle instructions');
    expect(settingsFieldWords('paymentWindowMinutes.PAYPAL')).toBe('PayPal pay window');
    expect(settingsFieldWords('taxjarFromAddress.zip')).toBe('Ship-from ZIP code');
    expect(settingsFieldWords('name')).toBeUndefined();
  });
});
