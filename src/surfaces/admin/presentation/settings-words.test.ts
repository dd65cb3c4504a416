import { describe, expect, it } from 'vitest';
import { presentTimeline } from '../../../modules/audit/audit-timeline.js';
import { SETTINGS_FIELD_CHANGES, settingsFieldWords } from './settings-words.js';

describe("shop settings' groups of fields in words", () => {
  it('names a field by its path as the form labels it', () => {
    expect(settingsFieldWords('paymentInstructions.VENMO_P2P.handle')).toBe('Venmo handle');
    expect(settingsFieldWords('paymentInstructions.ZELLE.instructions')).toBe('Zelle instructions');
    expect(settingsFieldWords('paymentWindowMinutes.PAYPAL')).toBe('PayPal pay window');
    expect(settingsFieldWords('taxjarFromAddress.zip')).toBe('Ship-from ZIP code');
    expect(settingsFieldWords('name')).toBeUndefined();
  });

  it("says a shop settings change in the History line by line, in the form's words, not JSON", () => {
    const [item] = presentTimeline(
      [
        {
          id: 'aud_1',
          action: 'tenant.updated',
          actorType: 'PANEL_ADMIN',
          actorId: null,
          createdAt: new Date('2026-12-05T10:00:00Z'),
          before: {
            name: 'Old',
            paymentInstructions: { VENMO_P2P: { handle: '@a', instructions: 'Pay @a' }, ZELLE: { handle: 'z@x' } },
            paymentWindowMinutes: { ZELLE: 90 },
            taxjarFromAddress: null,
          },
          after: {
            name: 'New',
            paymentInstructions: { VENMO_P2P: { handle: '@b', instructions: 'Pay @a' } },
            paymentWindowMinutes: { PAYPAL: 120 },
            taxjarFromAddress: { street: '1 Pike St', city: 'Seattle', state: 'WA', zip: '98101', country: 'US' },
          },
        },
      ],
      { timeZone: 'UTC', currency: 'USD', fieldChanges: SETTINGS_FIELD_CHANGES },
    );
    expect(item!.changes.map((c) => `${c.label}: ${c.before} -> ${c.after}`)).toEqual([
      'Name: Old -> New',
      'Venmo handle: @a -> @b',
      'Zelle handle: z@x -> —',
      'PayPal pay window: default (4 hours) -> 2 hours',
      'Zelle pay window: 90 minutes -> default (2 days)',
      'Ship-from address: none -> 1 Pike St, Seattle, WA 98101, US',
    ]);
    // Each line is its own field (the component's key).
    expect(new Set(item!.changes.map((c) => c.field)).size).toBe(item!.changes.length);
  });
});
