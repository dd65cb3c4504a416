// The REST API reads nothing loosely (docs/decisions/rest-api.md, "Strict input"): a query parameter an operation
// does not take, one sent twice, a bracket form, a number written as "0x10", an unknown export kind or body field
// is a 400 VALIDATION_FAILED in the shared error body that names it, in its message and in details.fields, and
// nothing is done. The first table walks the OpenAPI document's operations, so an operation added later is held to
// it without anyone adding it here. GET /exports/{kind}?status=paid exported every order, and
// POST /customers/{id}/erase?dryRun=true erased the customer.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS, type ApiOperation } from '../../../src/surfaces/http/api/openapi/api.operations.js';
import { testDb } from '../../helpers/db.js';
import { f, pendingOrder, useApiShop } from './api-fixtures.js';

const { t, shop } = useApiShop();
const db = testDb();

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

/** A request to `op` that would otherwise be served: a fresh order (or customer), the orders export, a valid range. */
async function urlOf(op: ApiOperation): Promise<{ path: string; query: string[] }> {
  let path = op.path;
  if (path.includes('{kind}')) path = path.replace('{kind}', 'orders');
  if (path.startsWith('/customers/')) path = path.replace('{id}', (await f.customer({ tenantId: shop.tenant.id })).id);
  if (path.includes('{id}')) path = path.replace('{id}', (await pendingOrder(shop)).id);
  return { path: `/api/v1${path}`, query: op.path.startsWith('/exports/') ? ['from=2026-01-01', 'to=2026-01-31'] : [] };
}

function send(op: ApiOperation, url: string) {
  const req = request(t.app)[op.method](url).set(shop.auth);
  return op.method === 'get' ? req : req.send({});
}

describe('every operation refuses a query parameter it does not take', () => {
  it.each(API_OPERATIONS.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))('%s', async (_name, op) => {
    const auditBefore = await db.auditLog.count({ where: { tenantId: shop.tenant.id } });
    for (const [param, value] of [
      ['unexpected', '1'],
      ['dryRun', 'true'],
      ['status[x]', 'PAID'],
    ] as const) {
      const { path, query } = await urlOf(op);
      const res = await send(op, `${path}?${[...query, `${encodeURIComponent(param)}=${value}`].join('&')}`);
      const error = expectNamed(res, param, `${op.method} ${op.path} ?${param}`);
      expect(error.message).toMatch(/not a parameter/);
    }
    // Nothing was done: no audit entry (an erasure, a refund, a confirm each write one).
    expect(await db.auditLog.count({ where: { tenantId: shop.tenant.id } })).toBe(auditBefore);
  });

  it('POST /customers/{id}/erase?dryRun=true erases nothing', async () => {
    const customer = await f.customer({ tenantId: shop.tenant.id, displayName: 'Kept Name' });
    const res = await request(t.app).post(`/api/v1/customers/${customer.id}/erase?dryRun=true`).set(shop.auth).send({});
    expectNamed(res, 'dryRun', 'erase');
    expect(res.body.error.message).toBe('Invalid query: dryRun: not a parameter of this operation: it takes no query parameters');
    expect((await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).displayName).toBe('Kept Name');
  });
});

describe('GET /exports/{kind}', () => {
  const range = 'from=2026-01-01&to=2026-01-31';

  it('refuses a filter it does not have rather than exporting every order; the range alone still exports', async () => {
    const res = await request(t.app).get(`/api/v1/exports/orders?${range}&status=paid`).set(shop.auth);
    const error = expectNamed(res, 'status', 'status=paid');
    expect(error.message).toBe('Invalid query: status: not a parameter of this operation: it takes from, to');
    const ok = await request(t.app).get(`/api/v1/exports/orders?${range}`).set(shop.auth).expect(200);
    expect(ok.headers['content-type']).toMatch(/^text\/csv/);
    await request(t.app).get(`/api/v1/exports/tax.csv?${range}`).set(shop.auth).expect(200);
    // A trailing slash is the same address (Express's routing, every route): nothing in it is ignored.
    await request(t.app).get(`/api/v1/exports/refunds/?${range}`).set(shop.auth).expect(200);
  });

  it('refuses a date given twice, a bracket form and a padded date, naming each', async () => {
    const twice = expectNamed(
      await request(t.app).get('/api/v1/exports/orders?from=2026-01-01&from=2026-02-01&to=2026-03-31').set(shop.auth),
      'from',
      'from twice',
    );
    expect(twice.message).toBe('Invalid query: from: given 2 times: send it once');
    const bracket = expectNamed(
      await request(t.app).get('/api/v1/exports/orders?from[gte]=2026-01-01&to=2026-03-31').set(shop.auth),
      'from[gte]',
      'from[gte]',
    );
    // from itself was not sent: said too, in the same answer.
    expect(bracket.message).toBe(
      'Invalid query: from[gte]: not a parameter: send from=<value> once, without brackets; from: a date, YYYY-MM-DD (required)',
    );
    expectNamed(await request(t.app).get('/api/v1/exports/orders?from=%202026-01-01&to=2026-03-31').set(shop.auth), 'from', 'padded');
  });

  it('an unknown kind, another extension or another case names kind', async () => {
    for (const kind of ['invoices', 'orders.json', 'orders.csv.csv', 'Orders', '.csv']) {
      const res = await request(t.app).get(`/api/v1/exports/${kind}?${range}`).set(shop.auth);
      const error = expectNamed(res, 'kind', kind);
      expect(error.message).toMatch(/^Unknown export kind/);
    }
  });
});

