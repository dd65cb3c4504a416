import { describe, expect, it } from 'vitest';
import { countWords } from './count-words.js';

describe('countWords', () => {
  it('says one in the singular and every other count in the plural, with thousands separated', () => {
    expect(countWords(1, 'paid order')).toBe('1 paid order');
    expect(countWords(0, 'paid order')).toBe('0 paid orders');
    expect(countWords(2, 'shop')).toBe('2 shops');
    expect(countWords(1, 'saved address', 'saved addresses')).toBe('1 saved address');
    expect(countWords(1200, 'saved address', 'saved addresses')).toBe('1,200 saved addresses');
  });
});
