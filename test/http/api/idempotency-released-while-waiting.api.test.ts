// Idempotency-Key: a request that finds the same request running waits for its answer. When that answer is one the
// key does not keep (a 400: the body was refused and nothing was done; a 5xx) the key is released, and the waiting
// request answered 409 IDEMPOTENCY_KEY_IN_USE, "still running", though nothing ran: a client's eager retry of an
// invalid body got a 409 to retry instead of the 400 naming the field to fix. It now takes the released key and runs.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { pendingOrder, useApiShop } from './api-fixtures.js';

const db = testDb();
const { t, shop } = useApiShop();

describe('a request waiting on the same Idempotency-Key', () => {
  it('runs itself when the first request released the key (its 400 is not kept), answering 400 rather than 409', async () => {
    const order = await pendingOrder(shop);
    const path = `/api/orders/${order.id}/payment/receipts`;
    const body = { amountCents: -1 };
    // The first request, still running: its claim on the key (idempotency.ts: method, path and body's fingerprint).
    const fingerprint = createHash('sha256')
      .update(`POST ${path}\n${JSON.stringify(body)}`)
      .digest('hex');
    await db.idempotencyKey.create({ data: { tenantId: shop.tenant.id, key: 'eager-retry', fingerprint, method: 'POST', path } });

    const retry = request(t.app)
      .post(path)
      .set(shop.auth)
      .set('Idempotency-Key', 'eager-retry')
      .send(body)
      .then((r) => r);
    // The first request answers 400: the key is released (the row deleted), as keepAnswer does. The retry waits up to
    // IN_FLIGHT_WAIT_MS (5 s) for it; released before or after the retry looked, it must answer the same.
    await new Promise((r) => setTimeout(r, 300));
    await db.idempotencyKey.deleteMany({ where: { tenantId: shop.tenant.id, key: 'eager-retry' } });

    const res = await retry;
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ path: 'amountCents' }] } });
    // Its 400 is not kept either: the corrected body runs under the same key.
    await request(t.app).post(path).set(shop.auth).set('Idempotency-Key', 'eager-retry').send({ amountCents: 100 }).expect(201);
  });
});
