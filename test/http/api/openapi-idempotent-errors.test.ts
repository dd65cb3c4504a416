// The answers an Idempotency-Key can give (409 IDEMPOTENCY_KEY_IN_USE, 422 IDEMPOTENCY_KEY_REUSED) are in the
// OpenAPI document of every operation that takes the header, whatever its own `errors` list says: the erasure
// answered 422 for a reused key and its operation documented no 422, so a client generated from the document had
// no case for it. The erasure's 404 is a customer's, not "No such order".
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { f, useApiShop } from './api-fixtures.js';

const { t, shop } = useApiShop();

type Operation = { operationId: string; parameters?: { name: string; in: string }[]; responses: Record<string, { description?: string }> };

async function operations(): Promise<Operation[]> {
  const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body as { paths: Record<string, Record<string, Operation>> };
  return Object.values(doc.paths).flatMap((p) => Object.values(p));
}

describe('the idempotent operations of the OpenAPI document', () => {
  it('erasing a customer with a key used for another customer answers 422, and the document says it can', async () => {
    const first = await f.customer({ tenantId: shop.tenant.id });
    const second = await f.customer({ tenantId: shop.tenant.id });
    await request(t.app)
      .post(`/api/v1/customers/${first.id}/erase`)
      .set(shop.auth)
      .set('Idempotency-Key', 'erase-once')
      .send({})
      .expect(200);
    const reused = await request(t.app)
      .post(`/api/v1/customers/${second.id}/erase`)
      .set(shop.auth)
      .set('Idempotency-Key', 'erase-once')
      .send({})
      .expect(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const erase = (await operations()).find((op) => op.operationId === 'eraseCustomer')!;
    expect(Object.keys(erase.responses)).toEqual(expect.arrayContaining(['409', '422']));
    expect(erase.responses['404']!.description).toMatch(/customer/i);
    expect(erase.responses['404']!.description).not.toMatch(/order/i);
  });

  it('every operation taking an Idempotency-Key documents 409 and 422', async () => {
    const idempotent = (await operations()).filter((op) => op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'));
    expect(idempotent.length).toBeGreaterThan(5);
    const missing = idempotent.filter((op) => !op.responses['409'] || !op.responses['422']).map((op) => op.operationId);
    expect(missing).toEqual([]);
  });
});
