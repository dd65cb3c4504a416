import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { useApiShop, pendingOrder } from './api-fixtures.js';

const db = testDb();

const { t, shop } = useApiShop();

const paidOrder = () => pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });
const [alpha, beta] = [() => shop.products[0]!.id, () => shop.products[1]!.id];

describe('POST /api/orders/:id/refunds', () => {
  it('refunds the whole remaining balance when neither amount nor items is given', async () => {
    const order = await paidOrder();
    const res = await request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).send({ reason: 'Out of stock' }).expect(201);
    expect(res.body).toMatchObject({
      refund: { mode: 'FULL', amountCents: 4500, reason: 'Out of stock', actorType: 'API_KEY' },
      order: { status: 'REFUNDED', refundedTotalCents: 4500 },
    });
  });

  it('refunds by amount, then by items given as a "productId:qty" string, then as an array', async () => {
    const order = await paidOrder();
    const byAmount = await request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).send({ amountCents: 300 }).expect(201);
    expect(byAmount.body).toMatchObject({
      refund: { mode: 'PARTIAL_AMOUNT', amountCents: 300, reason: 'Admin-initiated refund' },
      order: { status: 'PARTIALLY_REFUNDED' },
    });
    const byString = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .send({ items: `${beta()}` })
      .expect(201);
    expect(byString.body.refund).toMatchObject({ mode: 'PARTIAL_ITEMS', amountCents: 500 });
    const byArray = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .send({ items: [{ productId: alpha(), quantity: 1 }], amountCents: 1500 })
      .expect(201);
    expect(byArray.body.refund).toMatchObject({ mode: 'BOTH', amountCents: 1500 });
    expect(byArray.body.order.refundedTotalCents).toBe(2300);
  });

  it('returns the first refund for a replayed Idempotency-Key, never a second one', async () => {
    const order = await paidOrder();
    const send = () =>
      request(t.app)
        .post(`/api/orders/${order.id}/refunds`)
        .set(shop.auth)
        .set('Idempotency-Key', `refund-${order.id}`)
        .send({ amountCents: 700 });
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    for (const r of [a, b, c]) expect(r.status).toBe(201);
    expect(new Set([a.body.refund.id, b.body.refund.id, c.body.refund.id]).size).toBe(1);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(700);
  });

  it('takes restock per item line (or for every line of a string), and leaves unreturned units out of stock', async () => {
    const order = await paidOrder();
    // Stock goes back through the order's reservations (as submit makes them).
    await db.inventoryReservation.createMany({
      data: [
        { tenantId: shop.tenant.id, orderId: order.id, productId: alpha(), quantity: 2 },
        { tenantId: shop.tenant.id, orderId: order.id, productId: beta(), quantity: 1 },
      ],
    });
    const stockOf = async (id: string) => (await db.product.findUniqueOrThrow({ where: { id } })).stock;
    const [alphaBefore, betaBefore] = [await stockOf(alpha()), await stockOf(beta())];
    const res = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .send({
        items: [
          { productId: alpha(), quantity: 1, restock: false },
          { productId: beta(), quantity: 1 },
        ],
      })
      .expect(201);
    expect(res.body.plan.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ productId: alpha(), quantity: 1, restockQuantity: 0 }),
        expect.objectContaining({ productId: beta(), quantity: 1, restockQuantity: 1 }),
      ]),
    );
    expect([await stockOf(alpha()), await stockOf(beta())]).toEqual([alphaBefore, betaBefore + 1]);
    const byString = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .send({ items: `${alpha()}:1`, restock: false })
      .expect(201);
    expect(byString.body.plan.items).toEqual([expect.objectContaining({ productId: alpha(), quantity: 1, restockQuantity: 0 })]);
    expect(await stockOf(alpha())).toBe(alphaBefore);
    const alone = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .send({ amountCents: 100, restock: false })
      .expect(400);
    expect(alone.body.error.details.fields).toEqual([expect.objectContaining({ path: 'restock' })]);
  });

  it("refuses an Idempotency-Key replayed with another restock choice (422), also once the API's record of the key is gone", async () => {
    const order = await paidOrder();
    const key = `restock-${order.id}`;
    const send = (restock: boolean) =>
      request(t.app)
        .post(`/api/orders/${order.id}/refunds`)
        .set(shop.auth)
        .set('Idempotency-Key', key)
        .send({ items: [{ productId: alpha(), quantity: 1, restock }] });
    await send(false).expect(201);
    const reused = await send(true).expect(422);
    expect(reused.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: { conflict: 'body' } });
    // The request-level record expires after 24 hours; the refund's own key check must still tell them apart.
    await db.idempotencyKey.deleteMany({ where: { key } });
    const late = await send(true).expect(422);
    expect(late.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(late.body.error.message).toMatch(/items/);
    await db.idempotencyKey.deleteMany({ where: { key } });
    const same = await send(false).expect(201);
    expect(same.headers['idempotent-replayed']).toBe('true');
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
  });

  it('a key sent with a body refused as invalid (400) may be used again for the corrected body (it was kept, and the fix got 422)', async () => {
    const order = await paidOrder();
    const send = (body: object) =>
      request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).set('Idempotency-Key', `fix-${order.id}`).send(body);
    const bad = await send({ amountCents: 12.5 }).expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const fixed = await send({ amountCents: 1250 }).expect(201);
    expect(fixed.body.refund).toMatchObject({ amountCents: 1250 });
    // From then on the key is the refund's, as before: replayed, not run twice.
    const replay = await send({ amountCents: 1250 }).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
  });

  it('answers business errors with their codes and leaves the order alone', async () => {
    const pending = await pendingOrder(shop);
    expect((await request(t.app).post(`/api/orders/${pending.id}/refunds`).set(shop.auth).send({}).expect(409)).body.error.code).toBe(
      'ORDER_NOT_PAID',
    );
    const order = await paidOrder();
    expect(
      (await request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).send({ amountCents: 999_999 }).expect(409)).body.error
        .code,
    ).toBe('REFUND_EXCEEDS_BALANCE');
    expect(
      (
        await request(t.app)
          .post(`/api/orders/${order.id}/refunds`)
          .set(shop.auth)
          .send({ items: `${beta()}:2` })
          .expect(409)
      ).body.error.code,
    ).toBe('REFUND_EXCEEDS_QUANTITY');
    expect(
      (await request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).send({ items: 'prod_notonorder:1' })).body.error.code,
    ).toMatch(/REFUND_PRODUCT_NOT_ON_ORDER|NOT_FOUND/);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(0);
  });

  it('answers malformed bodies with 400 listing the fields', async () => {
    const order = await paidOrder();
    const res = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .send({ amountCents: 1.5, items: [{ productId: alpha(), quantity: 0 }], reason: '', amount: 5 })
      .expect(400);
    const paths = res.body.error.details.fields.map((x: { path: string }) => x.path);
    expect(paths).toEqual(expect.arrayContaining(['amountCents', 'reason']));
    expect(res.body.error.message).toMatch(/amount/);
    const badString = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .send({ items: `${alpha()}:two` })
      .expect(400);
    expect(badString.body.error.code).toBe('VALIDATION_FAILED');
    await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', 'has spaces in it')
      .send({ amountCents: 100 })
      .expect(400);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(0);
  });
});

describe('POST /api/orders/:id/refunds/preview', () => {
  it('shows the plan without writing anything', async () => {
    const order = await paidOrder();
    const res = await request(t.app)
      .post(`/api/orders/${order.id}/refunds/preview`)
      .set(shop.auth)
      .send({ items: [{ productId: alpha(), quantity: 2 }] })
      .expect(200);
    expect(res.body).toMatchObject({
      mode: 'PARTIAL_ITEMS',
      amountCents: 4000,
      refundedBeforeCents: 0,
      remainingAfterCents: 500,
      resultingStatus: 'PARTIALLY_REFUNDED',
    });
    expect(res.body.items).toEqual([expect.objectContaining({ productId: alpha(), quantity: 2, amountCents: 4000 })]);
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(0);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');
    await request(t.app).post(`/api/orders/${order.id}/refunds/preview`).set(shop.auth).send({ amountCents: 'ten' }).expect(400);
  });
});
