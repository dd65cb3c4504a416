import { describe, expect, it } from 'vitest';
import { resolveItemRefs } from './refund-item-refs.js';

describe('which order line a refund item names', () => {
  const lines = [
    { productId: 'prod_a', sku: 'HOOD-LTD' },
    { productId: 'prod_a', sku: 'HOOD-LTD' }, // the same product on two lines
    { productId: 'prod_b', sku: 'MUG' },
    { productId: 'prod_c', sku: 'mug' }, // another product with that SKU in another case
  ];

  it('an id as given; a SKU (any case) as its product, also when that product is on two lines', () => {
    expect(resolveItemRefs([{ productId: 'prod_b', quantity: 1 }], lines)).toEqual([{ productId: 'prod_b', quantity: 1 }]);
    expect(resolveItemRefs([{ productId: 'hood-ltd', quantity: 2 }], lines)).toEqual([{ productId: 'prod_a', quantity: 2 }]);
  });

  it('a SKU two products share is left as given (the plan refuses it, naming the lines)', () => {
    expect(resolveItemRefs([{ productId: 'MUG', quantity: 1 }], lines)).toEqual([{ productId: 'MUG', quantity: 1 }]);
  });
});
