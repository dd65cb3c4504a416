// npm run bench:export — a bookkeeping export streamed over HTTP in bounded memory, against a full-load
// baseline in the same run.
//
// Database: a scratch database on DATABASE_URL's server (dropped afterwards), or an embedded PostgreSQL.
// Seeds BENCH_EXPORT_ORDERS orders (default 10,000) with generate_series: each with two lines, a paid
// payment, a shipping address; every tenth with a refund.
// Streaming: GET of the orders CSV through the export service and the same sendCsvExport the REST API and
// the panel use (server-side cursor, batches of EXPORT_BATCH_ROWS, stream.pipeline to the response).
// Baseline: the same SQL read in one query, the whole CSV built in memory and sent at once (what a naive
// export does). Each run starts after a GC; memory is sampled every 5 ms while it runs.
// Prints, per run: rows, MB sent, rows/s, peak RSS delta and peak heap delta (MB).
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { csvRow } from '../src/modules/exports/csv.js';
import { EXPORTS } from '../src/modules/exports/export-kinds.js';
import { createExportService, EXPORT_BATCH_ROWS } from '../src/modules/exports/export.service.js';
import { sendCsvExport } from '../src/surfaces/http/csv-download.js';
import { createDatabase } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { createLogger } from '../src/platform/logger.js';
import { benchDatabase } from './lib/bench-database.js';

