// The 1,000,000-order load of bench:scale (scripts/bench-scale.ts says what it writes and why it is fast),
// shared with the benchmarks that measure other queries on the same data (bench:refund-sweep).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS_DIR } from '../../src/platform/db/migrate.js';
import { DEMO } from '../../src/seed/demo-seed.js';

export const CUSTOMERS = 20_000;
export const WHALE_ORDERS = 500;
export const WHALE_USER_ID = '390000000000000001';

/** The tables the load fills; their secondary indexes are dropped for the load and rebuilt after it. */
export const LOADED_TABLES = ['customers', 'orders', 'order_items', 'payments', 'payment_receipts', 'refunds'];

/**
 * Customers, orders, lines, payments and refunds for `tenantId` in a handful of INSERT ... SELECT statements,
 * in one transaction. Returns the seconds each step took.
 */
export async function load(url: string, tenantId: string, orders: number): Promise<[string, number][]> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  const steps: [string, number][] = [];
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    steps.push([name, (performance.now() - t0) / 1000]);
  };
  try {
    // This session only: memory for the sorts of the index builds and the temp table, and no wait for the WAL
    // flush at COMMIT (a scratch database: a crash loses the load, which is then simply run again).
    await c.query(`SET maintenance_work_mem = '512MB'`);
    await c.query(`SET work_mem = '128MB'`);
    await c.query('SET synchronous_commit = off');
    const products = await c.query<{ id: string; sku: string; name: string; unitPriceCents: number }>(
      'SELECT id, sku, name, "unitPriceCents" FROM products WHERE "tenantId" = $1 ORDER BY "sortOrder" LIMIT 5',
      [tenantId],
    );
    if (products.rows.length < 5) throw new Error('the demo shop has fewer than 5 products');
    const ids = products.rows.map((p) => p.id);
    const skus = products.rows.map((p) => p.sku);
    const names = products.rows.map((p) => p.name);
    const prices = products.rows.map((p) => p.unitPriceCents);
    await c.query('BEGIN');
    // Triggers off for the load, the foreign keys' too (the rollups are backfilled below by the migration's query).
    await c.query('SET LOCAL session_replication_role = replica');
    // The secondary indexes of the loaded tables go for the load and come back after it, in this transaction:
    // one sorted build per index instead of 1,000,000 random inserts into each (orders has 9). Only indexes
    // no constraint depends on (the primary keys stay: foreign keys reference them); unique ones are checked
    // when rebuilt. Their definitions come from the catalog, so the rebuilt set is exactly the migrated one.
    const secondary = (
      await c.query<{ name: string; def: string }>(
        `SELECT ic.relname AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relnamespace = 'public'::regnamespace AND t.relname = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
         ORDER BY t.relname, ic.relname`,
        [LOADED_TABLES],
      )
    ).rows;
    await step(`drop ${secondary.length} secondary indexes`, async () => {
      for (const ix of secondary) await c.query(`DROP INDEX "${ix.name}"`);
    });
    await step('customers', async () => {
      await c.query(
        `
        INSERT INTO customers (id, "tenantId", "discordUserId", username, "displayName", "createdAt", "updatedAt")
        SELECT 'cus_bench' || lpad(g::text, 8, '0'), $1, (300000000000000000 + g)::text, 'buyer' || g, 'Buyer ' || g, now(), now()
        FROM generate_series(1, $2::int) g`,
        [tenantId, CUSTOMERS],
      );
      await c.query(
        `
        INSERT INTO customers (id, "tenantId", "discordUserId", username, "displayName", "createdAt", "updatedAt")
        VALUES ('cus_benchwhale', $1, $2, 'wendy', 'Wendy Whale', now(), now())`,
        [tenantId, WHALE_USER_ID],
      );
    });
    const every = Math.floor(orders / WHALE_ORDERS);
    // One row per order with everything the tables need; r picks the status (a fixed, realistic mix); the
    // payment reference is g in base 31 over the reference trigger's alphabet (unique; the trigger is off).
    await step('source rows (temp table)', () =>
      c.query(
        `
        CREATE TEMP TABLE bench_src ON COMMIT DROP AS
        SELECT o.*, o.subtotal + 500 AS total,
          CASE o.status WHEN 'REFUNDED' THEN o.subtotal + 500 WHEN 'PARTIALLY_REFUNDED' THEN 500 ELSE 0 END AS refunded
        FROM (
          SELECT i.*, ($5::int[])[i.p1] * i.q1 + coalesce(($5::int[])[i.p2], 0) AS subtotal
          FROM (
            SELECT g, 'ord_' || md5('bench' || g) AS id, 'pay_' || md5('benchpay' || g) AS pay_id,
              substr(a, 1 + (g / 1 % 31)::int, 1) || substr(a, 1 + (g / 31 % 31)::int, 1) || substr(a, 1 + (g / 961 % 31)::int, 1) || substr(a, 1 + (g / 29791 % 31)::int, 1) || substr(a, 1 + (g / 923521 % 31)::int, 1) || substr(a, 1 + (g / 28629151 % 31)::int, 1) AS reference,
              CASE WHEN g % $2 = 0 AND g / $2 <= $3 THEN 'cus_benchwhale' ELSE 'cus_bench' || lpad((1 + (g::bigint * 7919) % $4)::text, 8, '0') END AS customer,
              CASE WHEN r < 5 THEN 'PENDING_PAYMENT' WHEN r < 10 THEN 'CANCELLED' WHEN r < 17 THEN 'PAID' WHEN r < 25 THEN 'FULFILLING'
                   WHEN r < 40 THEN 'SHIPPED' WHEN r < 95 THEN 'COMPLETE' WHEN r < 98 THEN 'REFUNDED' ELSE 'PARTIALLY_REFUNDED' END::"OrderStatus" AS status,
              1 + g % 5 AS p1, 1 + g % 3 AS q1, CASE WHEN g % 2 = 0 THEN 1 + (g + 2) % 5 END AS p2,
              (now() AT TIME ZONE 'UTC')::timestamp(3) - (($1 - g) * interval '63 seconds') AS created
            FROM generate_series(1, $1::int) g, LATERAL (SELECT (g * 31 + g / 7) % 100 AS r, 'ABCDEFGHJKMNPQRSTUVWXYZ23456789' AS a) m
          ) i
        ) o`,
        [orders, every, WHALE_ORDERS, CUSTOMERS, prices],
      ),
    );
    await step('orders', () =>
      c.query(
        `
        INSERT INTO orders (id, "tenantId", number, "customerId", "guildId", status, "shippingStatus", "subtotalCents", "shippingCents", "totalCents",
          "refundedTotalCents", "amountReceivedCents", "paymentReference", "paymentMethod", "shippingTypeName", "shippingAddress", "paidAt", "cancelledAt", "createdAt", "updatedAt")
        SELECT id, $1, 1000 + g, customer, $2, status,
          CASE WHEN status IN ('SHIPPED', 'COMPLETE') THEN 'DELIVERED' ELSE 'PENDING' END::"ShippingStatus",
          subtotal, 500, total, refunded, CASE WHEN status NOT IN ('PENDING_PAYMENT', 'CANCELLED') THEN total ELSE 0 END, reference,
          CASE WHEN g % 3 = 0 THEN 'ZELLE' ELSE 'VENMO_P2P' END::"PaymentMethod", 'Standard',
          '{"name":"Bench Buyer","line1":"1 Main St","city":"Springfield","state":"IL","postalCode":"62701","country":"US"}'::jsonb,
          CASE WHEN status NOT IN ('PENDING_PAYMENT', 'CANCELLED') THEN created + interval '1 hour' END,
          CASE WHEN status = 'CANCELLED' THEN created + interval '1 day' END, created, created
        FROM bench_src`,
        [tenantId, DEMO.guildId],
      ),
    );
    // Both lines of an order from one read of the source rows (the second only for even g).
    await step('order lines', () =>
      c.query(
        `
        INSERT INTO order_items (id, "orderId", "productId", sku, name, quantity, "unitPriceCents", "refundedQuantity")
        SELECT 'oit_' || md5(l.k || g), id, ($1::text[])[l.p], ($2::text[])[l.p], ($3::text[])[l.p], l.q, ($4::int[])[l.p],
          CASE WHEN status = 'REFUNDED' THEN l.q ELSE 0 END
        FROM bench_src, LATERAL (VALUES ('a', p1, q1), ('b', p2, 1)) l(k, p, q)
        WHERE l.p IS NOT NULL`,
        [ids, skus, names, prices],
      ),
    );
    await step('payments', () =>
      c.query(
        `
        INSERT INTO payments (id, "tenantId", "orderId", method, status, "amountCents", "refundedAmountCents", "confirmedAt", "createdAt", "updatedAt")
        SELECT pay_id, $1, id, CASE WHEN g % 3 = 0 THEN 'ZELLE' ELSE 'VENMO_P2P' END::"PaymentMethod",
          CASE status WHEN 'PENDING_PAYMENT' THEN 'awaiting_admin_approval' WHEN 'CANCELLED' THEN 'cancelled' WHEN 'REFUNDED' THEN 'refunded'
                      WHEN 'PARTIALLY_REFUNDED' THEN 'partially_refunded' ELSE 'paid' END::"PaymentStatus",
          total, refunded, CASE WHEN status NOT IN ('PENDING_PAYMENT', 'CANCELLED') THEN created + interval '1 hour' END, created, created
        FROM bench_src`,
        [tenantId],
      ),
    );
    // One receipt for the full amount of each paid order, as the receipts migration backfills them.
    await step('payment receipts', () =>
      c.query(
        `
        INSERT INTO payment_receipts (id, "tenantId", "orderId", "paymentId", "amountCents", currency, note, "actorType", "createdAt")
        SELECT 'rcp_' || md5('c' || g), $1, id, pay_id, total, 'USD', 'Paid before payment receipts were recorded', 'SYSTEM', created + interval '1 hour'
        FROM bench_src WHERE status NOT IN ('PENDING_PAYMENT', 'CANCELLED')`,
        [tenantId],
      ),
    );
    await step('refunds', () =>
      c.query(
        `
        INSERT INTO refunds (id, "tenantId", "orderId", "paymentId", mode, "amountCents", "actorType", "createdAt")
        SELECT 'ref_' || md5('r' || g), $1, id, pay_id, CASE status WHEN 'REFUNDED' THEN 'FULL' ELSE 'PARTIAL_AMOUNT' END::"RefundMode", refunded, 'PANEL_ADMIN', created + interval '2 days'
        FROM bench_src WHERE refunded > 0`,
        [tenantId],
      ),
    );
    await c.query('UPDATE tenants SET "nextOrderNumber" = $2 WHERE id = $1', [tenantId, 1001 + orders]);
    await step(`rebuild ${secondary.length} secondary indexes`, async () => {
      for (const ix of secondary) await c.query(ix.def);
    });
    // The dashboard rollups, exactly as the migrations backfill them (each migration's last statement).
    await step('dashboard rollups', async () => {
      for (const [migrationName, table] of [
        ['_list_indexes_and_daily_rollups', 'order_daily_rollups'],
        // order_sales_rollups is no longer written: its successor, by currency too.
        ['_sales_rollups_by_currency_backfill', 'order_currency_sales_rollups'],
      ] as const) {
        const dir = readdirSync(MIGRATIONS_DIR).find((d) => d.endsWith(migrationName));
        const migration = readFileSync(join(MIGRATIONS_DIR, dir!, 'migration.sql'), 'utf8');
        const backfill = migration.slice(migration.lastIndexOf(`INSERT INTO "${table}"`));
        await c.query(`DELETE FROM ${table} WHERE "tenantId" = $1`, [tenantId]);
        await c.query(backfill);
      }
    });
    await step('commit', () => c.query('COMMIT'));
    // Statistics for the planner, the visibility map for index-only scans, and the GIN pending lists merged.
    await step('VACUUM ANALYZE', () =>
      c.query(`VACUUM ANALYZE ${[...LOADED_TABLES, 'order_daily_rollups', 'order_currency_sales_rollups'].join(', ')}`),
    );
    return steps;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await c.end();
  }
}
