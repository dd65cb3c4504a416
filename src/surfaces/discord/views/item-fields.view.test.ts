// The one rule for listing an order's lines in Discord (item-fields.view.ts): whole lines in the order given,
// split over fields within the room a message leaves, and past that a line that counts the rest.
import { describe, expect, it } from 'vitest';
import { embed } from '../replies.js';
import { FIELD_VALUE_MAX, itemFields, withItemFields } from './item-fields.view.js';
import { embedChars } from '../replies.js';

const lines = (n: number) =>
  Array.from({ length: n }, (_, i) => `• 1 × Pin number ${String(i + 1).padStart(3, '0')} of a long series @ $1.00 = $1.00`);

describe('itemFields', () => {
  it('one field when the lines fit in 1,024 characters', () => {
    expect(itemFields(lines(3), { fields: 25, chars: 6000 }, 'see x')).toEqual([{ name: 'Items', value: lines(3).join('\n') }]);
  });

  it('several fields, each whole lines, in order, when they do not', () => {
    const fields = itemFields(lines(40), { fields: 25, chars: 6000 }, 'see x');
    expect(fields.length).toBeGreaterThan(1);
    expect(fields.map((f) => f.name)).toEqual(fields.map((_, i) => `Items (${i + 1}/${fields.length})`));
    for (const f of fields) expect(f.value.length).toBeLessThanOrEqual(FIELD_VALUE_MAX);
    expect(fields.flatMap((f) => f.value.split('\n'))).toEqual(lines(40));
  });

  it('past the room: the leading lines whole, then "and N more items (…)"', () => {
    const room = { fields: 25, chars: 2000 };
    const fields = itemFields(lines(200), room, 'see order #12 in the admin panel');
    const shown = fields.flatMap((f) => f.value.split('\n'));
    const last = shown.pop()!;
    expect(shown).toEqual(lines(200).slice(0, shown.length));
    expect(last).toBe(`and ${200 - shown.length} more items (see order #12 in the admin panel)`);
    expect(fields.reduce((n, f) => n + f.name.length + f.value.length, 0)).toBeLessThanOrEqual(room.chars);
    expect(fields.length).toBeLessThanOrEqual(room.fields);
  });
});

describe('withItemFields', () => {
  it('fits the items into what the rest of the message leaves, keeping the reserve free', () => {
    const message = {
      embeds: [embed({ title: 'Review', fields: [{ name: 'Totals', value: 'x'.repeat(500) }] }), embed({ description: 'y'.repeat(3000) })],
    };
    const many = Array.from({ length: 120 }, (_, i) => ({ name: `Pin ${i + 1} of a long series`, quantity: 1, unitPriceCents: 100 }));
    const out = withItemFields(message, many, 'USD', { seeAll: 'see x', reserve: { fields: 1, chars: 300 } });
    expect(embedChars(out.embeds!)).toBeLessThanOrEqual(6000 - 300);
    expect(out.embeds![0]!.fields!.at(-1)).toEqual({ name: 'Totals', value: 'x'.repeat(500) });
    expect(out.embeds![0]!.fields!.length).toBeLessThanOrEqual(24);
    expect(JSON.stringify(out)).toMatch(/and \d+ more items \(see x\)/);
  });
});
