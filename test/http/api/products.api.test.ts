// GET /api/v1/products: cursor pages in menu order (sortOrder, name, id) with filters; a cursor replayed
// with other filters or edited is refused; another shop's products never appear.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { apiTenant, f } from './api-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.services.close();
});

type Page = { data: { id: string; name: string }[]; pageSize: number; nextCursor: string | null };

async function allPages(auth: Record<string, string>, query: string): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/api/v1/products?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body = (await request(t.app).get(url).set(auth).expect(200)).body as Page;
    names.push(...body.data.map((p) => p.name));
    cursor = body.nextCursor;
    pages += 1;
  } while (cursor && pages < 50);
  return { names, pages };
}

describe('GET /api/v1/products', () => {
  it('walks every active product once, in menu order, a page at a time, whatever the page size', async () => {
    const s = await apiTenant(t); // Alpha (sortOrder 1), Beta (2)
    // Ties on sortOrder and on name are ordered by name, then id.
    for (const [name, sortOrder] of [
      ['Gamma', 3],
      ['Delta', 3],
      ['Delta', 3],
      ['Epsilon', 0],
      ['Zeta', 9],
    ] as const)
      await f.product({ tenantId: s.tenant.id, name, sortOrder });
    await f.product({ tenantId: s.tenant.id, name: 'Retired', active: false, sortOrder: 1 });
    const other = await apiTenant(t);
    await f.product({ tenantId: other.tenant.id, name: 'Theirs', sortOrder: 1 });

    const expected = ['Epsilon', 'Alpha', 'Beta', 'Delta', 'Delta', 'Gamma', 'Zeta'];
    const whole = (await request(t.app).get('/api/v1/products').set(s.auth).expect(200)).body as Page;
    expect(whole.data.map((p) => p.name)).toEqual(expected);
    expect(whole).toMatchObject({ pageSize: 100, nextCursor: null });
    for (const size of [1, 2, 3, 7]) {
      const { names, pages } = await allPages(s.auth, `pageSize=${size}`);
      expect(names, `pageSize=${size}`).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / size));
    }
  });

  it('walks past products with the longest names the panel allows, non-ASCII too, under the longest search (the cursor it gave was refused)', async () => {
    const s = await apiTenant(t);
    const q = 'ゲーム'.repeat(33); // 99 characters, within q's 100
    const long = (i: number) => `${q}${'限定版'.repeat(33)}${String(i).padStart(2, '0')}`.slice(0, 200);
    const expected = [1, 2, 3].map(long);
    for (const name of expected) await f.product({ tenantId: s.tenant.id, name, sortOrder: 5 });
    const { names, pages } = await allPages(s.auth, `pageSize=1&q=${encodeURIComponent(q)}`);
    expect(names).toEqual(expected);
    expect(pages).toBe(3);
  });

  it('filters by text (name or SKU) and by stock, across pages', async () => {
    const s = await apiTenant(t);
    await f.product({ tenantId: s.tenant.id, name: 'Blue mug', sku: 'MUG-B', trackStock: true, stock: 0, sortOrder: 5 });
    await f.product({ tenantId: s.tenant.id, name: 'Red mug', sku: 'MUG-R', trackStock: true, stock: 4, sortOrder: 6 });
    await f.product({ tenantId: s.tenant.id, name: 'Sticker', sku: 'STK-MUGGY', sortOrder: 7 });
    expect((await allPages(s.auth, 'q=mug&pageSize=1')).names).toEqual(['Blue mug', 'Red mug', 'Sticker']);
    expect((await allPages(s.auth, 'q=MUG&inStock=true&pageSize=1')).names).toEqual(['Red mug', 'Sticker']);
    expect((await allPages(s.auth, 'inStock=false')).names).toEqual(['Blue mug']);
    expect((await allPages(s.auth, 'q=nothing-like-this')).names).toEqual([]);
  });

  it('refuses a cursor used with other filters, edited, or garbage, and bad parameters, with 400', async () => {
    const s = await apiTenant(t);
    await f.product({ tenantId: s.tenant.id, name: 'Gamma', sortOrder: 3 });
    const first = (await request(t.app).get('/api/v1/products?pageSize=1').set(s.auth).expect(200)).body as Page;
    expect(first.nextCursor).toBeTruthy();
    const cursor = first.nextCursor!;
    await request(t.app).get(`/api/v1/products?pageSize=1&cursor=${cursor}`).set(s.auth).expect(200);
    const refused = await request(t.app).get(`/api/v1/products?pageSize=1&q=a&cursor=${cursor}`).set(s.auth).expect(400);
    expect(refused.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'cursor' }] } });
    const edited = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(cursor, 'base64url').toString()), a: { sortOrder: 'x' } }),
    ).toString('base64url');
    await request(t.app).get(`/api/v1/products?cursor=${edited}&pageSize=1`).set(s.auth).expect(400);
    for (const q of ['cursor=%%%', 'cursor=bm90IGpzb24', 'pageSize=0', 'pageSize=201', 'inStock=yes', 'sort=name']) {
      await request(t.app).get(`/api/v1/products?${q}`).set(s.auth).expect(400);
    }
  });

  // The cursor is not signed: its filter digest can be copied from a real one and any boundary written beside it. A
  // name with a lone surrogate reached the database (500); a sort order past int4 or a NUL got a 400 naming nothing.
  it('refuses a forged boundary beside a real digest as a bad cursor, never a 500', async () => {
    const s = await apiTenant(t);
    await f.product({ tenantId: s.tenant.id, name: 'Delta', sortOrder: 3 });
    const real = (await request(t.app).get('/api/v1/products?pageSize=1').set(s.auth).expect(200)).body as Page;
    const envelope = JSON.parse(Buffer.from(real.nextCursor!, 'base64url').toString()) as { f: string; a: Record<string, unknown> };
    const forged = (a: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ f: envelope.f, a: { ...envelope.a, ...a } })).toString('base64url');
    for (const a of [
      { name: 'x\ud800' },
      { name: 'x\u0000' },
      { id: 'prod_\u0000' },
      { id: '' },
      { sortOrder: 2 ** 40 },
      { sortOrder: -(2 ** 40) },
    ]) {
      // JSON.stringify writes a lone surrogate and a NUL as \u escapes: the server's JSON.parse reads them back.
      const cursor = forged(a);
      const res = await request(t.app).get(`/api/v1/products?pageSize=1&cursor=${cursor}`).set(s.auth);
      expect(res.status, JSON.stringify(a)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'cursor' }] } });
    }
  });
});
