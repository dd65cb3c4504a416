import { describe, expect, it } from 'vitest';
import { parseRefundItems } from './refund-items.parser.js';
import { AppError } from '../../platform/errors.js';

describe('parseRefundItems', () => {
  it('reads productId:quantity pairs, quantity 1 when omitted', () => {
    expect(parseRefundItems('prod-1:2,prod-2:1')).toEqual([
      { productId: 'prod-1', quantity: 2 },
      { productId: 'prod-2', quantity: 1 },
    ]);
    expect(parseRefundItems(' prod_abc , prod-2 : 3 ')).toEqual([
      { productId: 'prod_abc', quantity: 1 },
      { productId: 'prod-2', quantity: 3 },
    ]);
    expect(parseRefundItems('prod-1:2\nprod-3')).toEqual([
      { productId: 'prod-1', quantity: 2 },
      { productId: 'prod-3', quantity: 1 },
    ]);
  });

  it('takes every SKU the catalog allows (dots, a leading dot, dash or underscore), not only product ids', () => {
    expect(parseRefundItems('TEE.M:1, _TEE, -x.2:3')).toEqual([
      { productId: 'TEE.M', quantity: 1 },
      { productId: '_TEE', quantity: 1 },
      { productId: '-x.2', quantity: 3 },
    ]);
    expect(() => parseRefundItems(`${'A'.repeat(101)}:1`)).toThrow(/is not a product id or SKU/);
  });

  it('gives [] for empty text', () => {
    expect(parseRefundItems('')).toEqual([]);
    expect(parseRefundItems(' , ')).toEqual([]);
  });

  it.each([
    ['prod-1:0', /Item 1 \("prod-1:0"\): the quantity must be a whole number of at least 1/],
    ['prod-1:2,prod-2:-1', /Item 2 .*at least 1/],
    ['prod-1:1.5', /whole number/],
    ['prod-1:abc', /whole number/],
    ['prod-1:2:3', /write productId:quantity/],
    [':2', /is not a product id/],
    ['pr od:1', /is not a product id/],
  ])('refuses %s with a clear message', (text, message) => {
    let err: unknown;
    try {
      parseRefundItems(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_FAILED');
    expect((err as AppError).message).toMatch(message);
  });
});
