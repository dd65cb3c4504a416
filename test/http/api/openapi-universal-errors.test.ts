// Answers any operation of the REST API can give, whatever its own `errors` list: 413 PAYLOAD_TOO_LARGE for a body
// over the limit (every operation that takes a body) and 503 DATABASE_UNAVAILABLE with Retry-After while the database
// is unreachable (error-handler.ts; every operation reads it). The document listed 503 for the invoice link alone and
// 413 for none, so a client generated from it had no case for either.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { pendingOrder, useApiShop } from './api-fixtures.js';

const { t, shop } = useApiShop();

type Operation = { operationId: string; requestBody?: unknown; responses: Record<string, { description?: string }> };

async function operations(): Promise<Operation[]> {
  const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body as { paths: Record<string, Record<string, Operation>> };
  return Object.values(doc.paths).flatMap((p) => Object.values(p));
}

describe('the OpenAPI document lists the answers every operation can give', () => {
  it('a body over the limit is 413 PAYLOAD_TOO_LARGE, and each operation taking a body documents 413', async () => {
    const order = await pendingOrder(shop);
    const res = await request(t.app)
      .post(`/api/v1/orders/${order.id}/refunds/preview`)
      .set(shop.auth)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ reason: 'x'.repeat(200_000) }))
      .expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');

    const ops = await operations();
    const withBody = ops.filter((op) => op.requestBody);
    expect(withBody.length).toBeGreaterThan(5);
    expect(withBody.filter((op) => !op.responses['413']).map((op) => op.operationId)).toEqual([]);
  });

  it('every operation documents 503 (the database unavailable: retry after Retry-After)', async () => {
    const ops = await operations();
    expect(ops.filter((op) => !op.responses['503']).map((op) => op.operationId)).toEqual([]);
  });
});
