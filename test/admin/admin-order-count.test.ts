// The orders list on a large shop, through the AdminJS API: the count stops at ORDER_COUNT_CAP + 1 (shown as
// "10,000+") while paging keeps working; filtered and searched lists count exactly; the customer search reads
// only the admin's own shop, and its lookup of the matching customers is served by the trigram indexes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_COUNT_CAP } from '../../src/surfaces/admin/resources/orders.resource.js';
import { factories } from '../helpers/factories.js';
import pg from 'pg';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
const f = factories();
let tenantId: string;
let robinId: string;

/**
 * `n` orders of `customerId` by one INSERT (numbers from `first`, one minute apart, newest last), on its own
 * connection: the app pool's statement timeout is for requests, not for a 10,000-row set-up on a busy machine.
 */
async function bulkOrders(tenant: string, customerId: string, n: number, first: number, status = 'PENDING_PAYMENT') {
  const c = new pg.Client({ connectionString: testDatabaseUrl() });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO orders (id, "tenantId", number, "customerId", status, "subtotalCents", "totalCents", "paymentMethod", "createdAt", "updatedAt")
       SELECT 'ord_bulk' || md5($1 || ':' || ($3 + g)::text), $1, $3 + g, $2, $5::"OrderStatus", 1000, 1000, 'VENMO_P2P', timestamp '2026-01-01' + g * interval '1 minute', now()
       FROM generate_series(0, $4 - 1) g`,
      [tenant, customerId, first, n, status],
    );
  } finally {
    await c.end();
  }
}

/**
 * `n` more customers of `tenant` ("Crowd Member <i>", username crowd<i>) by one INSERT, then VACUUM ANALYZE:
 * the statistics, and the trigram indexes' pending list flushed (autovacuum does this on a live shop).
 */
async function bulkCustomers(tenant: string, n: number) {
  const c = new pg.Client({ connectionString: testDatabaseUrl() });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO customers (id, "tenantId", "discordUserId", username, "displayName", "updatedAt")
       SELECT 'cus_crowd' || g, $1, (500000000000000000 + g)::text, 'crowd' || g, 'Crowd Member ' || g, now() FROM generate_series(1, $2::int) g`,
      [tenant, n],
    );
    await c.query('VACUUM ANALYZE customers');
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  app = await startAdminApp();
  const tenant = await f.tenant();
  tenantId = tenant.id;
  const bulk = await f.customer({ tenantId, displayName: 'Bulk Buyer' });
  robinId = (await f.customer({ tenantId, displayName: 'Robin Search' })).id;
  await bulkOrders(tenantId, bulk.id, ORDER_COUNT_CAP + 5, 1);
  await bulkOrders(tenantId, robinId, 3, 100_000, 'PAID');
  // Another shop's customer of the same name: never found from this shop.
  const other = await f.tenant();
  await bulkOrders(other.id, (await f.customer({ tenantId: other.id, displayName: 'Robin Search' })).id, 2, 1);
  // A shop with thousands of customers: reading them all is what the search must not do.
  await bulkCustomers(tenantId, 5_000);
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
}, 300_000);
afterAll(async () => {
  await app?.close();
});

const list = (query: string) => a.agent.get(`/admin/api/resources/Order/actions/list?${query}`).set(a.headers());
const ids = (body: { records: { id: string }[] }) => body.records.map((r) => r.id);

describe('orders list at scale', () => {
  it('counts up to the cap and one more, and still pages', async () => {
    const first = await list('page=1').expect(200);
    expect(first.body.meta).toMatchObject({ total: ORDER_COUNT_CAP + 1, page: 1 });
    const perPage = first.body.meta.perPage as number;
    expect(first.body.records).toHaveLength(perPage);
    const dates = first.body.records.map((r: { params: { createdAt: string } }) => Date.parse(r.params.createdAt));
    expect([...dates].sort((x, y) => y - x)).toEqual(dates);
    const second = await list('page=2').expect(200);
    expect(second.body.records).toHaveLength(perPage);
    expect(ids(second.body).filter((id) => ids(first.body).includes(id))).toEqual([]);
    // The last page the pager offers still has rows.
    const last = await list(`page=${Math.ceil((ORDER_COUNT_CAP + 1) / perPage)}`).expect(200);
    expect(last.body.records.length).toBeGreaterThan(0);
  });

  it('counts a filtered list exactly', async () => {
    const paid = await list('filters.status=PAID').expect(200);
    expect(paid.body.meta.total).toBe(3);
    expect(ids(paid.body).sort()).toEqual(
      (await testDb().order.findMany({ where: { tenantId, customerId: robinId } })).map((o) => o.id).sort(),
    );
  });

  it('searches by customer name within the shop only, by order number, and by a name no one has', async () => {
    const robin = await list(`filters.q=${encodeURIComponent('robin sea')}`).expect(200);
    expect(robin.body.meta.total).toBe(3);
    expect(robin.body.records.every((r: { params: { customerName: string } }) => r.params.customerName === 'Robin Search')).toBe(true);
    const byNumber = await list('filters.q=%23100001').expect(200);
    expect(byNumber.body.records.map((r: { params: { number: number } }) => r.params.number)).toEqual([100_001]);
    const nobody = await list('filters.q=zzzz-nobody').expect(200);
    expect(nobody.body).toMatchObject({ meta: { total: 0 }, records: [] });
    // Search and status together.
    const both = await list(`filters.q=robin&filters.status=PENDING_PAYMENT`).expect(200);
    expect(both.body.meta.total).toBe(0);
  });

  it("finds the search's customers through the trigram indexes, not by reading every customer", async () => {
    // The statement orderSearch's customer lookup sends, as Prisma writes it (contains + insensitive is ILIKE).
    // The planner's own choice on a shop of 5,000 customers (a b-tree cannot answer '%term%': without the
    // trigram indexes this is a sequential scan of every shop's customers). Plans: docs/perf/list-queries.md.
    const c = new pg.Client({ connectionString: testDatabaseUrl() });
    await c.connect();
    try {
      const { rows } = await c.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT "public"."customers"."id" FROM "public"."customers"
         WHERE ("public"."customers"."tenantId" = $1 AND ("public"."customers"."displayName" ILIKE $2
           OR "public"."customers"."username" ILIKE $3 OR "public"."customers"."discordUserId" = $4))
         ORDER BY "public"."customers"."id" ASC LIMIT $5 OFFSET $6`,
        [tenantId, '%robin sea%', '%robin sea%', 'robin sea', 201, 0],
      );
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('customers_displayName_trgm_idx');
      expect(plan).toContain('customers_username_trgm_idx');
      expect(plan).not.toContain('Seq Scan');
    } finally {
      await c.end();
    }
  });
});
