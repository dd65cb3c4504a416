// A method a REST path does not take (DELETE /api/v1/orders/{id}, PUT on a refund) is 405 METHOD_NOT_ALLOWED with an
// Allow header naming the methods it does take, in the API's JSON error body; it was Express's fall-through 404
// "No route for DELETE ...", which told an integrator the order did not exist. One rule for the whole router
// (surfaces/http/method-not-allowed.ts, built from the operations table): the table below walks every path of the
// OpenAPI document, so a path added later is covered. It comes before the API key: a read-only key is not told to get
// a read-and-write key for a method no key may send, and no Idempotency-Key is claimed.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { pendingOrder, useApiShop } from './api-fixtures.js';

const { t, shop } = useApiShop();

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

type Document = { info: { description: string }; paths: Record<string, Record<string, unknown>> };

async function apiDocument(): Promise<Document> {
  return (await request(t.app).get('/api/openapi.json').expect(200)).body as Document;
}

describe('a method a REST path does not take', () => {
  it('DELETE and PUT on an existing order answer 405 with Allow and the shared error body', async () => {
    const order = await pendingOrder(shop);
    for (const base of ['/api/v1', '/api']) {
      const res = await request(t.app).delete(`${base}/orders/${order.id}`).set(shop.auth).expect(405);
      expect(res.headers.allow).toBe('GET, HEAD, PATCH');
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toEqual({
        error: {
          code: 'METHOD_NOT_ALLOWED',
          message: `DELETE is not allowed on ${base}/orders/${order.id}: it takes GET, HEAD, PATCH.`,
          requestId: expect.any(String),
          details: { method: 'DELETE', allow: ['GET', 'HEAD', 'PATCH'] },
        },
      });
    }
    const put = await request(t.app).put(`/api/v1/orders/${order.id}/refunds`).set(shop.auth).send({}).expect(405);
    expect(put.headers.allow).toBe('POST');
    expect(put.body.error.code).toBe('METHOD_NOT_ALLOWED');
    // The order is untouched, and the path still answers the methods it takes.
    await request(t.app).get(`/api/v1/orders/${order.id}`).set(shop.auth).expect(200);
  });

  it('every path of the OpenAPI document answers each method it does not list with 405 and its Allow list', async () => {
    const order = await pendingOrder(shop);
    const { paths, info } = await apiDocument();
    expect(info.description).toContain('405 METHOD_NOT_ALLOWED, with an Allow header');
    let checked = 0;
    for (const [path, operations] of Object.entries(paths)) {
      const url = `/api/v1${path.replace('{id}', order.id).replace('{kind}', 'orders')}`;
      const taken = Object.keys(operations).map((m) => m.toUpperCase());
      const allow = [...taken, ...(taken.includes('GET') ? ['HEAD'] : [])];
      for (const method of METHODS.filter((m) => !operations[m])) {
        const res = await request(t.app)[method](url).set(shop.auth);
        expect({ path, method, status: res.status }).toEqual({ path, method, status: 405 });
        expect(res.headers.allow!.split(', ').sort()).toEqual([...allow].sort());
        expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('is answered before the API key: without one, and to a read-only key, and claims no Idempotency-Key', async () => {
    const order = await pendingOrder(shop);
    await request(t.app).delete(`/api/v1/orders/${order.id}`).expect(405);
    const { key } = await t.services.apiKeys.create(adminCtx(shop.tenant.id), 'Reports', 'READ_ONLY');
    const readOnly = await request(t.app)
      .delete(`/api/v1/orders/${order.id}`)
      .set({ authorization: `Bearer ${key}` })
      .expect(405);
    expect(readOnly.body.error.code).toBe('METHOD_NOT_ALLOWED');
    // The key the refused DELETE carried is still free for the request the client meant.
    await request(t.app).delete(`/api/v1/orders/${order.id}`).set(shop.auth).set('Idempotency-Key', 'meant-patch').expect(405);
    await request(t.app)
      .patch(`/api/v1/orders/${order.id}`)
      .set(shop.auth)
      .set('Idempotency-Key', 'meant-patch')
      .send({ notes: 'left at the door' })
      .expect(200);
  });

  it('a path that does not exist is still 404, and the description is 405 for a method it does not take', async () => {
    const missing = await request(t.app).delete('/api/v1/no-such-thing').set(shop.auth).expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const doc = await request(t.app).post('/api/v1/openapi.json').expect(405);
    expect(doc.headers.allow).toBe('GET, HEAD');
    expect(doc.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it("the reference page's assets are 405 with Allow and the JSON error body to another method (express.static's bare 405 before), and a file not served is 404", async () => {
    for (const path of ['/api/docs/assets/swagger-ui.css', '/api/v1/docs/assets/swagger-ui-bundle.js']) {
      const res = await request(t.app).post(path).expect(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
      await request(t.app).head(path).expect(200);
    }
    const missing = await request(t.app).delete('/api/docs/assets/package.json').expect(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });
});
