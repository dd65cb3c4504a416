// GET /api/orders cursor (keyset) pagination: every order that existed when a walk began is listed exactly once
// however many orders arrive meanwhile (ties on createdAt included); a cursor is bound to its shop and filters,
// so an edited, foreign or re-used-with-other-filters cursor is a 400, never another shop's page.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { apiTenant, f, pendingOrder } from './api-fixtures.js';

let t: TestApp;
type Shop = Awaited<ReturnType<typeof apiTenant>>;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.services.close();
});

function list(shop: Shop, query: Record<string, string | number>) {
  return request(t.app).get('/api/orders').query(query).set(shop.auth);
}

/** Follows nextCursor to the end; `between` runs before each next page is read. */
async function walk(shop: Shop, query: Record<string, string | number>, between: () => Promise<void> = async () => undefined) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const res = await list(shop, { ...query, ...(cursor ? { cursor } : {}) });
    expect(res.status).toBe(200);
    ids.push(...res.body.data.map((o: { id: string }) => o.id));
    if (!res.body.nextCursor) return ids;
    cursor = res.body.nextCursor;
    await between();
  }
  throw new Error('the walk did not end');
}

describe('GET /api/orders cursors', () => {
  it('lists every order once, newest first, while new orders arrive between and during page reads', async () => {
    const shop = await apiTenant(t);
    const base = Date.parse('2026-09-01T00:00:00Z');
    const existing = [];
    // 30 orders; groups of three share a createdAt (the id orders them within it).
    for (let i = 0; i < 30; i++) existing.push(await pendingOrder(shop, { createdAt: new Date(base + Math.floor(i / 3) * 60_000) }));
    const expected = [...existing].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((o) => o.id);

    let arrivals = 0;
    let inserting = true;
    // Orders keep arriving in the background during the walk, and one more before each next page.
    const background = (async () => {
      while (inserting && arrivals < 20) {
        await pendingOrder(shop);
        arrivals += 1;
      }
    })();
    const seen = await walk(shop, { pageSize: 4 }, async () => {
      await pendingOrder(shop);
      arrivals += 1;
    });
    inserting = false;
    await background;

    expect(arrivals).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length); // no duplicates
    const older = seen.filter((id) => expected.includes(id));
    expect(older).toEqual(expected); // none skipped, in order
  }, 300_000);

  it('keeps the filters a walk started with, across pages', async () => {
    const shop = await apiTenant(t);
    const other = await f.customer({ tenantId: shop.tenant.id });
    const mine = [];
    for (let i = 0; i < 12; i++) {
      mine.push(
        await pendingOrder(shop, {
          status: i % 2 ? 'PAID' : 'PENDING_PAYMENT',
          paymentStatus: i % 2 ? 'paid' : undefined,
          createdAt: new Date(Date.parse('2026-10-01T00:00:00Z') + i * 3_600_000),
        }),
      );
      await pendingOrder(shop, {
        customerId: other.id,
        status: 'PAID',
        paymentStatus: 'paid',
        createdAt: new Date(Date.parse('2026-10-01T00:00:00Z') + i * 3_600_000),
      });
    }
    const paidMine = mine
      .filter((o) => o.status === 'PAID')
      .reverse()
      .map((o) => o.id);
    expect(await walk(shop, { status: 'PAID', customerId: shop.customer.id, pageSize: 2 })).toEqual(paidMine);
    const range = await walk(shop, { from: '2026-10-01T02:00:00Z', to: '2026-10-01T06:00:00Z', customerId: shop.customer.id, pageSize: 3 });
    expect(range).toEqual(
      mine
        .slice(2, 6)
        .reverse()
        .map((o) => o.id),
    );
  });

  it("refuses a tampered cursor, another shop's cursor, and a cursor with other filters (400)", async () => {
    const a = await apiTenant(t);
    const b = await apiTenant(t);
    for (let i = 0; i < 3; i++) await pendingOrder(a);
    for (let i = 0; i < 3; i++) await pendingOrder(b);
    const first = await list(a, { pageSize: 1 }).expect(200);
    const cursor: string = first.body.nextCursor;
    expect(cursor).toMatch(/^[\w-]+\.[\w-]+$/);
    // It works for its own shop and filters.
    await list(a, { pageSize: 1, cursor }).expect(200);

    const [payload, signature] = cursor.split('.') as [string, string];
    const boundary = JSON.parse(Buffer.from(payload, 'base64url').toString());
    // B's newest order as the boundary, re-encoded with A's signature: refused.
    const bNewest = (await list(b, { pageSize: 1 }).expect(200)).body.data[0];
    const forged = `${Buffer.from(JSON.stringify({ ...boundary, i: bNewest.id })).toString('base64url')}.${signature}`;
    const later = `${Buffer.from(JSON.stringify({ ...boundary, c: boundary.c + 86_400_000 })).toString('base64url')}.${signature}`;
    const flipped = `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const bad of [forged, later, flipped, payload, `${cursor}.x`, 'not-a-cursor', 'x'.repeat(600)]) {
      const res = await list(a, { pageSize: 1, cursor: bad });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(/cursor/i);
    }
    // A's cursor with B's API key: 400, and no B order read.
    const foreign = await list(b, { pageSize: 1, cursor });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toMatch(/cursor/i);
    // The same cursor with other filters than it was issued for.
    await list(a, { pageSize: 1, cursor, status: 'PENDING_PAYMENT' }).expect(400);
    await list(a, { pageSize: 1, cursor, from: '2020-01-01' }).expect(400);
  });

  it('bounds the page size: 100 is the most, more is a 400', async () => {
    const shop = await apiTenant(t);
    for (let i = 0; i < 3; i++) await pendingOrder(shop);
    expect((await list(shop, { pageSize: 100 }).expect(200)).body.data).toHaveLength(3);
    const res = await list(shop, { pageSize: 101 }).expect(400);
    expect(res.body.error.message).toMatch(/pageSize: at most 100 orders a page/);
    await list(shop, { pageSize: 0 }).expect(400);
  });
});
