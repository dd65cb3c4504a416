// Sales tax reported to TaxJar, driven through the REST API with a real graphile-worker against the fake
// TaxJar over HTTP: a paid order becomes an order transaction, each refund a refund transaction with
// negative amounts (an item refund carries the items' share of the discount and tax), a cancelled paid
// order's transaction is deleted, and a TaxJar outage delays the report (job retried) without losing it.
// Amounts are read back from what the fake holds, in TaxJar's decimal dollars.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { TAX_SYNC_TASK } from '../../../src/modules/tax/tax-sync.enqueue.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { adminCtx } from '../../helpers/actors.js';
import { waitFor } from '../../helpers/wait-for.js';
import { useTaxjarWorkerApp } from './taxjar-worker-app.js';

const db = testDb();
const f = factories(db);
const tj = useTaxjarWorkerApp(db);
const fake = tj.fake;

interface JobRow {
  id: string;
  attempts: number;
  locked_at: Date | null;
  run_at: Date;
  last_error: string | null;
  /** Due later than the read's now(): given back after a failure, waiting for its backoff. */
  waiting: boolean;
}
const syncJobs = (orderId: string) =>
  db.$queryRaw<JobRow[]>`SELECT j.id::text AS id, j.attempts, j.locked_at, j.run_at, j.last_error, j.run_at > now() AS waiting
    FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = ${TAX_SYNC_TASK} AND j.payload->>'orderId' = ${orderId}`;

/**
 * A shop with TaxJar on, an API key, and an order of 2 x Alpha at 20.00 + 1 x Beta at 5.00 (a digital good,
 * tax code 31000): subtotal 45.00, 10% discount 4.50, shipping 5.00, tax 3.75, total 49.25, awaiting approval.
 */
async function shop() {
  const tenant = await f.tenant({
    taxjarEnabled: true,
    taxjarApiKey: 'tj-test-key',
    taxjarFromAddress: { country: 'US', zip: '92093', state: 'CA', city: 'La Jolla', street: '9500 Gilman Drive' },
  });
  const customer = await f.customer({ tenantId: tenant.id });
  const alpha = await f.product({ tenantId: tenant.id, sku: `ALPHA-${tenant.id.slice(-6)}`, name: 'Alpha', unitPriceCents: 2000 });
  const beta = await f.product({
    tenantId: tenant.id,
    sku: `BETA-${tenant.id.slice(-6)}`,
    name: 'Beta',
    unitPriceCents: 500,
    taxCode: '31000',
  });
  const { key } = await tj.t.services.apiKeys.create(adminCtx(tenant.id), 'tax key', 'READ_WRITE');
  const auth = { authorization: `Bearer ${key}` };
  const order = () =>
    f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      discountCents: 450,
      shippingCents: 500,
      taxAmountCents: 375,
      totalCents: 4925,
      lines: [
        { productId: alpha.id, sku: alpha.sku, name: 'Alpha', quantity: 2, unitPriceCents: 2000 },
        { productId: beta.id, sku: beta.sku, name: 'Beta', quantity: 1, unitPriceCents: 500 },
      ],
    });
  return { tenant, alpha, beta, auth, order };
}

const to = { to_country: 'US', to_zip: '62701', to_state: 'IL', to_city: 'Springfield', to_street: '123 Main St' };
const from = { from_country: 'US', from_zip: '92093', from_state: 'CA', from_city: 'La Jolla', from_street: '9500 Gilman Drive' };

