import { describe, expect, it } from 'vitest';
import { findDuplicateJsonKey } from './json-duplicate-keys.js';

describe('findDuplicateJsonKey', () => {
  it('finds a key named twice at the top level, in nested objects and inside arrays, with its path', () => {
    expect(findDuplicateJsonKey('{"amountCents": 100, "amountCents": 100000}')).toEqual({ path: 'amountCents', key: 'amountCents' });
    expect(findDuplicateJsonKey('{"a": 1, "shipping": {"line1": "x", "city": "y", "line1": "z"}}')).toEqual({
      path: 'shipping.line1',
      key: 'line1',
    });
    expect(findDuplicateJsonKey('{"items": [{"sku": "a"}, {"sku": "b", "qty": 1, "sku": "c"}]}')).toEqual({
      path: 'items.1.sku',
      key: 'sku',
    });
    expect(findDuplicateJsonKey('[[1, 2], [{"x": {"y": [0, {"k": 1, "k": 2}]}}]]')).toEqual({ path: '1.0.x.y.1.k', key: 'k' });
  });

  it('compares keys as decoded: an escaped spelling of the same key is a duplicate', () => {
    expect(findDuplicateJsonKey('{"amountCents": 1, "\\u0061mountCents": 2}')).toEqual({ path: 'amountCents', key: 'amountCents' });
    expect(findDuplicateJsonKey('{"a\\"b": 1, "a\\u0022b": 2}')).toEqual({ path: 'a"b', key: 'a"b' });
  });

  it('finds none in bodies whose keys are unique per object', () => {
    expect(findDuplicateJsonKey('{"a": 1, "b": {"a": 2, "b": [{"a": 3}, {"a": 4}]}}')).toBeUndefined();
    // Keys spelled inside string values, escaped quotes and brackets in strings are not keys.
    expect(findDuplicateJsonKey('{"note": "{\\"a\\": 1, \\"a\\": 2}", "b": "[\\"}\\"]", "c": "\\\\"}')).toBeUndefined();
    expect(findDuplicateJsonKey('{"a": "a", "b": "a"}')).toBeUndefined();
    expect(findDuplicateJsonKey('{"": 1, " ": 2}')).toBeUndefined();
    expect(findDuplicateJsonKey('[]')).toBeUndefined();
    expect(findDuplicateJsonKey('')).toBeUndefined();
    expect(findDuplicateJsonKey('"text"')).toBeUndefined();
    expect(findDuplicateJsonKey('{"ünïcödé ✓": 1, "emoji 😀": {"😀": 2}}')).toBeUndefined();
  });

  it('gives up quietly on text that is not JSON (the parser refuses it)', () => {
    expect(findDuplicateJsonKey('{"a": 1, "unterminated')).toBeUndefined();
    expect(findDuplicateJsonKey('{"a\\x": 1}')).toBeUndefined();
  });
});
