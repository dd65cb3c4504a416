// A sale filed with TaxJar stays as it was filed when the shop changes its settings afterwards. The shop's
// TaxJar from-address (where it ships from: the sale's place for an order without a shipping address, such as
// digital goods) and a product's tax code are read when a transaction is built; a refund made after such a change
// re-ran the order's sync, which rewrote the filed sale (PUT) with today's address and code, moving a January
// sale to the state the shop moved to in June, and filed the refund there too. Driven through the REST API with
// a real graphile-worker against the fake TaxJar over HTTP; the settings are changed as the panel saves them.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../../src/generated/prisma/index.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { adminCtx } from '../../helpers/actors.js';
import { useTaxjarWorkerApp } from './taxjar-worker-app.js';

const db = testDb();
const f = factories(db);
const tj = useTaxjarWorkerApp(db);
const fake = tj.fake;

const california = { country: 'US', zip: '92093', state: 'CA', city: 'La Jolla', street: '9500 Gilman Drive' };
const texas = { country: 'US', zip: '78701', state: 'TX', city: 'Austin', street: '100 Congress Ave' };
const fromCalifornia = { from_country: 'US', from_zip: '92093', from_state: 'CA', from_city: 'La Jolla', from_street: '9500 Gilman Drive' };
const toCalifornia = { to_country: 'US', to_zip: '92093', to_state: 'CA', to_city: 'La Jolla', to_street: '9500 Gilman Drive' };

/** Confirms the order's payment through the REST API and waits for its jobs; the sale as TaxJar has it (a copy). */
async function confirmFiled(orderId: string, auth: Record<string, string>) {
  await request(tj.t.app).post(`/api/orders/${orderId}/payment/confirm`).set(auth).send({}).expect(200);
  await tj.settled(orderId);
  return structuredClone(fake.transaction('order', orderId));
}

/** A shop in California with TaxJar on, and a paid order of 2 x E-book at 10.00 (tax code 31000), tax 1.50, filed. */
async function paidAndFiled(shippingAddress: Prisma.InputJsonValue | typeof Prisma.DbNull) {
  const tenant = await f.tenant({ taxjarEnabled: true, taxjarApiKey: 'tj-test-key', taxjarFromAddress: california });
  const customer = await f.customer({ tenantId: tenant.id });
  const ebook = await f.product({
    tenantId: tenant.id,
    sku: `EBOOK-${tenant.id.slice(-6)}`,
    name: 'E-book',
    unitPriceCents: 1000,
    taxCode: '31000',
  });
  const { key } = await tj.t.services.apiKeys.create(adminCtx(tenant.id), 'tax key', 'READ_WRITE');
  const auth = { authorization: `Bearer ${key}` };
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    shippingAddress,
    taxAmountCents: 150,
    totalCents: 2150,
    lines: [{ productId: ebook.id, sku: ebook.sku, name: 'E-book', quantity: 2, unitPriceCents: 1000 }],
  });
  const filed = await confirmFiled(order.id, auth);
  expect(filed).toMatchObject({ sales_tax: 1.5, line_items: [expect.objectContaining({ product_tax_code: '31000' })] });
  return { tenant, ebook, auth, order, filed };
}

const orderPuts = (orderId: string) => fake.calls.filter((c) => c.method === 'PUT' && c.path === `/v2/transactions/orders/${orderId}`);

/** Refunds the order through the REST API (`body`: what to refund) and waits for its jobs; the refund as TaxJar has it. */
async function refundFiled(orderId: string, auth: Record<string, string>, body: object) {
  const refund = await request(tj.t.app).post(`/api/orders/${orderId}/refunds`).set(auth).send(body).expect(201);
  await tj.settled(orderId);
  return fake.transaction('refund', refund.body.refund.id);
}

/** The order's sale at TaxJar is still `filed`, never rewritten (no PUT). */
function expectSaleAsFiled(orderId: string, filed: unknown) {
  expect(fake.transaction('order', orderId)).toEqual(filed);
  expect(orderPuts(orderId)).toHaveLength(0);
}

const oneEbook = (ebookId: string) => ({ items: [{ productId: ebookId, quantity: 1 }] });

describe('a filed sale after the shop changed its TaxJar settings', () => {
  it('the shop moved (new from-address): a refund is filed from where the sale was, and the sale is not rewritten', async () => {
    const s = await paidAndFiled(Prisma.DbNull);
    expect(s.filed).toMatchObject({ ...fromCalifornia, ...toCalifornia });

    // Months later the shop moves to Texas and saves its new TaxJar from-address; then it refunds one E-book.
    await db.tenant.update({ where: { id: s.tenant.id }, data: { taxjarFromAddress: texas } });
    const refund = await refundFiled(s.order.id, s.auth, oneEbook(s.ebook.id));

    expectSaleAsFiled(s.order.id, s.filed);
    expect(refund).toMatchObject({
      transaction_reference_id: s.order.id,
      ...fromCalifornia,
      ...toCalifornia,
      sales_tax: -0.75,
    });
  });

  it("a product's tax code changed: the refund's line carries the code the sale was filed with, and the sale is not rewritten", async () => {
    const s = await paidAndFiled({ line1: '123 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' });

    await db.product.update({ where: { id: s.ebook.id }, data: { taxCode: '20010' } });
    const refund = await refundFiled(s.order.id, s.auth, oneEbook(s.ebook.id));

    expectSaleAsFiled(s.order.id, s.filed);
    expect(refund).toMatchObject({
      line_items: [expect.objectContaining({ id: s.ebook.id, product_tax_code: '31000', sales_tax: -0.75 })],
    });
  });

  it('a sale filed without a tax code keeps none when the product is given one later', async () => {
    const s = await paidAndFiled({ line1: '123 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' });
    // Filed with the code it had; now an order whose product had no code when filed.
    await db.product.update({ where: { id: s.ebook.id }, data: { taxCode: null } });
    const other = await f.order({
      tenantId: s.tenant.id,
      customerId: s.order.customerId,
      taxAmountCents: 100,
      totalCents: 1100,
      lines: [{ productId: s.ebook.id, sku: s.ebook.sku, name: 'E-book', quantity: 1, unitPriceCents: 1000 }],
    });
    const filed = await confirmFiled(other.id, s.auth);
    expect(filed!.line_items).toEqual([expect.not.objectContaining({ product_tax_code: expect.anything() })]);

    await db.product.update({ where: { id: s.ebook.id }, data: { taxCode: '31000' } });
    const refund = await refundFiled(other.id, s.auth, {});

    expectSaleAsFiled(other.id, filed);
    expect(refund!.line_items).toEqual([expect.not.objectContaining({ product_tax_code: expect.anything() })]);
  });
});
