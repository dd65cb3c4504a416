import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { listOrdersResponse } from '../../../src/surfaces/http/api/orders.routes.js';
import { apiTenant, useApiShop, f, pendingOrder } from './api-fixtures.js';

const db = testDb();

const { t, shop } = useApiShop();

describe('GET /api/orders', () => {
  it("lists the tenant's orders newest first with pagination and filters", async () => {
    const s = await apiTenant(t);
    const o1 = await pendingOrder(s, { createdAt: new Date('2026-10-01T10:00:00Z') });
    const o2 = await pendingOrder(s, { createdAt: new Date('2026-10-15T10:00:00Z'), status: 'PAID', paymentStatus: 'paid' });
    const o3 = await pendingOrder(s, { createdAt: new Date('2026-11-01T10:00:00Z') });
    const all = await request(t.app).get('/api/orders').set(s.auth).expect(200);
    expect(all.body).toMatchObject({ pageSize: 25, nextCursor: null });
    expect(all.body.data.map((o: { id: string }) => o.id)).toEqual([o3.id, o2.id, o1.id]);
    expect(all.body.data[0]).toMatchObject({ number: o3.number, status: 'PENDING_PAYMENT', totalCents: 4500, currency: 'USD' });
    expect(listOrdersResponse.safeParse(all.body).success).toBe(true);

    const page1 = await request(t.app).get('/api/orders?pageSize=2').set(s.auth).expect(200);
    expect(page1.body.data.map((o: { id: string }) => o.id)).toEqual([o3.id, o2.id]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await request(t.app).get('/api/orders').query({ pageSize: 2, cursor: page1.body.nextCursor }).set(s.auth).expect(200);
    expect(page2.body).toMatchObject({ pageSize: 2, nextCursor: null });
    expect(page2.body.data.map((o: { id: string }) => o.id)).toEqual([o1.id]);

    const byCustomer = await request(t.app).get(`/api/orders?customerId=${s.customer.id}&status=PAID`).set(s.auth).expect(200);
    expect(byCustomer.body.data.map((o: { id: string }) => o.id)).toEqual([o2.id]);
    const other = await f.customer({ tenantId: s.tenant.id });
    const none = await request(t.app).get(`/api/orders?customerId=${other.id}`).set(s.auth).expect(200);
    expect(none.body).toEqual({ data: [], pageSize: 25, nextCursor: null });

    const pending = await request(t.app).get('/api/orders?status=PENDING_PAYMENT').set(s.auth).expect(200);
    expect(pending.body.data.map((o: { id: string }) => o.id)).toEqual([o3.id, o1.id]);
    const october = await request(t.app).get('/api/orders?from=2026-10-10&to=2026-10-31').set(s.auth).expect(200);
    expect(october.body.data.map((o: { id: string }) => o.id)).toEqual([o2.id]);
    // A bare "to" date includes that whole day; a date-time is exclusive.
    const throughDay = await request(t.app).get('/api/orders?from=2026-10-01&to=2026-10-15').set(s.auth).expect(200);
    expect(throughDay.body.data.map((o: { id: string }) => o.id)).toEqual([o2.id, o1.id]);
    const exclusive = await request(t.app).get('/api/orders?from=2026-10-01T00:00:00Z&to=2026-10-15T10:00:00Z').set(s.auth).expect(200);
    expect(exclusive.body.data.map((o: { id: string }) => o.id)).toEqual([o1.id]);
  });

  it("reads a bare date as the shop's day, as the orders export does (a New York shop's evening of 28 February)", async () => {
    const s = await apiTenant(t, { timeZone: 'America/New_York' });
    // 00:30 and 23:30 on 28 February in New York; 23:30 on 27 February; 00:30 on 1 March.
    const early = await pendingOrder(s, { createdAt: new Date('2026-02-28T05:30:00Z') });
    const evening = await pendingOrder(s, { createdAt: new Date('2026-03-01T04:30:00Z') });
    await pendingOrder(s, { createdAt: new Date('2026-02-28T04:30:00Z') });
    await pendingOrder(s, { createdAt: new Date('2026-03-01T05:30:00Z') });
    const day = await request(t.app).get('/api/orders?from=2026-02-28&to=2026-02-28').set(s.auth).expect(200);
    expect(day.body.data.map((o: { id: string }) => o.id)).toEqual([evening.id, early.id]);
    const csv = await request(t.app).get('/api/exports/orders?from=2026-02-28&to=2026-02-28').set(s.auth).expect(200);
    expect(csv.text.split('\n').filter((l) => l.includes(evening.id) || l.includes(early.id))).toHaveLength(2);
    expect(csv.text.trim().split('\n')).toHaveLength(3); // the header and the same two orders
    // A date-time keeps naming its instant; a day and a date-time mix, the day read in the shop's zone.
    const mixed = await request(t.app).get('/api/orders?from=2026-02-28&to=2026-03-01T04:00:00Z').set(s.auth).expect(200);
    expect(mixed.body.data.map((o: { id: string }) => o.id)).toEqual([early.id]);
    const reversed = await request(t.app).get('/api/orders?from=2026-03-01&to=2026-03-01T04:30:00Z').set(s.auth).expect(400);
    expect(reversed.body.error.message).toMatch(/from: must be before "to"/);
  });

  it('takes a date filter past year 9999 as the latest instant (found by the REST fuzz: to=9999-12-31 answered 400 "Invalid parameters.")', async () => {
    const s = await apiTenant(t);
    const order = await pendingOrder(s);
    const ids = async (query: string) =>
      (await request(t.app).get(`/api/v1/orders?${query}`).set(s.auth).expect(200)).body.data.map((o: { id: string }) => o.id);
    expect(await ids('to=9999-12-31')).toEqual([order.id]);
    expect(await ids('to=9999-12-31T23:59:59-14:00')).toEqual([order.id]);
    expect(await ids('from=9999-12-31T23:59:59-14:00')).toEqual([]);
    expect(await ids('from=2026-01-01&to=9999-12-31')).toEqual([order.id]);
    // Two instants past it still compare as sent (from before to: no "must be before" refusal; review).
    expect(await ids('from=9999-12-31T20:00:00-14:00&to=9999-12-31T22:00:00-14:00')).toEqual([]);
    const reversed = await request(t.app).get('/api/v1/orders?from=9999-12-31T22:00:00-14:00&to=9999-12-31T20:00:00-14:00').set(s.auth);
    expect(reversed.status).toBe(400);
  });

  it('answers 400 listing every bad query field', async () => {
    const res = await request(t.app)
      .get('/api/orders?status=SHIPPED_ISH&page=2&pageSize=1000&from=yesterday&customerId=bob&colour=red')
      .set(shop.auth)
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.fields as { path: string; message: string }[];
    expect(fields.map((x) => x.path)).toEqual(expect.arrayContaining(['status', 'page', 'pageSize', 'from', 'customerId']));
    expect(fields.find((x) => x.path === 'pageSize')?.message).toMatch(/at most 100 orders a page/);
    expect(fields.find((x) => x.path === 'page')?.message).toMatch(/pass cursor=/);
    expect(res.body.error.message).toMatch(/colour/);
    const reversed = await request(t.app).get('/api/orders?from=2026-11-02&to=2026-11-01').set(shop.auth).expect(400);
    expect(reversed.body.error.message).toMatch(/from: must be before "to"/);
    // A day that does not exist was read as another (2026-02-30 as 2 March); year 0 reached the database and came
    // back as a 400 naming no field. Both are refused here, naming the field, as the exports refuse them.
    for (const [query, field] of [
      ['from=2026-02-30', 'from'],
      ['to=0000-01-01', 'to'],
      ['from=2026-13-01T00:00:00Z', 'from'],
    ] as const) {
      const bad = await request(t.app).get(`/api/orders?${query}`).set(shop.auth).expect(400);
      expect(bad.body.error.details.fields, query).toEqual([
        expect.objectContaining({ path: field, message: expect.stringMatching(/not a real date/) }),
      ]);
    }
    await request(t.app).get('/api/orders?from=2024-02-29&to=2026-12-31T23:59:59Z').set(shop.auth).expect(200);
  });
});

describe('GET /api/orders/:id', () => {
  it('returns the order with items, payments, refunds and customer', async () => {
    const order = await pendingOrder(shop, { notes: 'gift wrap' });
    const res = await request(t.app).get(`/api/orders/${order.id}`).set(shop.auth).expect(200);
    expect(res.body).toMatchObject({
      id: order.id,
      number: order.number,
      notes: 'gift wrap',
      customer: { id: shop.customer.id, discordUserId: shop.customer.discordUserId },
      payments: [{ status: 'awaiting_admin_approval', amountCents: 4500 }],
      refunds: [],
    });
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]).toHaveProperty('refundedQuantity', 0);
  });

  it('answers 404 for an unknown id', async () => {
    const res = await request(t.app).get('/api/orders/ord_doesnotexist').set(shop.auth).expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  // Before, GET /api/v1/orders/1001 answered 404 "Order 1001 was not found" though the shop's order #1001 existed
  // (the number the panel, the DMs and Discord's commands use; /refund order:1001 finds it).
  it("takes the order's number as Discord does, in the key's shop only, on every order route", async () => {
    const s = await apiTenant(t);
    const other = await apiTenant(t);
    const theirs = await pendingOrder(other, {});
    const order = await pendingOrder(s, { status: 'PAID', paymentStatus: 'paid' });
    expect(theirs.number).toBe(order.number); // each shop numbers its own orders

    for (const prefix of ['/api/v1', '/api']) {
      const res = await request(t.app).get(`${prefix}/orders/${order.number}`).set(s.auth).expect(200);
      expect(res.body).toMatchObject({ id: order.id, number: order.number });
    }
    const patched = await request(t.app).patch(`/api/orders/${order.number}`).set(s.auth).send({ notes: 'by number' }).expect(200);
    expect(patched.body).toMatchObject({ id: order.id, notes: 'by number' });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).notes).toBe('by number');
    expect((await db.order.findUniqueOrThrow({ where: { id: theirs.id } })).notes).not.toBe('by number');
    const preview = await request(t.app)
      .post(`/api/orders/${order.number}/refunds/preview`)
      .set(s.auth)
      .send({ amountCents: 500 })
      .expect(200);
    expect(preview.body).toMatchObject({ amountCents: 500 });

    const missing = await request(t.app).get('/api/orders/987654321').set(s.auth).expect(404);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'Order 987654321 was not found.' });

    // The document says so (and the customer route's {id} is a customer id, not an order's).
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    const idOf = (path: string, method: string) => doc.paths[path][method].parameters.find((p: { name: string }) => p.name === 'id');
    expect(idOf('/orders/{id}', 'get').description).toMatch(/^The order id \(ord_…\), or the order number .*\(1001 for order #1001\)/);
    expect(idOf('/customers/{id}/erase', 'post').description).toBe('The customer id (cus_…)');
  });

  // Before, a six-digit {id} that was no order's number was tried as a payment reference (Discord's findByRef
  // rule): GET /api/orders/482913 answered 200 with the order whose payment reference is 482913, and a PATCH or a
  // refund by that path acted on it. The REST API takes an order's id or number only.
  it('a six-digit number that is no order number is a 404, even when an order has it as its payment reference', async () => {
    const s = await apiTenant(t);
    const order = await pendingOrder(s, { status: 'PAID', paymentStatus: 'paid' });
    await db.order.update({ where: { id: order.id }, data: { paymentReference: '482913' } });

    const res = await request(t.app).get('/api/orders/482913').set(s.auth).expect(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'Order 482913 was not found.' });
    await request(t.app).patch('/api/orders/482913').set(s.auth).send({ notes: 'by reference' }).expect(404);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).notes).not.toBe('by reference');
    // Its number still finds it.
    await request(t.app).get(`/api/orders/${order.number}`).set(s.auth).expect(200);

    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    const id = doc.paths['/orders/{id}'].get.parameters.find((p: { name: string }) => p.name === 'id');
    expect(id.description).toContain("also when it is an order's payment reference (not taken here)");
  });
});

