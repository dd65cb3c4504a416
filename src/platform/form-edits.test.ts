import { describe, expect, it } from 'vitest';
import { conflictWords, formEdits, staleFormRefusal } from './form-edits.js';

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

describe('formEdits inside a JSON column', () => {
  const shown = {
    name: 'Shop',
    paymentInstructions: { VENMO_P2P: { handle: '@a', instructions: 'Pay @a' }, ZELLE: { instructions: 'Zelle z@x' } },
    taxjarFromAddress: { zip: '98101', country: 'US', city: 'Seattle' },
  };

  it("writes the admin's key over a colleague's change to another key of the same column", () => {
    const current = { ...shown, paymentInstructions: { ...shown.paymentInstructions, ZELLE: { instructions: 'Zelle new@x' } } };
    const posted = { ...shown, paymentInstructions: { ...shown.paymentInstructions, VENMO_P2P: { handle: '@b', instructions: 'Pay @a' } } };
    expect(formEdits(posted, shown, current)).toEqual({
      edits: {
        paymentInstructions: { VENMO_P2P: { handle: '@b', instructions: 'Pay @a' }, ZELLE: { instructions: 'Zelle new@x' } },
      },
      conflicts: [],
    });
  });

  it('refuses a key both changed differently, named by its path; the same change twice is none', () => {
    const current = {
      ...shown,
      paymentInstructions: { ...shown.paymentInstructions, VENMO_P2P: { handle: '@c', instructions: 'Pay @a' } },
    };
    const posted = { ...shown, paymentInstructions: { ...shown.paymentInstructions, VENMO_P2P: { handle: '@b', instructions: 'Pay @a' } } };
    expect(formEdits(posted, shown, current).conflicts).toEqual([
      { field: 'paymentInstructions.VENMO_P2P.handle', shown: '@a', now: '@c' },
    ]);
    expect(formEdits(posted, shown, posted).conflicts).toEqual([]);
  });

  it('removes a key the admin cleared and keeps one a colleague added; a row emptied by both is removed', () => {
    const current = {
      ...shown,
      paymentInstructions: { VENMO_P2P: { handle: '@a' }, ZELLE: { instructions: 'Zelle z@x' }, CASHAPP_P2P: { handle: '$x' } },
    };
    // The admin cleared Venmo's handle (a colleague meanwhile cleared its instructions) and Zelle's row.
    const posted = { ...shown, paymentInstructions: { VENMO_P2P: { instructions: 'Pay @a' } } };
    expect(formEdits(posted, shown, current)).toEqual({
      edits: { paymentInstructions: { CASHAPP_P2P: { handle: '$x' } } },
      conflicts: [],
    });
  });

  it('merges an address field by field, and refuses an address set from none by both (compared whole)', () => {
    const current = { ...shown, taxjarFromAddress: { zip: '98102', country: 'US', city: 'Seattle' } };
    const posted = { ...shown, taxjarFromAddress: { zip: '98101', country: 'US', city: 'Tacoma' } };
    expect(formEdits(posted, shown, current).edits).toEqual({ taxjarFromAddress: { zip: '98102', country: 'US', city: 'Tacoma' } });
    const none = { ...shown, taxjarFromAddress: null };
    expect(formEdits(posted, none, current).conflicts).toEqual([
      { field: 'taxjarFromAddress', shown: null, now: current.taxjarFromAddress },
    ]);
  });

  it('keeps plain fields as they were: posted as shown is no change, changed by both is refused', () => {
    expect(formEdits({ stock: 10, notes: 'x' }, { stock: 10, notes: null }, { stock: 7, notes: null })).toEqual({
      edits: { notes: 'x' },
      conflicts: [],
    });
    expect(formEdits({ stock: 12 }, { stock: 10 }, { stock: 7 }).conflicts).toEqual([{ field: 'stock', shown: 10, now: 7 }]);
    expect(formEdits({ events: ['a', 'b'] }, { events: ['a'] }, { events: ['c'] }).conflicts).toEqual([
      { field: 'events', shown: ['a'], now: ['c'] },
    ]);
  });
});

