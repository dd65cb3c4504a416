// A manual method's details as the shop stored them: instructions and handle when they say something, nothing else.
import { describe, expect, it } from 'vitest';
import { manualPaymentDetails } from './payment-instructions.js';

describe('manualPaymentDetails', () => {
  it('takes non-empty instructions and handle, and ignores blanks, other types and other methods', () => {
    const stored = {
      VENMO_P2P: { handle: '@shop', instructions: 'Pay @shop on Venmo' },
      ZELLE: { handle: ' ', instructions: '' },
      CHIME: { handle: 42 },
      CASHAPP_P2P: { handle: '$shop' },
    };
    expect(manualPaymentDetails(stored, 'VENMO_P2P')).toEqual({ handle: '@shop', instructions: 'Pay @shop on Venmo' });
    expect(manualPaymentDetails(stored, 'CASHAPP_P2P')).toEqual({ handle: '$shop' });
    expect(manualPaymentDetails(stored, 'ZELLE')).toEqual({});
    expect(manualPaymentDetails(stored, 'CHIME')).toEqual({});
    expect(manualPaymentDetails(stored, 'PAYPAL_MANUAL')).toEqual({});
    expect(manualPaymentDetails(null, 'VENMO_P2P')).toEqual({});
  });
});
