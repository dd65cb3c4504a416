import { describe, expect, it } from 'vitest';
import { conflictWords } from './form-edits.js';

describe('conflictWords', () => {
  it('names the values of a group of fields that differ, not its JSON', () => {
    expect(
      conflictWords({
        field: 'paymentInstructions',
        shown: { VENMO_P2P: { handle: '@a', instructions: 'Pay' }, ZELLE: { handle: 'z@x' } },
        now: { VENMO_P2P: { handle: '@b', instructions: 'Pay' }, ZELLE: { handle: 'z@x' } },
      }),
    ).toBe('payment instructions VENMO_P2P.handle @a -> @b');
    expect(conflictWords({ field: 'taxjarFromAddress', shown: null, now: { zip: '98101', country: 'US' } })).toBe(
      'taxjar from address country (empty) -> US, taxjar from address zip (empty) -> 98101',
    );
  });

  it('says a plain value as before', () => {
    expect(conflictWords({ field: 'stock', shown: 10, now: 7 })).toBe('stock 10 -> 7');
    expect(conflictWords({ field: 'notes', shown: null, now: 'Gift' })).toBe('notes (empty) -> Gift');
  });
});
