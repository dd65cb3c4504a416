// A change of the shop's currency (POST /api/shop/currency) and an order being placed deadlock, and PostgreSQL's
// abort of either one is retried to the right outcome. The change locks the priced products FOR UPDATE and then the
// shop's row FOR UPDATE (tenants/change-shop-currency.ts); the order statement takes the shop's row for the order
// number (FOR NO KEY UPDATE) and then its products (FOR KEY SHARE, and the stock) (checkout/submit/submit.sql.ts):
// the opposite order. The deadlock is forced, with no sleep, by a third transaction holding the shop's row FOR KEY
// SHARE (what a foreign key check takes: it stops the change's FOR UPDATE, not the order's counter update):
//   1. the holder takes the shop's row FOR KEY SHARE and keeps its transaction open;
//   2. the change locks the product, then waits for the holder at the shop's row (seen in pg_stat_activity);
//   3. the submit's statement takes the shop's row (order number), then waits for the change at the product;
//   4. the holder commits: the change now waits for the submit, which waits for the change.
// Which of the two PostgreSQL aborts (40P01) is the one whose deadlock_timeout runs out first once the circle is
// closed: the submit (waiting since step 3) with the default timeouts on both sides; the change when its
// connections check after 10 ms. Both are played; `pg_stat_database.deadlocks` shows the deadlock happened.
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { orderingFixture } from '../../modules/orders/ordering-fixture.js';

const db = testDb();
let fx: Awaited<ReturnType<typeof orderingFixture>>;
/** The API with PostgreSQL's default deadlock_timeout (1 s). */
let t: TestApp;
/** The API whose connections look for a deadlock after 10 ms of waiting. */
let quick: TestApp;

/** The test database's URL with a connection option (libpq's `options`, as pg passes it). */
function withDeadlockTimeout(ms: number): string {
  const u = new URL(testDatabaseUrl());
  u.searchParams.set('options', `-c deadlock_timeout=${ms}`);
  return u.toString();
}

beforeAll(async () => {
  fx = await orderingFixture(db);
  t = await createTestApp();
  // createTestApp reads the URL when it is called (its container's pools): set it for that call only.
  const url = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = withDeadlockTimeout(10);
  const building = createTestApp();
  process.env.TEST_DATABASE_URL = url;
  quick = await building;
});
afterAll(async () => {
  await t?.services.close();
  await quick?.services.close();
  await fx?.close();
});

const roles = { memberRoleIds: [] as string[] };

async function deadlocks(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0]!.n);
}

/** The pids waiting for `pid`'s locks. */
async function waitingFor(client: pg.Client, pid: number): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid]);
  return rows.map((r) => r.pid);
}

/** Every row the change or the order writes, for "whole or nothing". */
async function state(tenantId: string, productId: string, shippingTypeId: string) {
  return {
    currency: (await db.tenant.findUniqueOrThrow({ where: { id: tenantId } })).currency,
    product: await db.product.findUniqueOrThrow({
      where: { id: productId },
      select: { currency: true, unitPriceCents: true, stock: true },
    }),
    shippingCents: (await db.shippingType.findUniqueOrThrow({ where: { id: shippingTypeId } })).priceCents,
    orders: await db.order.findMany({
      where: { tenantId },
      select: { currency: true, subtotalCents: true, shippingCents: true, totalCents: true, items: { select: { unitPriceCents: true } } },
    }),
    payments: await db.payment.findMany({ where: { tenantId }, select: { currency: true, amountCents: true } }),
    changeAudit: await db.auditLog.count({ where: { tenantId, actorType: 'API_KEY' } }),
  };
}

/**
 * Plays the deadlock: the change through `api`, the submit through the checkout pool. Returns the change's answer
 * and the submit's outcome, after checking that both waited for each other and a deadlock was counted.
 */
