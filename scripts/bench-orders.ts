// npm run bench:orders — orders per second through the ordering services versus a plain-`pg` baseline.
//
// Database: a scratch database created on DATABASE_URL's server (dropped afterwards) when DATABASE_URL is
// set, otherwise an embedded PostgreSQL in a temporary folder. Migrations and the job queue schema are
// applied. A fake TaxJar (src/dev/fake-taxjar.ts, its own process) answers tax for a TaxJar-enabled tenant
// after BENCH_TAXJAR_DELAY_MS (default 40: a remote API, not zero). Each shop has the demo seed's global
// discount (10% off orders over $20, no use limit), which every order here qualifies for.
//
// Services: 8 concurrent callers, each a customer who repeatedly runs the whole flow through the services
// (start, setItem, setAddress, setShippingType, setPaymentMethod, review, submit with the review's
// fingerprint, as Confirm does) for BENCH_SECONDS (default 10).
// Baseline: 8 concurrent callers doing the same work by hand with plain `pg`: the same two tax calls
// (review and submit) to the same fake, the discount read, and one transaction per order writing the same
// rows (session + item + address, order number, order + item with the discount, payment, reservation and
// stock, the order.created job, session submitted). Prints: orders/s: X  baseline/s: Y  ratio: Z
//
// BENCH_PRODUCTS=N (default 1): every order is a cart of N stock-tracked products, 2 of each (the customer
// adds them in a different order each time, as people do); the baseline writes N items, N reservations and N
// stock decrements in product-id order. With N > 1 the services take the several-products path of
// inventory.reserveLinesSql (its row locks in product-id order), which the default run does not.
import { createSecretBox, generateKeyringEntry } from '../src/platform/secret-box.js';
import { join } from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createCustomerService } from '../src/modules/customers/customer.service.js';
import { createDiscountService } from '../src/modules/discounts/discount.service.js';
import { createInventoryService, mergeLines } from '../src/modules/inventory/inventory.service.js';
import { createOrderSessionService, createSubmitOrder } from '../src/modules/checkout/index.js';
import { MANUAL_PAY_WINDOW_MINUTES } from '../src/modules/order-expiry/pay-window.js';
import { createNewOrderPayWindow } from '../src/modules/order-expiry/payment-window.service.js';
import { createOrderService } from '../src/modules/orders/index.js';
import { EVENTS } from '../src/modules/shared/events.js';
import { createTaxjarAdapter } from '../src/modules/tax/taxjar.adapter.js';
import { systemClock } from '../src/platform/clock.js';
import { migrate } from '../src/platform/db/migrate.js';
import { createDatabase } from '../src/platform/db/database.js';
import type { Db } from '../src/platform/db/prisma.js';
import { EventBus } from '../src/platform/jobs/queue.js';
import { migrateJobQueue } from '../src/platform/jobs/worker.js';
import { createLogger } from '../src/platform/logger.js';
import { benchDatabase } from './lib/bench-database.js';

const CONCURRENCY = 8;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 1);
if (!Number.isInteger(PRODUCTS) || PRODUCTS < 1 || PRODUCTS > 20) throw new Error('BENCH_PRODUCTS must be an integer from 1 to 20');
const QUANTITY = 2;
const UNIT_CENTS = 1999;
const SUBTOTAL = PRODUCTS * QUANTITY * UNIT_CENTS;
const ADDRESS = { name: 'Bench Buyer', line1: '123 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };

/** The fake TaxJar in its own process, as the real one is remote: its CPU is not the services' CPU. */
const TAXJAR_DELAY_MS = Number(process.env.BENCH_TAXJAR_DELAY_MS ?? 40);
async function startFakeTaxjar(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../src/dev/fake-taxjar.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, FAKE_TAXJAR_RATE: '0.0825', FAKE_TAXJAR_DELAY_MS: String(TAXJAR_DELAY_MS) },
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error('fake TaxJar exited');
    }),
  ])) as [string];
  return { url: (JSON.parse(first) as { url: string }).url, child };
}