describe('TaxJar transactions', () => {
  it('a paid order is filed as an order transaction; an item refund and then a full refund as refund transactions with their tax share', async () => {
    const s = await shop();
    const order = await s.order();
    await request(tj.t.app).post(`/api/orders/${order.id}/payment/confirm`).set(s.auth).send({}).expect(200);
    await tj.settled(order.id);
    const paidAt = (await db.order.findUniqueOrThrow({ where: { id: order.id } })).paidAt!;

    // Discount 4.50 split 4.00 / 0.50 by line totals; tax 3.75 split over 36.00 / 4.50 / shipping 5.00: 2.97 / 0.37 / 0.41.
    expect(fake.transaction('order', order.id)).toEqual({
      transaction_id: order.id,
      transaction_date: paidAt.toISOString(),
      ...from,
      ...to,
      amount: 45.5,
      shipping: 5,
      sales_tax: 3.75,
      line_items: expect.arrayContaining([
        {
          id: s.alpha.id,
          quantity: 2,
          product_identifier: s.alpha.sku,
          description: 'Alpha',
          unit_price: 20,
          discount: 4,
          sales_tax: 2.97,
        },
        {
          id: s.beta.id,
          quantity: 1,
          product_identifier: s.beta.sku,
          description: 'Beta',
          product_tax_code: '31000',
          unit_price: 5,
          discount: 0.5,
          sales_tax: 0.37,
        },
      ]),
    });

    // One Alpha back: 20.00 less half its 4.00 discount, plus round(2.97 / 2) = 1.49 of tax.
    const preview = await request(tj.t.app)
      .post(`/api/orders/${order.id}/refunds/preview`)
      .set(s.auth)
      .send({ items: [{ productId: s.alpha.id, quantity: 1 }] })
      .expect(200);
    expect(preview.body).toMatchObject({ amountCents: 1949, goodsCents: 2000, discountCents: 200, shippingCents: 0, taxCents: 149 });
    const partial = await request(tj.t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(s.auth)
      .send({ items: [{ productId: s.alpha.id, quantity: 1 }] })
      .expect(201);
    expect(partial.body.refund).toMatchObject({ amountCents: 1949, taxCents: 149, discountCents: 200, shippingCents: 0 });
    await tj.settled(order.id);
    expect(fake.transaction('refund', partial.body.refund.id)).toEqual({
      transaction_id: partial.body.refund.id,
      transaction_reference_id: order.id,
      transaction_date: new Date(partial.body.refund.createdAt).toISOString(),
      ...from,
      ...to,
      amount: -18,
      shipping: 0,
      sales_tax: -1.49,
      line_items: [
        {
          id: s.alpha.id,
          quantity: 1,
          product_identifier: s.alpha.sku,
          description: 'Alpha',
          unit_price: -20,
          discount: -2,
          sales_tax: -1.49,
        },
      ],
    });

    // The rest: Alpha's other unit, Beta, shipping and what is left of the tax (3.75 - 1.49 = 2.26).
    const rest = await request(tj.t.app).post(`/api/orders/${order.id}/refunds`).set(s.auth).send({}).expect(201);
    expect(rest.body.refund).toMatchObject({
      mode: 'FULL',
      amountCents: 4925 - 1949,
      taxCents: 226,
      shippingCents: 500,
      discountCents: 250,
    });
    await tj.settled(order.id);
    const full = fake.transaction('refund', rest.body.refund.id)!;
    expect(full).toMatchObject({ transaction_reference_id: order.id, amount: -27.5, shipping: -5, sales_tax: -2.26 });
    expect(full.line_items).toEqual(
      expect.arrayContaining([
        {
          id: s.alpha.id,
          quantity: 1,
          product_identifier: s.alpha.sku,
          description: 'Alpha',
          unit_price: -20,
          discount: -2,
          sales_tax: -1.48,
        },
        {
          id: s.beta.id,
          quantity: 1,
          product_identifier: s.beta.sku,
          description: 'Beta',
          product_tax_code: '31000',
          unit_price: -5,
          discount: -0.5,
          sales_tax: -0.37,
        },
      ]),
    );
    // The order transaction itself is untouched by refunds, and each transaction was created once.
    expect(fake.transaction('order', order.id)).toMatchObject({ amount: 45.5, sales_tax: 3.75 });
    const posts = fake.calls.filter(
      (c) =>
        c.method === 'POST' &&
        c.path.startsWith('/v2/transactions') &&
        [order.id, partial.body.refund.id, rest.body.refund.id].includes(String(c.body.transaction_id)),
    );
    expect(posts.map((c) => c.path)).toEqual(['/v2/transactions/orders', '/v2/transactions/refunds', '/v2/transactions/refunds']);
    expect(await db.taxTransaction.count({ where: { orderId: order.id, removedAt: null } })).toBe(3);
  });

  it('cancelling a paid order deletes its order transaction at TaxJar (and files no refund for it)', async () => {
    const s = await shop();
    const order = await s.order();
    await request(tj.t.app).post(`/api/orders/${order.id}/payment/confirm`).set(s.auth).send({}).expect(200);
    await tj.settled(order.id);
    expect(fake.transaction('order', order.id)).toBeDefined();

    const total = (await db.order.findUniqueOrThrow({ where: { id: order.id } })).totalCents;
    await request(tj.t.app)
      .patch(`/api/orders/${order.id}`)
      .set(s.auth)
      .send({ status: 'CANCELLED', confirmRefundCents: total })
      .expect(200);
    await tj.settled(order.id);
    expect(fake.transaction('order', order.id)).toBeUndefined();
    const cancelRefund = await db.refund.findFirstOrThrow({ where: { orderId: order.id } });
    expect(fake.transaction('refund', cancelRefund.id)).toBeUndefined();
    expect(fake.calls.filter((c) => c.method === 'DELETE' && c.path === `/v2/transactions/orders/${order.id}`)).toHaveLength(1);
    expect(await db.taxTransaction.findFirstOrThrow({ where: { transactionId: order.id } })).toMatchObject({ removedAt: expect.any(Date) });
  });

  it('an order paid while TaxJar was off is not filed when it is refunded after TaxJar is switched on; one paid after is', async () => {
    const s = await shop();
    await db.tenant.update({ where: { id: s.tenant.id }, data: { taxjarEnabled: false } });
    const before = await s.order();
    await request(tj.t.app).post(`/api/orders/${before.id}/payment/confirm`).set(s.auth).send({}).expect(200);
    await tj.settled(before.id);
    expect(fake.transaction('order', before.id)).toBeUndefined();

    // Switched on (any path stamps when): a refund of the older order files nothing for it.
    await db.tenant.update({ where: { id: s.tenant.id }, data: { taxjarEnabled: true } });
    const { taxjarEnabledAt } = await db.tenant.findUniqueOrThrow({ where: { id: s.tenant.id } });
    expect(taxjarEnabledAt).toBeInstanceOf(Date);
    const refund = await request(tj.t.app).post(`/api/orders/${before.id}/refunds`).set(s.auth).send({ amountCents: 500 }).expect(201);
    await tj.settled(before.id);
    // Before: the refund filed the whole older order (a sale the shop may have reported itself) and the refund.
    expect(fake.transaction('order', before.id)).toBeUndefined();
    expect(fake.transaction('refund', refund.body.refund.id)).toBeUndefined();
    expect(fake.calls.filter((c) => c.path.includes(before.id) || c.path.includes(refund.body.refund.id))).toEqual([]);

    const after = await s.order();
    await request(tj.t.app).post(`/api/orders/${after.id}/payment/confirm`).set(s.auth).send({}).expect(200);
    await tj.settled(after.id);
    expect(fake.transaction('order', after.id)).toMatchObject({ transaction_id: after.id, sales_tax: 3.75 });
    // Saving settings with TaxJar still on does not move the stamp.
    await db.tenant.update({ where: { id: s.tenant.id }, data: { taxjarEnabled: true, name: 'Renamed' } });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: s.tenant.id } })).taxjarEnabledAt).toEqual(taxjarEnabledAt);
  });

  it('a yen shop that has TaxJar on (saved before Settings refused it) files nothing: TaxJar files US dollars', async () => {
    const s = await shop();
    await db.tenant.update({ where: { id: s.tenant.id }, data: { currency: 'JPY' } });
    const order = await f.order({
      tenantId: s.tenant.id,
      customerId: (await f.customer({ tenantId: s.tenant.id })).id,
      currency: 'JPY',
      lines: [{ productId: s.alpha.id, sku: s.alpha.sku, name: 'Alpha', quantity: 2, unitPriceCents: 2000 }],
    });
    await request(tj.t.app).post(`/api/orders/${order.id}/payment/confirm`).set(s.auth).send({}).expect(200);
    await tj.settled(order.id);
    // Before: ¥4,000 was filed as 40.00 dollars of US sales.
    expect(fake.transaction('order', order.id)).toBeUndefined();
    expect(fake.calls.filter((c) => c.path.includes(order.id))).toEqual([]);
  });

  it('deleting a paid, partly refunded order deletes its refund and order transactions', async () => {
    const s = await shop();
    const order = await s.order();
    await request(tj.t.app).post(`/api/orders/${order.id}/payment/confirm`).set(s.auth).send({}).expect(200);
    const refund = await request(tj.t.app).post(`/api/orders/${order.id}/refunds`).set(s.auth).send({ amountCents: 1000 }).expect(201);
    await tj.settled(order.id);
    expect(fake.transaction('refund', refund.body.refund.id)).toMatchObject({
      amount: expect.any(Number),
      sales_tax: expect.any(Number),
      line_items: [],
    });

    await tj.t.services.orderAdmin.delete(adminCtx(s.tenant.id), order.id);
    await tj.settled(order.id);
    expect(fake.transaction('refund', refund.body.refund.id)).toBeUndefined();
    expect(fake.transaction('order', order.id)).toBeUndefined();
    const deletes = fake.calls
      .filter((c) => c.method === 'DELETE' && (c.path.endsWith(order.id) || c.path.endsWith(refund.body.refund.id)))
      .map((c) => c.path);
    expect(deletes).toEqual([`/v2/transactions/refunds/${refund.body.refund.id}`, `/v2/transactions/orders/${order.id}`]);
  });

  it('a TaxJar outage delays the report: the job fails, is retried, and files the order once', async () => {
    const s = await shop();
    const order = await s.order();
    // Down until the test has seen a failed attempt waiting: a window missed on a busy machine comes again, longer.
    const recover = fake.fail(/^\/v2\/transactions\/orders$/, 503, Infinity);
    await request(tj.t.app).post(`/api/orders/${order.id}/payment/confirm`).set(s.auth).send({}).expect(200);

    // Seen in one read: failed, given back, and due later than that read (backoff: later, not lost).
    const [failed] = await waitFor('an attempt to fail and wait for its backoff', async () => {
      const rows = await syncJobs(order.id);
      return rows[0] && rows[0].attempts >= 1 && !rows[0].locked_at && rows[0].waiting ? rows : undefined;
    });
    expect(failed!.last_error).toMatch(/503/);
    expect(fake.transaction('order', order.id)).toBeUndefined();
    recover();
    // Skip the backoff instead of sleeping through it.
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE id = ${BigInt(failed!.id)}`;
    await tj.settled(order.id);

    expect(fake.transaction('order', order.id)).toMatchObject({ transaction_id: order.id, amount: 45.5, sales_tax: 3.75 });
    // The refused ones (one, or more if the machine was slower than a backoff), then the one that went through.
    const posts = fake.calls.filter((c) => c.method === 'POST' && c.body.transaction_id === order.id);
    expect(posts.length).toBeGreaterThanOrEqual(2);
  });

  it('a create whose answer was lost (already filed: 422) becomes an update, and the fake refuses duplicates and unknown ids like TaxJar', async () => {
    const s = await shop();
    const order = await s.order();
    // Filed already (as if by an attempt whose answer never came back), with an older amount.
    await request(fake.url)
      .post('/v2/transactions/orders')
      .set('authorization', 'Bearer tj-test-key')
      .send({ transaction_id: order.id, transaction_date: '2026-01-01', ...to, amount: 1, shipping: 0, sales_tax: 0 })
      .expect(201);
    const dup = await request(fake.url)
      .post('/v2/transactions/orders')
      .set('authorization', 'Bearer tj-test-key')
      .send({ transaction_id: order.id, transaction_date: '2026-01-01', ...to, amount: 1, shipping: 0, sales_tax: 0 })
      .expect(422);
    expect(dup.body).toEqual({ error: 'Unprocessable Entity', detail: expect.stringMatching(/already imported/), status: 422 });
    await request(fake.url).put('/v2/transactions/orders/nope').set('authorization', 'Bearer tj-test-key').send({ amount: 1 }).expect(404);
    await request(fake.url).delete('/v2/transactions/refunds/nope').set('authorization', 'Bearer tj-test-key').expect(404);
    const missing = await request(fake.url)
      .post('/v2/transactions/refunds')
      .set('authorization', 'Bearer tj-test-key')
      .send({ transaction_id: 'r1', ...to })
      .expect(400);
    expect(missing.body.detail).toMatch(/transaction_reference_id/);

    await request(tj.t.app).post(`/api/orders/${order.id}/payment/confirm`).set(s.auth).send({}).expect(200);
    await tj.settled(order.id);
    expect(fake.transaction('order', order.id)).toMatchObject({ amount: 45.5, sales_tax: 3.75, shipping: 5 });
    expect(fake.calls.filter((c) => c.method === 'PUT' && c.path === `/v2/transactions/orders/${order.id}`)).toHaveLength(1);
  });
});