describe('PATCH /api/orders/:id', () => {
  it('sets tracking and shipping status on a paid order, and notes', async () => {
    const order = await pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid' });
    const res = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .send({ trackingNumber: '1Z999', shippingStatus: 'SHIPPED', notes: 'left at door' })
      .expect(200);
    expect(res.body).toMatchObject({ trackingNumber: '1Z999', shippingStatus: 'SHIPPED', status: 'SHIPPED', notes: 'left at door' });
    const audit = await db.auditLog.findMany({ where: { entityId: order.id } });
    expect(audit.some((a) => a.actorType === 'API_KEY' && a.actorId === shop.keyRecord.id)).toBe(true);
  });

  it('refuses an empty or malformed body with 400 naming the fields', async () => {
    const order = await pendingOrder(shop);
    const empty = await request(t.app).patch(`/api/orders/${order.id}`).set(shop.auth).send({}).expect(400);
    expect(empty.body.error.message).toMatch(/at least one of/);
    const bad = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .send({ status: 'DONE', shippingStatus: 3, notes: 7, total: 1 })
      .expect(400);
    const paths = bad.body.error.details.fields.map((x: { path: string }) => x.path);
    expect(paths).toEqual(expect.arrayContaining(['status', 'shippingStatus', 'notes']));
    expect(bad.body.error.message).toMatch(/total/);
  });

  it('cancels a paid order only with confirmRefundCents, the refund it makes: 409 and nothing changed without it', async () => {
    const order = await pendingOrder(shop, { status: 'PAID', paidAt: new Date(), paymentStatus: 'paid', paymentMethod: 'VENMO_P2P' });
    const state = async () => ({
      order: await db.order.findUniqueOrThrow({ where: { id: order.id } }),
      payments: await db.payment.findMany({ where: { orderId: order.id } }),
      refunds: await db.refund.findMany({ where: { orderId: order.id } }),
    });
    const before = await state();
    const asked = await request(t.app).patch(`/api/orders/${order.id}`).set(shop.auth).send({ status: 'CANCELLED' }).expect(409);
    expect(asked.body.error).toMatchObject({
      code: 'REFUND_CONFIRMATION_REQUIRED',
      message: `Cancelling order #${order.number} refunds $45.00 to the customer (no money is sent: the shop sends it back by hand). Nothing was changed: to go ahead, send the change again with confirmRefundCents 4500.`,
      details: {
        refundCents: 4500,
        processorCents: 0,
        byHandCents: 4500,
        byHandMethod: 'VENMO_P2P',
        confirmedCents: null,
        restockedUnits: 0,
      },
    });
    // Another amount than the refund (what a client was shown before something changed) is refused the same way.
    const wrong = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .send({ status: 'CANCELLED', confirmRefundCents: 4000 })
      .expect(409);
    expect(wrong.body.error.message).toMatch(/^The refund is no longer the \$40\.00 that was confirmed\. Cancelling order/);
    expect(await state()).toEqual(before);

    const done = await request(t.app)
      .patch(`/api/orders/${order.id}`)
      .set(shop.auth)
      .send({ status: 'CANCELLED', confirmRefundCents: 4500 })
      .expect(200);
    expect(done.body).toMatchObject({ status: 'CANCELLED', refundedTotalCents: 4500 });
    expect((await state()).refunds).toEqual([expect.objectContaining({ amountCents: 4500, manualReturnMethod: 'VENMO_P2P' })]);
  });

  it('cancels an unpaid order without a confirmation', async () => {
    const order = await pendingOrder(shop);
    await request(t.app).patch(`/api/orders/${order.id}`).set(shop.auth).send({ status: 'CANCELLED' }).expect(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('CANCELLED');
  });

  it('refuses a transition the order cannot make with 409', async () => {
    const order = await pendingOrder(shop);
    const res = await request(t.app).patch(`/api/orders/${order.id}`).set(shop.auth).send({ status: 'SHIPPED' }).expect(409);
    expect(['INVALID_TRANSITION', 'ORDER_NOT_PAID', 'ILLEGAL_STATE']).toContain(res.body.error.code);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PENDING_PAYMENT');
  });
});

describe('GET /api/products', () => {
  it("lists the tenant's active products only, stock only when tracked", async () => {
    const s = await apiTenant(t);
    await f.product({ tenantId: s.tenant.id, name: 'Hidden', active: false });
    await f.product({ tenantId: s.tenant.id, name: 'Counted', trackStock: true, stock: 7, sortOrder: 3 });
    const res = await request(t.app).get('/api/products').set(s.auth).expect(200);
    expect(res.body.data.map((p: { name: string }) => p.name)).toEqual(['Alpha', 'Beta', 'Counted']);
    expect(res.body.data[0]).toMatchObject({ unitPriceCents: 2000, currency: 'USD', trackStock: false, stock: null });
    expect(res.body.data[2]).toMatchObject({ trackStock: true, stock: 7 });
  });
});
