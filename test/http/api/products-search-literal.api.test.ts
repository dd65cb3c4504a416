// GET /api/v1/products?q=: the text is matched as written. "%" and "_" matched every product (they reached the
// database as LIKE wildcards), and a "\" (LIKE's escape character) escaped what followed it instead of being searched for.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { f, useApiShop } from './api-fixtures.js';

const { t, shop } = useApiShop();

const search = async (q: string) => {
  const res = await request(t.app)
    .get(`/api/v1/products?q=${encodeURIComponent(q)}`)
    .set(shop.auth)
    .expect(200);
  return (res.body.data as { name: string }[]).map((p) => p.name).sort();
};

describe('GET /api/v1/products?q= matches the text literally', () => {
  it('"%", "_" and "\\" find only the products whose name or SKU holds them', async () => {
    // The shop has Alpha and Beta (api-fixtures.ts).
    await f.product({ tenantId: shop.tenant.id, name: '100% Cotton Tee', sortOrder: 3 });
    await f.product({ tenantId: shop.tenant.id, name: 'Mug', sku: 'MUG_BLUE', sortOrder: 4 });
    await f.product({ tenantId: shop.tenant.id, name: 'Path C:\\Temp', sortOrder: 5 });

    expect(await search('%')).toEqual(['100% Cotton Tee']);
    expect(await search('0%')).toEqual(['100% Cotton Tee']);
    expect(await search('_')).toEqual(['Mug']);
    expect(await search('g_b')).toEqual(['Mug']);
    expect(await search('\\')).toEqual(['Path C:\\Temp']);
    expect(await search(':\\t')).toEqual(['Path C:\\Temp']);
    // Plain text still matches any part of the name or SKU, in any case.
    expect(await search('cotton')).toEqual(['100% Cotton Tee']);
    expect(await search('mug_')).toEqual(['Mug']);
  });
});
