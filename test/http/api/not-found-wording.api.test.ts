// The REST API's 404s said the same thing in several wordings: "Order 0 not found" for a number (findByRef),
// "Order ord_x was not found." for an id (the order's read), "Order ord_x not found." on the invoice link, and
// "Customer not found" without the id on an erasure. One wording now (platform/errors.ts notFound): "<Kind> <as sent>
// was not found.", whichever operation and whichever form of the id.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useApiShop } from './api-fixtures.js';

const { t, shop } = useApiShop();

describe('a REST 404 for something the shop does not have', () => {
  it('says "<Kind> <ref> was not found." on every order operation, by number or by id', async () => {
    const cases: [string, string, object | undefined, string][] = [
      ['get', '/orders/0', undefined, 'Order 0 was not found.'],
      ['get', '/orders/987654321', undefined, 'Order 987654321 was not found.'],
      ['get', '/orders/ord_missing', undefined, 'Order ord_missing was not found.'],
      ['patch', '/orders/ord_missing', { notes: 'x' }, 'Order ord_missing was not found.'],
      ['patch', '/orders/4242', { notes: 'x' }, 'Order 4242 was not found.'],
      ['post', '/orders/ord_missing/refunds/preview', {}, 'Order ord_missing was not found.'],
      ['post', '/orders/ord_missing/refunds', {}, 'Order ord_missing was not found.'],
      ['post', '/orders/ord_missing/invoice-link', {}, 'Order ord_missing was not found.'],
      ['post', '/orders/ord_missing/payment/confirm', {}, 'Order ord_missing was not found.'],
      ['post', '/orders/ord_missing/payment-window', { extendByMinutes: 30 }, 'Order ord_missing was not found.'],
      ['post', '/customers/cus_missing/erase', {}, 'Customer cus_missing was not found.'],
    ];
    const answers = [];
    for (const [method, path, body] of cases) {
      const req = request(t.app)[method as 'get' | 'post' | 'patch'](`/api/v1${path}`).set(shop.auth);
      const res = body ? await req.send(body) : await req;
      answers.push({
        path: `${method.toUpperCase()} ${path}`,
        status: res.status,
        code: res.body.error?.code,
        message: res.body.error?.message,
      });
    }
    expect(answers).toEqual(
      cases.map(([method, path, , message]) => ({ path: `${method.toUpperCase()} ${path}`, status: 404, code: 'NOT_FOUND', message })),
    );
  });
});
