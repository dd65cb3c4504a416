// The REST API reads nothing loosely (docs/decisions/rest-api.md, "Strict input"): an unknown body field, a field
// of the pay window or a NUL byte is a 400 VALIDATION_FAILED in the shared error body that names the field itself,
// in its message and in details.fields.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { pendingOrder, useApiShop } from './api-fixtures.js';

const { t, shop } = useApiShop();

interface ApiError {
  code: string;
  message: string;
  details?: { fields?: { path: string; message: string }[] };
}

/** The 400 names `param`: its message says it, and details.fields lists it as its path. */
function expectNamed(res: request.Response, param: string, what: string) {
  expect(res.status, `${what}: ${res.text}`).toBe(400);
  const error = res.body.error as ApiError;
  expect(error.code, what).toBe('VALIDATION_FAILED');
  expect(error.message, what).toContain(param);
  expect(
    error.details?.fields?.map((x) => x.path),
    what,
  ).toContain(param);
  return error;
}

describe('bodies', () => {
  it('an unknown field is listed by its own path (it was "(root)")', async () => {
    const order = await pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });
    const top = await request(t.app)
      .post(`/api/v1/orders/${order.id}/refunds/preview`)
      .set(shop.auth)
      .send({ amountCents: 100, amount: 1 });
    expect(expectNamed(top, 'amount', 'amount').message).toBe('Invalid refund: amount: unknown field');
    const line = { productId: shop.products[0]!.id, quantity: 1, qty: 1 };
    const nested = await request(t.app)
      .post(`/api/v1/orders/${order.id}/refunds/preview`)
      .set(shop.auth)
      .send({ items: [line] });
    expectNamed(nested, 'items.0.qty', 'items.0.qty');
  });

  it('the pay window names the field that is wrong; a valid extension still works', async () => {
    const order = await pendingOrder(shop);
    const url = `/api/v1/orders/${order.id}/payment-window`;
    expectNamed(await request(t.app).post(url).set(shop.auth).send({ extendByMinutes: '30' }), 'extendByMinutes', 'a string');
    expectNamed(await request(t.app).post(url).set(shop.auth).send({ until: 'tomorrow' }), 'until', 'until');
    expectNamed(
      await request(t.app).post(url).set(shop.auth).send({ extendByMinutes: 30, until: '2030-01-01T00:00:00Z' }),
      'until',
      'both',
    );
    expectNamed(await request(t.app).post(url).set(shop.auth).send({ extendByMinutes: 30, hours: 2 }), 'hours', 'unknown');
    const neither = await request(t.app).post(url).set(shop.auth).send({}).expect(400);
    expect(neither.body.error.message).toMatch(/send either extendByMinutes .* or until/);
    const ok = await request(t.app).post(url).set(shop.auth).send({ extendByMinutes: 30 }).expect(200);
    expect(ok.body.orderId).toBe(order.id);
  });

  it('a NUL byte names the field or parameter itself in details.fields', async () => {
    const order = await pendingOrder(shop);
    const body = await request(t.app).patch(`/api/v1/orders/${order.id}`).set(shop.auth).send({ notes: 'a\u0000b' });
    expect(expectNamed(body, 'notes', 'notes').message).toBe(
      'Invalid text in body.notes: NUL bytes and unpaired surrogates are not allowed.',
    );
    expectNamed(await request(t.app).get('/api/v1/orders?cursor=a%00b').set(shop.auth), 'cursor', 'cursor');
  });
});
