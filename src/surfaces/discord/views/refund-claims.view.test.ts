import { describe, expect, it } from 'vitest';
import type { RefundClaim } from '../../../modules/payments-processor/checkouts/refund-claims.query.js';
import { refundClaimsField } from './refund-claims.view.js';

const claim = (i: number, over: Partial<RefundClaim> = {}): RefundClaim => ({
  refundId: `ref_${i}`,
  pullPaymentId: `pp_${i}`,
  amountCents: 100 * i,
  currency: 'USD',
  state: 'AwaitingApproval',
  awaitsApproval: true,
  adminUrl: `https://btcpay.example.com/stores/store_1/pull-payments/pp_${'x'.repeat(40)}${i}/payouts`,
  at: new Date(Date.UTC(2026, 11, 1, 0, i)),
  ...over,
});

describe('refundClaimsField', () => {
  it('is absent without claims', () => {
    expect(refundClaimsField([])).toBeNull();
  });

  it('lists the newest first, each line whole, within the 1024 characters of a field, and counts the rest', () => {
    const field = refundClaimsField(Array.from({ length: 30 }, (_, i) => claim(i + 1)))!;
    expect(field.value.length).toBeLessThanOrEqual(1024);
    const lines = field.value.split('\n');
    expect(lines[0]).toMatch(/^\$30\.00: \*\*claimed, waiting for your approval\*\* in BTCPay · <https:/);
    expect(lines.at(-1)).toMatch(/^… and \d+ more: see the order in the admin panel$/);
    const shown = lines.length - 1;
    expect(lines.at(-1)).toContain(`and ${30 - shown} more`);
  });

  it('says an unclaimed one will wait for approval, and gives no link once paid', () => {
    expect(refundClaimsField([claim(1, { state: 'Unclaimed' })])!.value).toContain('it will wait for your approval');
    expect(refundClaimsField([claim(1, { state: 'Completed' })])!.value).toBe('$1.00: paid: the customer has the money');
  });
});
