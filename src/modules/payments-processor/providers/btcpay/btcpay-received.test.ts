// BTCPay's payments in the invoice currency, exactly: (value - fee) * rate, Settled apart from Processing.
import { describe, expect, it } from 'vitest';
import { receivedOnInvoice } from './btcpay-received.js';

describe('receivedOnInvoice', () => {
  it('sums settled and accounted payments at the method rate, rounding once to the minor unit', () => {
    const methods = [
      {
        rate: '100000.00',
        payments: [
          { value: '0.00042510', fee: '0.00000000', status: 'Settled' },
          { value: '0.00010000', fee: '0.00000010', status: 'Processing' },
        ],
      },
    ];
    expect(receivedOnInvoice(methods, 'USD')).toEqual({ accountedCents: 4251 + 999, settledCents: 4251 });
    expect(receivedOnInvoice([{ rate: '6500000', payments: [{ value: '0.00065385', status: 'Settled' }] }], 'JPY')).toEqual({
      accountedCents: 4250,
      settledCents: 4250,
    });
    expect(receivedOnInvoice([], 'USD')).toEqual({ accountedCents: 0, settledCents: 0 });
  });

  it('is null for an amount it cannot read', () => {
    expect(receivedOnInvoice([{ rate: 'abc', payments: [] }], 'USD')).toBeNull();
    expect(receivedOnInvoice([{ rate: '1', payments: [{ value: '1e3', status: 'Settled' }] }], 'USD')).toBeNull();
  });
});