describe("staleFormRefusal with the form's words", () => {
  const words = (path: string) => (path === 'paymentInstructions.VENMO_P2P.handle' ? 'Venmo handle' : undefined);
  it('names a field the form labels by its label, and others by their path', () => {
    const refusal = staleFormRefusal(
      'This shop',
      [
        { field: 'paymentInstructions.VENMO_P2P.handle', shown: '@a', now: '@c' },
        { field: 'paymentInstructions.ZELLE.handle', shown: null, now: 'z@x' },
      ],
      words,
    );
    expect(refusal.message).toBe(
      'This shop changed since you opened it (Venmo handle @a -> @c, payment instructions ZELLE.handle (empty) -> z@x). Reload the page, make your change again and save.',
    );
    expect(refusal.fields[0]).toEqual({
      path: 'paymentInstructions.VENMO_P2P.handle',
      message: 'Changed since you opened the form (Venmo handle @a -> @c).',
    });
  });
});

describe('formEdits of a list shown as checkboxes (sets)', () => {
  const sets = ['enabledPaymentMethods'];
  const shown = { name: 'Shop', enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'] };

  it("keeps a colleague's ticked box beside the admin's, in the list's order with the admin's after it", () => {
    const current = { ...shown, enabledPaymentMethods: ['VENMO_P2P', 'ZELLE', 'CASHAPP_PAY'] };
    const posted = { ...shown, enabledPaymentMethods: ['VENMO_P2P', 'ZELLE', 'CHIME'] };
    expect(formEdits(posted, shown, current, { sets })).toEqual({
      edits: { enabledPaymentMethods: ['VENMO_P2P', 'ZELLE', 'CASHAPP_PAY', 'CHIME'] },
      conflicts: [],
    });
    // Compared whole (no `sets`), the same save is refused.
    expect(formEdits(posted, shown, current).conflicts).toHaveLength(1);
  });

  it("removes the admin's unticked box and keeps a colleague's removal and addition", () => {
    const current = { ...shown, enabledPaymentMethods: ['ZELLE', 'CASHAPP_PAY'] }; // Venmo off, Cash App Pay on
    const posted = { ...shown, enabledPaymentMethods: ['VENMO_P2P'] }; // Zelle off
    expect(formEdits(posted, shown, current, { sets }).edits).toEqual({ enabledPaymentMethods: ['CASHAPP_PAY'] });
  });

  it('writes nothing for boxes posted as shown, whatever the list holds now; the same change twice is no conflict', () => {
    const current = { ...shown, enabledPaymentMethods: ['ZELLE'] };
    expect(formEdits(shown, shown, current, { sets })).toEqual({ edits: {}, conflicts: [] });
    // Both unticked Venmo: one Venmo-less list, nothing refused.
    expect(formEdits({ ...shown, enabledPaymentMethods: ['ZELLE'] }, shown, current, { sets })).toEqual({
      edits: { enabledPaymentMethods: ['ZELLE'] },
      conflicts: [],
    });
    // Both ticked Chime: listed once.
    const both = { ...shown, enabledPaymentMethods: ['VENMO_P2P', 'ZELLE', 'CHIME'] };
    expect(formEdits(both, shown, both, { sets }).edits).toEqual({ enabledPaymentMethods: ['VENMO_P2P', 'ZELLE', 'CHIME'] });
  });

  it('takes an empty list (every box unticked) and a list the form had none of', () => {
    const current = { ...shown, enabledPaymentMethods: ['VENMO_P2P', 'ZELLE', 'CASHAPP_PAY'] };
    expect(formEdits({ ...shown, enabledPaymentMethods: [] }, shown, current, { sets }).edits).toEqual({
      enabledPaymentMethods: ['CASHAPP_PAY'],
    });
    expect(
      formEdits({ enabledPaymentMethods: ['ZELLE'] }, { enabledPaymentMethods: null }, { enabledPaymentMethods: ['CHIME'] }, { sets })
        .edits,
    ).toEqual({
      enabledPaymentMethods: ['CHIME', 'ZELLE'],
    });
  });
});