describe('the lists', () => {
  it('refuse a pageSize that is not plain digits, naming it; digits still page', async () => {
    for (const list of ['orders', 'products']) {
      for (const size of ['0x10', '%201e1', '1e1', '%2B5', '5.0', '', '-1']) {
        const error = expectNamed(
          await request(t.app).get(`/api/v1/${list}?pageSize=${size}`).set(shop.auth),
          'pageSize',
          `${list} ${size}`,
        );
        expect(error.details?.fields?.[0]?.message).toMatch(/whole number|at least 1/);
      }
      const ok = await request(t.app).get(`/api/v1/${list}?pageSize=1`).set(shop.auth).expect(200);
      expect(ok.body.pageSize).toBe(1);
    }
  });

  it('refuse a parameter given twice or in a bracket form, naming it as sent', async () => {
    const cases: [string, string, RegExp][] = [
      ['/orders?status=PAID&status=PAID', 'status', /given 2 times: send it once/],
      ['/orders?pageSize=5&pageSize=10', 'pageSize', /given 2 times/],
      ['/orders?pageSize[]=5', 'pageSize[]', /send pageSize=<value> once, without brackets/],
      ['/orders?from[gte]=2026-01-01', 'from[gte]', /without brackets/],
      ['/orders?limit=5', 'limit', /not a parameter of this operation: it takes status, customerId, from, to, pageSize, cursor$/],
      ['/products?q=a&q=b', 'q', /given 2 times/],
      ['/products?inStock=true&inStock=false', 'inStock', /given 2 times/],
      ['/products?inStock[]=true', 'inStock[]', /without brackets/],
    ];
    for (const [url, param, message] of cases) {
      const error = expectNamed(await request(t.app).get(`/api/v1${url}`).set(shop.auth), param, url);
      expect(error.message, url).toMatch(message);
    }
    // The numbered pages' own message is kept (page is declared only to refuse it).
    const page = expectNamed(await request(t.app).get('/api/v1/orders?page=2').set(shop.auth), 'page', 'page');
    expect(page.message).toMatch(/numbered pages are not supported/);
    await request(t.app).get('/api/v1/orders?status=PAID&pageSize=5').set(shop.auth).expect(200);
    await request(t.app).get('/api/v1/products?q=Alpha&inStock=true').set(shop.auth).expect(200);
  });
});

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

describe('a key given twice in a body (a proxy may read the first value, JSON.parse keeps the last)', () => {
  const writes = API_OPERATIONS.filter((op) => op.method !== 'get');

  it.each(writes.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    '%s refuses it, top level or nested',
    async (_name, op) => {
      const auditBefore = await db.auditLog.count({ where: { tenantId: shop.tenant.id } });
      const { path, query } = await urlOf(op);
      const url = query.length ? `${path}?${query.join('&')}` : path;
      const raw = (text: string) => request(t.app)[op.method](url).set(shop.auth).set('content-type', 'application/json').send(text);
      const top = expectNamed(await raw('{"amountCents": 100, "amountCents": 100000}'), 'amountCents', 'top level');
      expect(top.message).toBe('Duplicate key in body: "amountCents" is given more than once. Send each key once.');
      expectNamed(await raw('{"items": [{"productId": "p", "quantity": 1, "quantity": 5}]}'), 'items.0.quantity', 'nested');
      expectNamed(await raw('{"amountCents": 100, "\\u0061mountCents": 100000}'), 'amountCents', 'escaped spelling');
      expect(await db.auditLog.count({ where: { tenantId: shop.tenant.id } })).toBe(auditBefore);
    },
  );

  it('a body with each key once is read as before; a charset other than UTF-8 is refused', async () => {
    const order = await pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });
    const url = `/api/v1/orders/${order.id}/refunds/preview`;
    const ok = await request(t.app)
      .post(url)
      .set(shop.auth)
      .set('content-type', 'application/json')
      .send('{"amountCents": 100}')
      .expect(200);
    expect(ok.body.amountCents).toBe(100);
    // The same key in two different objects is not a duplicate.
    const line = { productId: shop.products[0]!.id, quantity: 1 };
    await request(t.app)
      .post(url)
      .set(shop.auth)
      .send({ items: [{ ...line, restock: false }], restock: false })
      .expect(200);
    const utf16 = await request(t.app)
      .post(url)
      .set(shop.auth)
      .set('content-type', 'application/json; charset=utf-16le')
      .send(Buffer.from('{"amountCents": 100}', 'utf16le'))
      .expect(400);
    expect(utf16.body.error.message).toBe('Send the JSON body in UTF-8 (charset "utf-16le" is not read).');
  });
});
