// 409 IDEMPOTENCY_KEY_IN_USE (the same request still running after the retry waited IN_FLIGHT_WAIT_MS for its answer)
// said "Retry in a moment." with no Retry-After, so a client had no number to wait and either hammered or gave up.
// It now carries Retry-After (IN_USE_RETRY_AFTER_SECONDS), says it in the message and details, and the OpenAPI
// document gives every idempotent operation's 409 the header.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { pendingOrder, useApiShop } from './api-fixtures.js';

const db = testDb();
const { t, shop } = useApiShop();

type Operation = {
  operationId: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { description?: string; headers?: Record<string, { schema?: { type?: string } }> }>;
};

describe('409 IDEMPOTENCY_KEY_IN_USE', () => {
  it('carries Retry-After while the first request with the key still runs, and the key then answers once it is done', async () => {
    const order = await pendingOrder(shop);
    const path = `/api/orders/${order.id}/payment/receipts`;
    const body = { amountCents: 100 };
    // The first request, still running: its claim on the key (idempotency.ts: method, path and body's fingerprint).
    const fingerprint = createHash('sha256')
      .update(`POST ${path}\n${JSON.stringify(body)}`)
      .digest('hex');
    await db.idempotencyKey.create({ data: { tenantId: shop.tenant.id, key: 'slow-first', fingerprint, method: 'POST', path } });

    const res = await request(t.app).post(path).set(shop.auth).set('Idempotency-Key', 'slow-first').send(body).expect(409);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.error).toMatchObject({
      code: 'IDEMPOTENCY_KEY_IN_USE',
      message: expect.stringContaining('Retry after 1 second'),
      details: { idempotencyKey: 'slow-first', retryAfterSeconds: 1 },
    });

    // The first request answers (its answer kept for the key): the retry gets it.
    await db.idempotencyKey.updateMany({
      where: { tenantId: shop.tenant.id, key: 'slow-first' },
      data: { status: 201, responseBody: { first: true } },
    });
    const retry = await request(t.app).post(path).set(shop.auth).set('Idempotency-Key', 'slow-first').send(body).expect(201);
    expect(retry.body).toEqual({ first: true });
    expect(retry.headers['retry-after']).toBeUndefined();
  });

  it('every idempotent operation of the OpenAPI document gives its 409 the Retry-After header', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body as { paths: Record<string, Record<string, Operation>> };
    const idempotent = Object.values(doc.paths)
      .flatMap((p) => Object.values(p))
      .filter((op) => op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'));
    expect(idempotent.length).toBeGreaterThan(5);
    const missing = idempotent.filter((op) => op.responses['409']?.headers?.['Retry-After']?.schema?.type !== 'integer');
    expect(missing.map((op) => op.operationId)).toEqual([]);
    for (const op of idempotent) expect(op.responses['409']!.description).toMatch(/IDEMPOTENCY_KEY_IN_USE.*Retry-After/);
  });
});
