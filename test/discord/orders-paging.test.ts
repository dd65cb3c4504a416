// /orders for a customer with 500 orders: the spec's pager (orders:page:<n>, 0-indexed, 10 a page) walks
// every order exactly once, newest first (orders sharing a createdAt included), the last page holds the
// oldest ten, and another customer's or another shop's orders never appear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import {
  commandInteraction,
  componentInteraction,
  customIdsOf,
  interact,
  member,
  messageOf,
  startHarness,
  textOf,
  type Harness,
} from './harness.js';

let h: Harness;
const f = factories();
const db = testDb();

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

/** `n` orders of `customerId` in one INSERT; every two share a createdAt (one hour apart per pair). */
async function bulkOrders(tenantId: string, customerId: string, n: number, firstNumber: number) {
  await db.$executeRawUnsafe(
    `INSERT INTO orders (id, "tenantId", number, "customerId", "subtotalCents", "totalCents", "paymentMethod", "createdAt", "updatedAt")
     SELECT 'ord_page' || md5($1 || ':' || ($3 + g)::text), $1, $3 + g, $2, 1000, 1000, 'VENMO_P2P', timestamp '2026-01-01' + (g / 2) * interval '1 hour', now()
     FROM generate_series(0, $4 - 1) g`,
    tenantId,
    customerId,
    firstNumber,
    n,
  );
}

describe('/orders with 500 orders', () => {
  it('pages through all of them once, newest first, and the last page is the oldest ten', async () => {
    const s = await f.shop();
    await bulkOrders(s.tenant.id, s.customer.id, 500, 5000);
    const other = await f.customer({ tenantId: s.tenant.id });
    await bulkOrders(s.tenant.id, other.id, 30, 9000);
    const as = { guildId: s.guild.id, user: member({ id: s.customer.discordUserId }) };

    const expected = (
      await db.order.findMany({
        where: { tenantId: s.tenant.id, customerId: s.customer.id },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      })
    ).map((o) => `#${o.number}`);
    const seen: string[] = [];
    let reply = await interact(h, commandInteraction(as, 'orders'));
    for (let page = 0; page < 50; page++) {
      if (page > 0) reply = await interact(h, componentInteraction(as, `orders:page:${page}`, { message: messageOf(reply) }));
      expect(textOf(reply)).toContain(`Page ${page + 1} of 50 · 500 orders`);
      seen.push(...[...textOf(reply).matchAll(/\*\*(#\d+)\*\*/g)].map((m) => m[1]!));
    }
    expect(seen).toEqual(expected);
    expect(seen.slice(-10)).toEqual(expected.slice(-10));
    // The last page's buttons: Previous to page 48, Next disabled at 49.
    expect(customIdsOf(reply)).toEqual(expect.arrayContaining(['orders:page:48', 'orders:page:49']));
    // A page past the end shows the last page.
    const past = await interact(h, componentInteraction(as, 'orders:page:400', { message: messageOf(reply) }));
    expect(textOf(past)).toContain('Page 50 of 50 · 500 orders');
  }, 300_000);
});
