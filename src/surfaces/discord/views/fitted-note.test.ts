// The review's note fitted to the room its message leaves (order-steps.view.ts fittedNote): whole lines and a count of
// the rest, the closing sentence (what to do now) kept; with less room than the heading and the count, the heading is
// cut short and the closing still kept (it was cut off with the rest).
import { describe, expect, it } from 'vitest';
import { fittedNote } from './order-steps.view.js';

const note = ['Your order changed since the review:', ...Array.from({ length: 5 }, (_, i) => `- Line ${i + 1}: only 1 left now`)].join(
  '\n',
);
const closing = 'Click **Confirm & submit** to place it as it is now.';

describe('fittedNote', () => {
  it('keeps the whole note when it fits', () => {
    expect(fittedNote(note, 1000, closing)).toBe(`${note}\n\n${closing}`);
  });

  it('keeps whole lines and counts the rest, with the closing', () => {
    const text = fittedNote(note, 160, closing);
    expect(text.length).toBeLessThanOrEqual(160);
    expect(text).toMatch(/^Your order changed since the review:\n- Line 1: only 1 left now\n/);
    expect(text).toMatch(/and \d more changes\n\nClick \*\*Confirm & submit\*\*/);
  });

  it('keeps the closing behind a heading cut short when even the heading and the count do not fit', () => {
    const text = fittedNote(note, closing.length + 12, closing);
    expect(text.length).toBeLessThanOrEqual(closing.length + 12);
    expect(text.endsWith(`\n\n${closing}`)).toBe(true);
    expect(text.startsWith('Your orde…')).toBe(true);
  });
});
