// What a save read back must show: the fields it changed, and every other column as it was. The tests of forms
// and saves (panel forms in Chromium, the settings save path, a stale form beside a colleague's save) compare a
// row before and after with it, so a save that writes a field it did not show fails by that field's name.
import { expect } from 'vitest';

export type Row = Record<string, unknown>;

/** Every column of `after` equals `before`'s, except `changed` (expected values) and updatedAt. */
export function expectOnly(before: Row, after: Row, changed: Row): void {
  for (const key of Object.keys(before)) {
    if (key === 'updatedAt') continue;
    if (key in changed) expect(after[key], key).toEqual(changed[key]);
    else expect(after[key], `${key} changed by the save`).toEqual(before[key]);
  }
}