async function seedTenant(db: Db, label: string) {
  const tenant = await db.tenant.create({
    data: {
      name: `Bench ${label}`,
      enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'],
      taxjarEnabled: true,
      taxjarApiKey: 'bench-key',
      taxjarFromAddress: { country: 'US', zip: '92093', state: 'CA', city: 'La Jolla', street: '9500 Gilman Drive' },
    },
  });
  const guild = await db.guild.create({
    data: { id: `${Date.now()}${Math.floor(Math.random() * 1e6)}`, tenantId: tenant.id, name: 'Bench guild' },
  });
  const products = [];
  for (let i = 0; i < PRODUCTS; i++)
    products.push(
      await db.product.create({
        data: {
          tenantId: tenant.id,
          sku: `BENCH-${label}-${i}`,
          name: `Bench widget ${i}`,
          unitPriceCents: UNIT_CENTS,
          trackStock: true,
          stock: 10_000_000,
        },
      }),
    );
  // The baseline reserves in the services' lock order: mergeLines's (product id, byte order).
  const stockLines = mergeLines(products.map((p) => ({ productId: p.id, quantity: QUANTITY })));
  const shippingType = await db.shippingType.create({ data: { tenantId: tenant.id, name: 'Standard', priceCents: 500 } });
  // The demo seed's discount (src/seed/demo-seed.ts): global, no use limit.
  const discount = await db.discount.create({
    data: {
      tenantId: tenant.id,
      name: 'Welcome 10% off orders over $20',
      type: 'PERCENT',
      percentOff: 10,
      scope: 'GLOBAL',
      minSubtotalCents: 2000,
    },
  });
  const customers = await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) =>
      db.customer.create({ data: { tenantId: tenant.id, discordUserId: `10000000000000000${i}`, username: `bench${i}` } }),
    ),
  );
  return { tenant, guild, products, stockLines, shippingType, discount, customers };
}