const ORDERS = Number(process.env.BENCH_EXPORT_ORDERS ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;

async function seed(db: ReturnType<typeof createDatabase>['db']) {
  const tenant = await db.tenant.create({ data: { name: 'Bench export shop', timeZone: 'America/New_York' } });
  const customer = await db.customer.create({
    data: { tenantId: tenant.id, discordUserId: '100000000000000001', username: 'bench buyer, "quoted"' },
  });
  const [a, b] = await Promise.all([
    db.product.create({ data: { tenantId: tenant.id, sku: 'BENCH-A', name: 'Bench widget, large', unitPriceCents: 1999 } }),
    db.product.create({ data: { tenantId: tenant.id, sku: 'BENCH-B', name: 'Bench gadget', unitPriceCents: 500 } }),
  ]);
  const t = tenant.id;
  await db.$executeRaw`
    INSERT INTO orders (id, "tenantId", number, "customerId", status, "subtotalCents", "discountCents", "shippingCents", "taxAmountCents", "totalCents",
                        "refundedTotalCents", "paymentMethod", "shippingAddress", "paidAt", "createdAt", "updatedAt")
    SELECT 'ord_bench_' || g, ${t}, 1000 + g, ${customer.id}, CASE WHEN g % 10 = 0 THEN 'PARTIALLY_REFUNDED' ELSE 'PAID' END::"OrderStatus",
           4498, 0, 500, 412, 5410, CASE WHEN g % 10 = 0 THEN 500 ELSE 0 END, 'VENMO_P2P',
           jsonb_build_object('name', 'Buyer ' || g, 'line1', g || ' Main St', 'city', 'Springfield', 'state', 'IL', 'postalCode', '62701', 'country', 'US'),
           now() - make_interval(mins => g), now() - make_interval(mins => g), now()
    FROM generate_series(1, ${ORDERS}::int) g`;
  await db.$executeRaw`
    INSERT INTO order_items ("orderId", "productId", sku, name, quantity, "unitPriceCents")
    SELECT 'ord_bench_' || g, ${a.id}, 'BENCH-A', 'Bench widget, large', 2, 1999 FROM generate_series(1, ${ORDERS}::int) g
    UNION ALL
    SELECT 'ord_bench_' || g, ${b.id}, 'BENCH-B', 'Bench gadget', 1, 500 FROM generate_series(1, ${ORDERS}::int) g`;
  await db.$executeRaw`
    INSERT INTO payments ("tenantId", "orderId", method, status, "amountCents", "refundedAmountCents", "createdAt", "updatedAt")
    SELECT ${t}, 'ord_bench_' || g, 'VENMO_P2P', 'paid', 5410, CASE WHEN g % 10 = 0 THEN 500 ELSE 0 END, now() - make_interval(mins => g), now()
    FROM generate_series(1, ${ORDERS}::int) g`;
  await db.$executeRaw`
    INSERT INTO refunds ("tenantId", "orderId", mode, "amountCents", "taxCents", "actorType", "createdAt")
    SELECT ${t}, 'ord_bench_' || g, 'PARTIAL_AMOUNT', 500, 38, 'PANEL_ADMIN', now() - make_interval(mins => g)
    FROM generate_series(10, ${ORDERS}::int, 10) g`;
  return tenant.id;
}

/**
 * Peak RSS and peak live heap above the level at the start, while `work` runs. With --expose-gc each 10 ms
 * sample collects garbage first, so the heap figure is what the export really holds (not garbage waiting
 * for the next GC); the run is slower then, so speed is measured by `timed` separately.
 */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; rssMb: number; heapMb: number }> {
  gc?.();
  gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sample = () => {
    gc?.();
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 10);
  try {
    const value = await work();
    return { value, rssMb: (peakRss - base.rss) / 2 ** 20, heapMb: (peakHeap - base.heapUsed) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** Wall time of `work` (no sampling). */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  gc?.();
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Downloads `path`, counting bytes and CSV records (CRLF ends a record; no field here holds one). */
async function download(base: string, path: string): Promise<{ rows: number; bytes: number }> {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(`${base}${path}`, resolve).on('error', reject));
  if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode}`);
  let bytes = 0;
  let rows = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows += 1;
  }
  return { rows: rows - 1, bytes };
}

const { url, cleanup } = await benchDatabase('ll_bench_export');
const database = createDatabase(url, 6);
let server: http.Server | undefined;
try {
  await migrate(url);
  const seedStart = performance.now();
  const tenantId = await seed(database.db);
  console.log(
    `seeded ${ORDERS} orders in ${((performance.now() - seedStart) / 1000).toFixed(1)} s${gc ? '' : ' (run with --expose-gc for steadier memory figures)'}`,
  );

  const logger = createLogger({ level: 'silent', pretty: false });
  const exportsService = createExportService({ db: database.db, pool: database.pool });
  const app = express();
  app.get('/stream', async (_req, res) => {
    await sendCsvExport(res, await exportsService.open(tenantId, { kind: 'orders', from: '2000-01-01', to: '2100-12-31' }), logger);
  });
  app.get('/full', async (_req, res) => {
    const tenant = await database.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const def = EXPORTS.orders;
    const sql = def.query({ tenantId, timeZone: tenant.timeZone, from: '2000-01-01', to: '2100-12-31' });
    const { rows } = await database.pool.query<Record<string, unknown>>({ text: sql.text, values: sql.values as unknown[] });
    res.type('text/csv').send(csvRow(def.header) + rows.map((r) => csvRow(def.row(r))).join(''));
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  await download(base, '/stream'); // warm-up: JIT, prepared pool connections
  await download(base, '/full');
  const results: { name: string; rows: number; bytes: number; ms: number; rssMb: number; heapMb: number }[] = [];
  for (const [name, path] of [
    [`streaming (cursor, ${EXPORT_BATCH_ROWS} rows/batch)`, '/stream'],
    ['baseline (full load)', '/full'],
  ] as const) {
    const speed = await timed(() => download(base, path));
    const memory = await measured(() => download(base, path));
    if (speed.value.rows !== ORDERS || memory.value.rows !== ORDERS)
      throw new Error(`${path}: expected ${ORDERS} rows, got ${speed.value.rows} / ${memory.value.rows}`);
    results.push({ name, rows: speed.value.rows, bytes: speed.value.bytes, ms: speed.ms, rssMb: memory.rssMb, heapMb: memory.heapMb });
  }
  for (const r of results) {
    console.log(
      `${r.name.padEnd(36)} rows: ${r.rows}  MB sent: ${(r.bytes / 2 ** 20).toFixed(1)}  rows/s: ${Math.round(r.rows / (r.ms / 1000))}  ` +
        `peak RSS delta: ${r.rssMb.toFixed(1)} MB  peak live heap delta: ${r.heapMb.toFixed(1)} MB`,
    );
  }
} finally {
  server?.close();
  await database.close();
  await cleanup();
}
