import { describe, expect, it } from 'vitest';
import { ADDRESS_MAX_LENGTH } from '../../../modules/customers/address.schema.js';
import { formatAddress } from './order-steps.view.js';
import { asTyped } from './typed-text.js';

describe('asTyped', () => {
  it("escapes Discord's markdown and keeps the text on one line", () => {
    expect(asTyped('[Paid](https://x.example) <@1> **b** _i_ ~~s~~ `c` ||sp|| # h - l > q \\')).toBe(
      '\\[Paid\\]\\(https://x.example\\) \\<@1\\> \\*\\*b\\*\\* \\_i\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|sp\\|\\| \\# h \\- l \\> q \\\\',
    );
    expect(asTyped('1 Elm St\nDecision\r\n\tApproved')).toBe('1 Elm St Decision Approved');
    expect(asTyped('1 Elm St, Apt 4B')).toBe('1 Elm St, Apt 4B');
  });
});

describe('formatAddress', () => {
  it('is never longer than the longest address unescaped, however much of it is markdown', () => {
    const longest = formatAddress({
      name: 'n'.repeat(ADDRESS_MAX_LENGTH.name),
      line1: 'a'.repeat(ADDRESS_MAX_LENGTH.line1),
      line2: 'b'.repeat(ADDRESS_MAX_LENGTH.line2),
      city: 'c'.repeat(ADDRESS_MAX_LENGTH.city),
      state: 's'.repeat(ADDRESS_MAX_LENGTH.state),
      postalCode: 'p'.repeat(ADDRESS_MAX_LENGTH.postalCode),
      country: 'US',
    });
    expect(longest).not.toContain('…');
    const marked = formatAddress({
      name: '*'.repeat(ADDRESS_MAX_LENGTH.name),
      line1: '['.repeat(ADDRESS_MAX_LENGTH.line1),
      line2: '_'.repeat(ADDRESS_MAX_LENGTH.line2),
      city: '#'.repeat(ADDRESS_MAX_LENGTH.city),
      state: '-'.repeat(ADDRESS_MAX_LENGTH.state),
      postalCode: '<'.repeat(ADDRESS_MAX_LENGTH.postalCode),
      country: 'US',
    });
    expect(marked.length).toBe(longest.length);
    expect(marked.endsWith('…')).toBe(true);
  });
});