async function forceDeadlock(api: TestApp) {
  const s = await fx.shop({ priceCents: 1000, stock: 5, tenant: { currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'] } });
  const customer = await fx.readyCustomer(s);
  const { key } = await api.services.apiKeys.create(adminCtx(s.tenant.id), 'catalog script', 'READ_WRITE');
  const auth = { authorization: `Bearer ${key}` };
  const listed = await request(api.app).get('/api/v1/shop/currency').set(auth).expect(200);
  const amounts = (listed.body.amounts as { kind: string; id: string; field: string; amountCents: number }[]).map(
    ({ kind, id, field, amountCents }) => ({ kind, id, field, amountCents, newAmountCents: amountCents - 100 }), // EUR 9.00 for $10.00
  );
  expect(amounts.map((a) => [a.kind, a.amountCents])).toEqual([
    ['product', 1000],
    ['shippingType', 500],
  ]);

  const holder = new pg.Client({ connectionString: testDatabaseUrl() });
  const watcher = new pg.Client({ connectionString: testDatabaseUrl() });
  await holder.connect();
  await watcher.connect();
  try {
    const deadlocksBefore = await deadlocks(watcher);
    const txsBefore = fx.txLog.length;
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM tenants WHERE id = $1 FOR KEY SHARE', [s.tenant.id]);
    const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

    const changing = request(api.app)
      .post('/api/v1/shop/currency')
      .set(auth)
      .send({ from: 'USD', to: 'EUR', amounts })
      .then((r) => r);
    const [changePid] = await waitFor('the change to lock the product and wait for the shop row', () =>
      waitingFor(watcher, holderPid).then((pids) => (pids.length === 1 ? pids : null)),
    );
    const { rows: changeWaits } = await watcher.query<{ query: string }>('SELECT query FROM pg_stat_activity WHERE pid = $1', [changePid]);
    expect(changeWaits[0]!.query).toMatch(/FROM tenants WHERE id = \$1 FOR UPDATE/);

    const submitting = fx.services.orders.submit(s.tenant.id, customer.id, roles).then(
      (placed) => ({ placed }),
      (error: unknown) => ({ error }),
    );
    await waitFor('the order statement to take the shop row and wait for the change at the product', async () =>
      (await waitingFor(watcher, changePid!)).length === 1 ? true : null,
    );
    // The order statement holds the shop's row: the holder is not what it waits for.
    expect(await waitingFor(watcher, holderPid)).toEqual([changePid]);

    await holder.query('COMMIT');
    const [changed, submitted] = await Promise.all([changing, submitting]);
    await waitFor('PostgreSQL to count the deadlock', async () => ((await deadlocks(watcher)) > deadlocksBefore ? true : null));
    return { s, changed, submitted, submitTransactions: fx.txLog.length - txsBefore };
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end();
    await watcher.end();
  }
}

describe('a currency change and an order placed at once, deadlocked', () => {
  it('the order is aborted (40P01) and run again: it waits for the change, starts over and is placed in the new currency', async () => {
    const { s, changed, submitted, submitTransactions } = await forceDeadlock(t);

    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ currency: 'EUR', repriced: 2 });
    if (!('placed' in submitted)) throw submitted.error;
    // The aborted statement, its retry (which found the new currency and started over), and the new submission.
    expect(submitTransactions).toBe(3);
    expect(await state(s.tenant.id, s.product.id, s.shippingType.id)).toEqual({
      currency: 'EUR',
      product: { currency: 'EUR', unitPriceCents: 900, stock: 4 },
      shippingCents: 400,
      orders: [{ currency: 'EUR', subtotalCents: 900, shippingCents: 400, totalCents: 1300, items: [{ unitPriceCents: 900 }] }],
      payments: [{ currency: 'EUR', amountCents: 1300 }],
      changeAudit: 3,
    });
    expect(submitted.placed.order).toMatchObject({ currency: 'EUR', totalCents: 1300 });
  });

  it('the change is aborted (40P01) and run again: the order placed meanwhile is unpaid in dollars, so it is refused, nothing changed', async () => {
    const { s, changed, submitted, submitTransactions } = await forceDeadlock(quick);

    if (!('placed' in submitted)) throw submitted.error;
    expect(submitTransactions).toBe(1);
    expect(changed.status).toBe(409);
    expect(changed.body.error).toMatchObject({
      code: 'CURRENCY_MISMATCH',
      message:
        'The currency cannot change from USD to EUR: 1 unpaid order is in USD. Amounts are not converted. First wait until the unpaid orders are paid, or cancel them.',
    });
    expect(await state(s.tenant.id, s.product.id, s.shippingType.id)).toEqual({
      currency: 'USD',
      product: { currency: 'USD', unitPriceCents: 1000, stock: 4 },
      shippingCents: 500,
      orders: [{ currency: 'USD', subtotalCents: 1000, shippingCents: 500, totalCents: 1500, items: [{ unitPriceCents: 1000 }] }],
      payments: [{ currency: 'USD', amountCents: 1500 }],
      changeAudit: 0,
    });
  });
});
