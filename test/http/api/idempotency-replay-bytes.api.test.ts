// An Idempotency-Key's replay answered the body kept as jsonb, which PostgreSQL stores with its keys reordered (shorter
// keys first): the first answer was {"changed":…,"order":…} as the presenter wrote it, the replay {"order":…} in
// another order, so a client comparing bodies, hashing them or reading them as a stream saw two answers to one
// request. The replay is now the first answer's bytes (the text is kept); a row kept by the previous release (jsonb
// only, during a rolling deploy) still replays from its jsonb.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { pendingOrder, useApiShop } from './api-fixtures.js';

const db = testDb();
const { t, shop } = useApiShop();

describe('an Idempotency-Key replay', () => {
  it('answers byte for byte what the first request was answered', async () => {
    const order = await pendingOrder(shop);
    const send = () =>
      request(t.app)
        .post(`/api/v1/orders/${order.id}/payment/receipts`)
        .set(shop.auth)
        .set('Idempotency-Key', 'receipt-bytes')
        .send({ amountCents: 1500, note: 'bank transfer 42' });
    const first = await send().expect(201);
    const replay = await send().expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(replay.headers['content-type']).toBe(first.headers['content-type']);
    expect(replay.text).toBe(first.text);
    // And once more through the alias, as the same request.
    const alias = await request(t.app)
      .post(`/api/orders/${order.id}/payment/receipts`)
      .set(shop.auth)
      .set('Idempotency-Key', 'receipt-bytes')
      .send({ amountCents: 1500, note: 'bank transfer 42' })
      .expect(201);
    expect(alias.text).toBe(first.text);
  });

  it('a 409 kept for its key is replayed byte for byte too', async () => {
    const order = await pendingOrder(shop, { status: 'CANCELLED' });
    const send = () =>
      request(t.app).post(`/api/v1/orders/${order.id}/payment/confirm`).set(shop.auth).set('Idempotency-Key', 'confirm-cancelled').send({});
    const first = await send();
    expect(first.status).toBeGreaterThanOrEqual(401);
    const replay = await send();
    expect(replay.status).toBe(first.status);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(first.text);
  });

  it('a row kept by the previous release (jsonb only) is still replayed from its jsonb', async () => {
    const order = await pendingOrder(shop);
    const path = `/api/orders/${order.id}/payment/reject`;
    const body = { reason: 'no money arrived' };
    const first = await request(t.app).post(path).set(shop.auth).set('Idempotency-Key', 'older-row').send(body).expect(200);
    // As an instance of the previous release writes it: no text.
    await db.$executeRaw`UPDATE idempotency_keys SET "responseText" = NULL WHERE "tenantId" = ${shop.tenant.id} AND key = 'older-row'`;
    const replay = await request(t.app).post(path).set(shop.auth).set('Idempotency-Key', 'older-row').send(body).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
  });
});
