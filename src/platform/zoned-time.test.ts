import { describe, expect, it } from 'vitest';
import { dayBound, parseInstant, todayIn } from './zoned-time.js';

describe('parseInstant: a typed wall time in the shop zone, or an instant', () => {
  it('reads the wall time in the zone named, whatever the server zone', () => {
    expect(parseInstant('2026-12-15T09:00[America/New_York]')?.toISOString()).toBe('2026-12-15T14:00:00.000Z');
    expect(parseInstant('2026-12-15T09:00[Pacific/Auckland]')?.toISOString()).toBe('2026-12-14T20:00:00.000Z');
    expect(parseInstant('2027-01-31T23:59[UTC]')?.toISOString()).toBe('2027-01-31T23:59:00.000Z');
    expect(parseInstant(' 2026-07-01T12:30:45[Europe/Berlin] ')?.toISOString()).toBe('2026-07-01T10:30:45.000Z');
  });

  it('a wall time the spring-forward change skips moves forward by the gap', () => {
    // New York, 8 March 2026: 02:00 EST becomes 03:00 EDT; 02:30 does not exist and is read as 03:30 EDT.
    expect(parseInstant('2026-03-08T02:30[America/New_York]')?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(parseInstant('2026-03-08T03:30[America/New_York]')?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('a wall time the fall-back change repeats is the first of the two', () => {
    // New York, 1 November 2026: 01:30 happens at -04:00, then again at -05:00.
    expect(parseInstant('2026-11-01T01:30[America/New_York]')?.toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('takes an instant as it is (the stored value sent back by an unchanged form)', () => {
    expect(parseInstant('2026-01-02T03:04:00.000Z')?.toISOString()).toBe('2026-01-02T03:04:00.000Z');
    expect(parseInstant('2026-01-02T04:04:00+01:00')?.toISOString()).toBe('2026-01-02T03:04:00.000Z');
  });

  it('refuses what names no instant, an unknown zone, and an offset that contradicts its zone', () => {
    for (const bad of [
      '2026-12-15T09:00', // no zone, no offset: 24 possible instants
      '2026-12-15',
      '15/12/2026 09:00',
      'tomorrow',
      '',
      '2026-12-15T09:00[Mars/Olympus_Mons]',
      '2026-02-30T09:00[UTC]',
      '2026-12-15T09:00+01:00[America/New_York]',
    ])
      expect(parseInstant(bad), bad).toBeNull();
  });
});

describe('dayBound: a date filter is the shop day, start to end', () => {
  it('a day in the zone runs from its first instant to its last millisecond', () => {
    expect(dayBound('2026-12-01[America/New_York]', 'start')?.toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(dayBound('2026-12-01[America/New_York]', 'end')?.toISOString()).toBe('2026-12-02T04:59:59.999Z');
    expect(dayBound('2026-12-01[Pacific/Auckland]', 'start')?.toISOString()).toBe('2026-11-30T11:00:00.000Z');
  });

  it('a daylight-saving day is 23 or 25 hours long', () => {
    const length = (day: string) => dayBound(day, 'end')!.getTime() + 1 - dayBound(day, 'start')!.getTime();
    expect(length('2026-03-08[America/New_York]')).toBe(23 * 3_600_000);
    expect(length('2026-11-01[America/New_York]')).toBe(25 * 3_600_000);
    expect(length('2026-07-01[America/New_York]')).toBe(24 * 3_600_000);
  });

  it('an instant is taken as it is; a wrong day or zone is null', () => {
    expect(dayBound('2026-12-01T05:00:00.000Z', 'end')?.toISOString()).toBe('2026-12-01T05:00:00.000Z');
    for (const bad of ['2026-02-30[UTC]', '2026-12-01[Nowhere/Town]', 'not-a-date', '2026-12-01']) {
      expect(dayBound(bad, 'start'), bad).toBeNull();
    }
  });
});

describe("todayIn: the date it is in a zone, not the server's", () => {
  it('gives the same instant a different date on either side of the date line', () => {
    const at = new Date('2026-12-31T10:30:00Z');
    expect(todayIn('UTC', at).toString()).toBe('2026-12-31');
    expect(todayIn('Pacific/Kiritimati', at).toString()).toBe('2027-01-01'); // UTC+14
    expect(todayIn('Pacific/Pago_Pago', at).toString()).toBe('2026-12-30'); // UTC-11
    expect(todayIn('America/New_York', new Date('2026-12-01T04:59:59.999Z')).toString()).toBe('2026-11-30');
  });
});
