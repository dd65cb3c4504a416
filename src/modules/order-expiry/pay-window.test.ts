import { describe, expect, it } from 'vitest';
import {
  defaultPayWindowMinutes,
  extendedDueAt,
  extendInput,
  initialDueAt,
  MAX_EXTENSION_MINUTES,
  payWindowMinutes,
  reminderAt,
  reminderStillDue,
} from './pay-window.js';

const at = (iso: string) => new Date(iso);
const MIN = 60_000;

describe('pay window rules', () => {
  it('defaults: 4 hours for processor checkouts, 2 days for manual methods; a valid override wins', () => {
    expect(['PAYPAL', 'CASHAPP_PAY', 'BTC_INVOICE'].map((m) => defaultPayWindowMinutes(m as never))).toEqual([240, 240, 240]);
    expect(
      ['VENMO_P2P', 'ZELLE', 'CASHAPP_P2P', 'CHIME', 'PAYPAL_MANUAL', 'BTC_MANUAL'].map((m) => defaultPayWindowMinutes(m as never)),
    ).toEqual([2880, 2880, 2880, 2880, 2880, 2880]);
    expect(payWindowMinutes({ VENMO_P2P: 90 }, 'VENMO_P2P')).toBe(90);
    expect(payWindowMinutes({ VENMO_P2P: 90 }, 'ZELLE')).toBe(2880);
    // Stored values out of bounds or of the wrong type fall back to the default instead of failing.
    expect(payWindowMinutes({ PAYPAL: 1 }, 'PAYPAL')).toBe(240);
    expect(payWindowMinutes({ PAYPAL: '60' }, 'PAYPAL')).toBe(240);
    expect(payWindowMinutes(null, 'PAYPAL')).toBe(240);
  });

  it('the deadline counts from placement, but leaves at least half a window when scheduled late', () => {
    const placed = at('2026-11-30T10:00:00Z');
    expect(initialDueAt(placed, 120, at('2026-11-30T10:00:05Z'))).toEqual(at('2026-11-30T12:00:00Z'));
    expect(initialDueAt(placed, 120, at('2026-11-30T15:00:00Z'))).toEqual(at('2026-11-30T16:00:00Z'));
  });

  it('the reminder goes out when half the window is left, or at once if that moment passed', () => {
    const due = at('2026-11-30T12:00:00Z');
    expect(reminderAt(due, 120, at('2026-11-30T10:00:00Z'))).toEqual(at('2026-11-30T11:00:00Z'));
    expect(reminderAt(due, 120, at('2026-11-30T11:30:00Z'))).toEqual(at('2026-11-30T11:30:00Z'));
  });

  it('extensions: minutes add to the later of the deadline and now; until must be future and within 90 days', () => {
    const now = at('2026-11-30T10:00:00Z');
    const by = (m: number) => extendInput.parse({ extendByMinutes: m });
    expect(extendedDueAt(at('2026-11-30T12:00:00Z'), by(60), now)).toEqual(at('2026-11-30T13:00:00Z'));
    expect(extendedDueAt(at('2026-11-30T08:00:00Z'), by(60), now)).toEqual(at('2026-11-30T11:00:00Z'));
    expect(extendedDueAt(at('2027-02-27T00:00:00Z'), by(MAX_EXTENSION_MINUTES), now)!.getTime()).toBe(
      now.getTime() + MAX_EXTENSION_MINUTES * MIN,
    );
    const until = (s: string) => extendInput.parse({ until: s });
    expect(extendedDueAt(null, until('2026-12-01T10:00:00Z'), now)).toEqual(at('2026-12-01T10:00:00Z'));
    expect(extendedDueAt(null, until('2026-11-30T09:00:00Z'), now)).toBeNull();
    expect(extendedDueAt(null, until('2027-06-01T00:00:00Z'), now)).toBeNull();
    expect(extendInput.safeParse({ extendByMinutes: 0 }).success).toBe(false);
    expect(extendInput.safeParse({ extendByMinutes: 30, until: '2026-12-01T10:00:00Z' }).success).toBe(false);
  });

  it('a reminder is due only for the deadline it was scheduled for, while unpaid', () => {
    const due = at('2026-11-30T12:00:00Z');
    expect(reminderStillDue({ status: 'PENDING_PAYMENT', paymentDueAt: due }, due.toISOString())).toBe(true);
    expect(reminderStillDue({ status: 'PENDING_PAYMENT', paymentDueAt: new Date(due.getTime() + MIN) }, due.toISOString())).toBe(false);
    expect(reminderStillDue({ status: 'PAID', paymentDueAt: due }, due.toISOString())).toBe(false);
  });
});
