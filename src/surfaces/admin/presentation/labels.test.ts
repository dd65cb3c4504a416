import { describe, expect, it } from 'vitest';
import { presentTimeline } from '../../../modules/audit/audit-timeline.js';
import { ALL_BADGES, contrastRatio, FIELD_VALUE_WORDS, labelOf, ORDER_STATUS_LABELS, PAYMENT_METHOD_LABELS } from './labels.js';

describe('panel labels and badges', () => {
  it('every status badge meets WCAG AA contrast (4.5:1)', () => {
    for (const [table, badges] of Object.entries(ALL_BADGES)) {
      for (const [status, { background, text }] of Object.entries(badges)) {
        expect(contrastRatio(text, background), `${table}.${status}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('computes contrast as WCAG does', () => {
    expect(contrastRatio('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#FFFFFF')).toBeCloseTo(4.48, 2);
  });

  it('says words, and never a blank for an unknown value', () => {
    expect(labelOf(PAYMENT_METHOD_LABELS, 'VENMO_P2P')).toBe('Venmo');
    expect(labelOf(ORDER_STATUS_LABELS, 'PENDING_PAYMENT')).toBe('Awaiting payment');
    expect(labelOf(ORDER_STATUS_LABELS, 'SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });

  it("an API key's creation reads its access level in words", () => {
    const [item] = presentTimeline(
      [
        {
          id: 'aud_1',
          createdAt: new Date('2026-12-05T10:00:00Z'),
          actorType: 'PANEL_ADMIN',
          actorId: null,
          action: 'api_key.created',
          before: null,
          after: { name: 'Bookkeeping', prefix: 'll_live_abcdef', access: 'READ_ONLY' },
        },
      ],
      { timeZone: 'UTC', currency: 'USD', words: FIELD_VALUE_WORDS },
    );
    expect(item!.changes.find((c) => c.field === 'access')).toMatchObject({ label: 'Access', after: 'Read only' });
  });
});
