import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, isValidTimeZone } from './time-format.js';

describe('time-format: instants as the shop reads them', () => {
  it("a day is the shop zone's day, not UTC's", () => {
    // 11:30 UTC on 15 December: already the 16th in Auckland, still the 15th in New York.
    const at = new Date('2026-12-15T11:30:00Z');
    expect(formatDate(at, 'Pacific/Auckland')).toBe('Dec 16, 2026');
    expect(formatDate(at, 'America/New_York')).toBe('Dec 15, 2026');
    expect(formatDate('2026-12-15T11:30:00.000Z', 'UTC')).toBe('Dec 15, 2026');
  });

  it('the date and the date-time formats of one zone do not share a formatter', () => {
    const at = new Date('2026-12-15T11:30:00Z');
    expect(formatDate(at, 'Pacific/Auckland')).toBe('Dec 16, 2026');
    expect(formatDateTime(at, 'Pacific/Auckland')).toMatch(/^Dec 16, 2026, 12:30 AM /);
    expect(formatDate(at, 'Pacific/Auckland')).toBe('Dec 16, 2026');
  });

  it('nothing, an unreadable value or an unknown zone', () => {
    expect(formatDate(null)).toBe('');
    expect(formatDate('')).toBe('');
    expect(formatDate('not a date', 'UTC')).toBe('');
    expect(formatDate(new Date('2026-12-15T11:30:00Z'), 'Mars/Olympus_Mons')).toBe('Dec 15, 2026');
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('Europe/Lisbon')).toBe(true);
  });
});
