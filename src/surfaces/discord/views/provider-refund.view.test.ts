import { describe, expect, it } from 'vitest';
import { refundMadeAtProviderAlert } from './provider-refund.view.js';

const base = {
  tenantId: 't',
  orderId: 'ord_1',
  provider: 'PAYPAL' as const,
  providerRefundId: '7XR12345',
  amountCents: 1000,
  currency: 'USD',
};
const order = { number: 1001, status: 'PARTIALLY_REFUNDED', totalCents: 4250, refundedTotalCents: 1000, customerDiscordUserId: '42' };
const text = (m: ReturnType<typeof refundMadeAtProviderAlert>) => `${m.embeds![0]!.title}\n${m.embeds![0]!.description}`;

describe('the notice of a refund made in the provider dashboard', () => {
  it('recorded: says so, how the order stands, and that nothing more is to be sent', () => {
    const t = text(refundMadeAtProviderAlert({ ...base, refundId: 'ref_1', mode: 'PARTIAL_AMOUNT' }, order));
    expect(t).toContain("Order #1001 refunded in PayPal's dashboard: recorded");
    expect(t).toContain('$10.00 of $42.50 refunded, status PARTIALLY_REFUNDED');
    expect(t).toContain('nothing more to send');
    expect(t).not.toMatch(/return it|could NOT/i);
  });

  it('not recorded: says why, and that the money must not be returned again', () => {
    const t = text(
      refundMadeAtProviderAlert(
        { ...base, provider: 'SQUARE', why: 'Order #1001 is already fully refunded ($42.50).' },
        { ...order, status: 'REFUNDED' },
      ),
    );
    expect(t).toContain("Order #1001 refunded in Square's dashboard: not recorded");
    expect(t).toContain('already fully refunded ($42.50).\n');
    expect(t).toContain('do not return it again');
  });
});