/** Runs `once` in CONCURRENCY loops for `seconds`; returns completed operations per second. */
async function measure(seconds: number, once: (worker: number) => Promise<void>): Promise<number> {
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      while (performance.now() < deadline) {
        await once(w);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function main() {
  const { url, cleanup } = await benchDatabase('ll_bench');
  const taxjar = await startFakeTaxjar();
  // One pool for Prisma and the plain-SQL client, as src/container.ts builds it.
  const database = createDatabase(url, CONCURRENCY + 2);
  const { db, sql } = database;
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  pool.on('error', () => undefined);
  try {
    await migrate(url);
    await migrateJobQueue(url);

    // ---- the services, wired as src/container.ts wires them
    const logger = createLogger({ level: 'silent', pretty: false });
    const bus = new EventBus();
    bus.subscribe(EVENTS.orderCreated, 'bench', { schema: z.object({}).passthrough(), run: async () => undefined });
    const customers = createCustomerService({ db, clock: systemClock, bus });
    const tax = createTaxjarAdapter({ apiUrl: taxjar.url, timeoutMs: 1500, logger, secrets: createSecretBox(generateKeyringEntry()) });
    const deps = {
      db,
      sql,
      clock: systemClock,
      bus,
      inventory: createInventoryService(),
      discounts: createDiscountService(),
      tax,
      customers,
      ttlMinutes: 30,
      reach: { invoiceLinks: false, providers: [] },
    };
    const sessions = createOrderSessionService(deps);
    // Submits' transactions on the checkout pool, whose connections pipeline (as the container wires it).
    const payWindows = createNewOrderPayWindow({ bus });
    const orders = createOrderService({ db, submit: createSubmitOrder({ ...deps, sql: database.checkoutSql, payWindows }) });

    let carts = 0;
    const flow = (shop: Awaited<ReturnType<typeof seedTenant>>) => async (w: number) => {
      const t = shop.tenant.id;
      const c = shop.customers[w]!.id;
      await sessions.start(t, c, { guildId: shop.guild.id });
      // The cart's lines in a rotating order, so concurrent submits list the same products differently.
      const shift = carts++ % PRODUCTS;
      for (let i = 0; i < PRODUCTS; i++) {
        const product = shop.products[(i + shift) % PRODUCTS]!;
        await sessions.setItem(t, c, { productId: product.id, quantity: QUANTITY, memberRoleIds: [] });
      }
      await sessions.setAddress(t, c, { address: ADDRESS });
      await sessions.setShippingType(t, c, shop.shippingType.id);
      await sessions.setPaymentMethod(t, c, 'VENMO_P2P');
      const { fingerprint } = await sessions.review(t, c);
      const r = await orders.submit(t, c, { memberRoleIds: [], reviewed: { fingerprint } });
      if (!r.created || r.order.discountId !== shop.discount.id) throw new Error('submit did not create a discounted order');
      if (r.order.subtotalCents !== SUBTOTAL) throw new Error(`submit charged a subtotal of ${r.order.subtotalCents}, not ${SUBTOTAL}`);
    };

    // The tax call the baseline makes by hand: TaxJar's POST /v2/taxes with the order's lines.
    const taxBody = (discountCents: number) =>
      JSON.stringify({
        from_country: 'US',
        from_zip: '92093',
        from_state: 'CA',
        from_city: 'La Jolla',
        from_street: '9500 Gilman Drive',
        to_country: ADDRESS.country,
        to_zip: ADDRESS.postalCode,
        to_state: ADDRESS.state,
        to_city: ADDRESS.city,
        to_street: ADDRESS.line1,
        amount: SUBTOTAL - discountCents,
        shipping: 5,
        line_items: Array.from({ length: PRODUCTS }, (_, i) => ({
          id: String(i + 1),
          quantity: QUANTITY,
          unit_price: UNIT_CENTS / 100,
          // The discount spread over the lines, the last one taking the remainder.
          discount:
            (i < PRODUCTS - 1
              ? Math.floor(discountCents / PRODUCTS)
              : discountCents - Math.floor(discountCents / PRODUCTS) * (PRODUCTS - 1)) / 100,
        })),
      });
    const taxFor = async (discountCents: number): Promise<number> => {
      const res = await fetch(`${taxjar.url}/v2/taxes`, {
        method: 'POST',
        headers: { authorization: 'Bearer bench-key', 'content-type': 'application/json' },
        body: taxBody(discountCents),
      });
      if (!res.ok) throw new Error(`fake TaxJar answered ${res.status}`);
      const { tax } = (await res.json()) as { tax: { amount_to_collect: number } };
      return Math.round(tax.amount_to_collect * 100);
    };

    // ---- the baseline: the same rows with plain pg, one transaction per order
    const baseline = (shop: Awaited<ReturnType<typeof seedTenant>>) => async (w: number) => {
      const t = shop.tenant.id;
      const c = shop.customers[w]!.id;
      const client = await pool.connect();
      try {
        const subtotal = SUBTOTAL;
        // The discount, and tax at review and again at submit (the services ask twice as well), outside the transaction.
        const disc = await client.query<{ id: string; name: string; percentOff: number }>(
          `SELECT id, name, "percentOff" FROM discounts WHERE "tenantId" = $1 AND active AND scope = 'GLOBAL' AND "minSubtotalCents" <= $2 ORDER BY "percentOff" DESC LIMIT 1`,
          [t, subtotal],
        );
        const d = disc.rows[0]!;
        const discountCents = Math.round((subtotal * d.percentOff) / 100);
        await taxFor(discountCents);
        const taxCents = await taxFor(discountCents);
        const total = subtotal - discountCents + 500 + taxCents;
        // The pay window the services set with the order (Venmo: 2 days), with its expiry job.
        const dueAt = new Date(Date.now() + MANUAL_PAY_WINDOW_MINUTES * 60_000);
        await client.query('BEGIN');
        const addr = await client.query<{ id: string }>(
          `INSERT INTO addresses ("tenantId", "customerId", name, line1, city, state, "postalCode", country) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
          [t, c, ADDRESS.name, ADDRESS.line1, ADDRESS.city, ADDRESS.state, ADDRESS.postalCode, ADDRESS.country],
        );
        const ses = await client.query<{ id: string }>(
          `INSERT INTO order_sessions ("tenantId", "customerId", "guildId", state, "addressId", "shippingTypeId", "paymentMethod", "expiresAt", "updatedAt")
           VALUES ($1,$2,$3,'READY_TO_SUBMIT',$4,$5,'VENMO_P2P', now() + interval '30 minutes', now()) RETURNING id`,
          [t, c, shop.guild.id, addr.rows[0]!.id, shop.shippingType.id],
        );
        const sessionId = ses.rows[0]!.id;
        for (const product of shop.products)
          await client.query(`INSERT INTO order_session_items ("sessionId", "productId", quantity) VALUES ($1,$2,$3)`, [
            sessionId,
            product.id,
            QUANTITY,
          ]);
        const num = await client.query<{ n: number }>(
          `UPDATE tenants SET "nextOrderNumber" = "nextOrderNumber" + 1 WHERE id = $1 RETURNING "nextOrderNumber" - 1 AS n`,
          [t],
        );
        const order = await client.query<{ id: string }>(
          `INSERT INTO orders ("tenantId", number, "customerId", "guildId", "sessionId", "subtotalCents", "discountCents", "discountId", "discountName", "shippingCents", "taxAmountCents", "totalCents", "paymentMethod", "shippingTypeId", "shippingTypeName", "shippingAddress", "paymentDueAt", "updatedAt")
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,500,$10,$11,'VENMO_P2P',$12,'Standard',$13, $14, now()) RETURNING id`,
          [
            t,
            num.rows[0]!.n,
            c,
            shop.guild.id,
            sessionId,
            subtotal,
            discountCents,
            d.id,
            d.name,
            taxCents,
            total,
            shop.shippingType.id,
            JSON.stringify(ADDRESS),
            dueAt.toISOString(),
          ],
        );
        const orderId = order.rows[0]!.id;
        for (const product of shop.products)
          await client.query(
            `INSERT INTO order_items ("orderId", "productId", sku, name, quantity, "unitPriceCents") VALUES ($1,$2,$3,$4,$5,$6)`,
            [orderId, product.id, product.sku, product.name, QUANTITY, UNIT_CENTS],
          );
        await client.query(
          `INSERT INTO payments ("tenantId", "orderId", method, status, "amountCents", "updatedAt") VALUES ($1,$2,'VENMO_P2P','awaiting_admin_approval',$3, now())`,
          [t, orderId, total],
        );
        for (const line of shop.stockLines) {
          await client.query(
            `INSERT INTO inventory_reservations ("tenantId", "orderId", "productId", quantity, "updatedAt") VALUES ($1,$2,$3,$4, now())`,
            [t, orderId, line.productId, line.quantity],
          );
          const dec = await client.query(`UPDATE products SET stock = stock - $2 WHERE id = $1 AND stock >= $2`, [
            line.productId,
            line.quantity,
          ]);
          if (dec.rowCount !== 1) throw new Error('baseline: out of stock');
        }
        await client.query(
          `SELECT graphile_worker.add_jobs(ARRAY[
             ROW('order.created>bench', $1::json, NULL, NULL, 12, NULL, NULL, NULL)::graphile_worker.job_spec,
             ROW('order.payment_window.expire', $1::json, NULL, $2::timestamptz, 12, 'payment-expiry:' || $3, NULL, NULL)::graphile_worker.job_spec])`,
          [JSON.stringify({ tenantId: t, orderId }), dueAt.toISOString(), orderId],
        );
        await client.query(`UPDATE order_sessions SET state = 'SUBMITTED', "activeSlot" = NULL WHERE id = $1`, [sessionId]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    };

    const shopA = await seedTenant(db, 'services');
    const shopB = await seedTenant(db, 'baseline');
    await measure(WARMUP_SECONDS, flow(shopA));
    await measure(WARMUP_SECONDS, baseline(shopB));
    // Alternating rounds, so both sides see the same machine load (the box is shared and noisy).
    const rounds = Math.max(1, Math.round(SECONDS / 2));
    let servicesTotal = 0;
    let baselineTotal = 0;
    const cpu = { services: 0, baseline: 0 };
    for (let r = 0; r < rounds; r++) {
      let c0 = process.cpuUsage();
      servicesTotal += await measure(SECONDS / rounds, flow(shopA));
      cpu.services += (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000;
      c0 = process.cpuUsage();
      baselineTotal += await measure(SECONDS / rounds, baseline(shopB));
      cpu.baseline += (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000;
    }
    const servicesRate = servicesTotal / rounds;
    const baselineRate = baselineTotal / rounds;
    const [made, madeBaseline] = await Promise.all([
      db.order.count({ where: { tenantId: shopA.tenant.id } }),
      db.order.count({ where: { tenantId: shopB.tenant.id } }),
    ]);
    console.log(
      `node cpu ms/order: services ${(cpu.services / made).toFixed(2)}  baseline ${(cpu.baseline / madeBaseline).toFixed(2)} (orders made: ${made} / ${madeBaseline}, incl. warm-up)`,
    );
    console.log(
      `fake TaxJar latency: ${TAXJAR_DELAY_MS} ms per call (2 calls an order, both sides); every order has the shop's 10% discount; ${PRODUCTS} product(s) per order, ${QUANTITY} of each`,
    );
    console.log(
      `orders/s: ${servicesRate.toFixed(1)}  baseline/s: ${baselineRate.toFixed(1)}  ratio: ${(servicesRate / baselineRate).toFixed(2)}`,
    );

    // Detail only, after the measurement (changes none of the figures above): BENCH_STEPS=N runs N more
    // orders one at a time (no concurrency) and prints the Node CPU of each service call, to see where it goes.
    const stepOrders = Number(process.env.BENCH_STEPS ?? 0);
    if (stepOrders > 0) {
      const t = shopA.tenant.id;
      const c = shopA.customers[0]!.id;
      const steps: [string, () => Promise<unknown>][] = [
        ['start', () => sessions.start(t, c, { guildId: shopA.guild.id })],
        [
          'setItem',
          async () => {
            for (const p of shopA.products) await sessions.setItem(t, c, { productId: p.id, quantity: QUANTITY, memberRoleIds: [] });
          },
        ],
        ['setAddress', () => sessions.setAddress(t, c, { address: ADDRESS })],
        ['setShippingType', () => sessions.setShippingType(t, c, shopA.shippingType.id)],
        ['setPaymentMethod', () => sessions.setPaymentMethod(t, c, 'VENMO_P2P')],
        ['submit', () => orders.submit(t, c, { memberRoleIds: [] })],
      ];
      const spent = new Map<string, number>();
      for (let i = 0; i < stepOrders; i++) {
        for (const [name, run] of steps) {
          const c0 = process.cpuUsage();
          await run();
          const d = process.cpuUsage(c0);
          spent.set(name, (spent.get(name) ?? 0) + (d.user + d.system) / 1000);
        }
      }
      console.log(
        `node cpu ms per call (${stepOrders} orders, one at a time): ${[...spent].map(([k, v]) => `${k} ${(v / stepOrders).toFixed(2)}`).join('  ')}`,
      );
    }
  } finally {
    await database.close();
    await pool.end();
    taxjar.child.kill('SIGTERM');
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`bench:orders failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
  },
);
