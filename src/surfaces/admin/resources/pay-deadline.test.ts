import { describe, expect, it } from 'vitest';
import { payDeadlineView, roughDuration } from './order-view.js';

describe('the pay deadline on the order page', () => {
  const now = new Date('2026-11-30T09:00:00Z');
  const due = (ms: number) => new Date(now.getTime() + ms);

  it('says when, in the shop time zone, and how far away, for unpaid orders only', () => {
    const v = payDeadlineView({ status: 'PENDING_PAYMENT', paymentDueAt: due(3 * 3600_000) }, 'Pacific/Auckland', now);
    expect(v).toMatchObject({ ended: false, text: 'Pay by Dec 1, 2026, 1:00 AM GMT+13 (in 3 h)' });
    expect(payDeadlineView({ status: 'PENDING_PAYMENT', paymentDueAt: due(-2 * 3600_000) }, 'UTC', now)?.text).toBe(
      'Pay window ended Nov 30, 2026, 7:00 AM UTC (2 h ago)',
    );
    expect(payDeadlineView({ status: 'PAID', paymentDueAt: due(3600_000) }, 'UTC', now)).toBeNull();
    expect(payDeadlineView({ status: 'PENDING_PAYMENT', paymentDueAt: null }, 'UTC', now)).toBeNull();
  });

  it('rounds the distance to the unit shown', () => {
    expect([20_000, 25 * 60_000, 179 * 60_000, 47 * 3600_000, 50 * 3600_000].map(roughDuration)).toEqual([
      'under a minute',
      '25 min',
      '3 h',
      '47 h',
      '2 days',
    ]);
  });
});
