// The OpenAPI 3.1 document and the reference page: the document validates (@readme/openapi-parser), names
// every route the REST router mounts (walked from the router itself), and real answers parse with the same
// zod schemas it was generated from. /api/v1 and its alias /api serve the same API.
import { validate, compileErrors } from '@readme/openapi-parser';
import type { Router } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRouter } from '../../../src/surfaces/http/api/api.router.js';
import { API_OPERATIONS } from '../../../src/surfaces/http/api/openapi/api.operations.js';
import { apiError } from '../../../src/surfaces/http/api/openapi/api.schemas.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { apiTenant, pendingOrder } from './api-fixtures.js';

let t: TestApp;
let shop: Awaited<ReturnType<typeof apiTenant>>;

beforeAll(async () => {
  t = await createTestApp();
  shop = await apiTenant(t);
});
afterAll(async () => {
  await t.services.close();
});

interface Layer {
  rawPath?: string;
  slash?: boolean;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every "METHOD /path" an Express router answers, in OpenAPI form (/orders/{id}). */
function mountedRoutes(router: { stack: Layer[] }, prefix = ''): string[] {
  return router.stack.flatMap((layer) => {
    if (layer.route) {
      const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${path}`);
    }
    if (layer.handle.stack)
      return mountedRoutes(layer.handle as { stack: Layer[] }, layer.slash ? prefix : `${prefix}${layer.rawPath ?? ''}`);
    return [];
  });
}

const operation = (id: string) => API_OPERATIONS.find((o) => o.operationId === id)!;

describe('the OpenAPI document', () => {
  it('is served without an API key at /api/openapi.json and /api/v1/openapi.json, and validates as OpenAPI 3.1', async () => {
    const res = await request(t.app)
      .get('/api/openapi.json')
      .expect(200)
      .expect('content-type', /application\/json/);
    const v1 = await request(t.app).get('/api/v1/openapi.json').expect(200);
    expect(v1.body).toEqual(res.body);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.servers).toEqual([{ url: '/api/v1' }]);
    const result = await validate(structuredClone(res.body));
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.specification).toBe('OpenAPI');
    // The outgoing webhooks are described too (OpenAPI 3.1 "webhooks").
    expect(Object.keys(res.body.webhooks).sort()).toEqual([
      'order.cancelled',
      'order.created',
      'order.deleted',
      'order.delivered',
      'order.paid',
      'order.refunded',
      'order.shipped',
    ]);
  });

  it('describes every route the REST router mounts, and nothing it does not', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const mounted = mountedRoutes(apiRouter(t.services) as unknown as Router & { stack: Layer[] }).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(mounted.length).toBeGreaterThanOrEqual(9);
    expect(documented).toEqual(mounted);
  });

  it('documents the Idempotency-Key header on every state-changing operation, as the API takes it on each (the pay window lacked it)', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    };
    const lacking = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method, op]) => method !== 'get' && !op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(lacking).toEqual([]);
  });

  it('states the request schemas the handlers check: a body the document forbids is refused', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    const reject = doc.paths['/orders/{id}/payment/reject'].post.requestBody.content['application/json'].schema;
    expect(reject).toMatchObject({
      type: 'object',
      properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
      required: ['reason'],
      additionalProperties: false,
    });
    const order = await pendingOrder(shop);
    const res = await request(t.app)
      .post(`/api/v1/orders/${order.id}/payment/reject`)
      .set(shop.auth)
      .send({ reason: 'x', extra: 1 })
      .expect(400);
    apiError.parse(res.body);
  });
});

describe('answers match the document', () => {
  it('list, detail, products, confirm, refund preview, refund and invoice link parse with their documented schemas', async () => {
    const order = await pendingOrder(shop);
    const api = (path: string) => `/api/v1${path}`;
    operation('listOrders').success.schema.parse((await request(t.app).get(api('/orders')).set(shop.auth).expect(200)).body);
    operation('getOrder').success.schema.parse(
      (
        await request(t.app)
          .get(api(`/orders/${order.id}`))
          .set(shop.auth)
          .expect(200)
      ).body,
    );
    operation('listProducts').success.schema.parse((await request(t.app).get(api('/products')).set(shop.auth).expect(200)).body);
    const partly = await pendingOrder(shop);
    operation('recordReceipt').success.schema.parse(
      (
        await request(t.app)
          .post(api(`/orders/${partly.id}/payment/receipts`))
          .set(shop.auth)
          .send({ amountCents: 1000, note: 'Cash' })
          .expect(201)
      ).body,
    );
    // The rest (no amount) pays it; asked again, nothing new is recorded: 200, documented, and "paid" says the order is.
    const rest = await request(t.app)
      .post(api(`/orders/${partly.id}/payment/receipts`))
      .set(shop.auth)
      .send({})
      .expect(201);
    expect(rest.body).toMatchObject({ changed: true, paid: true, remainingCents: 0 });
    const again = await request(t.app)
      .post(api(`/orders/${partly.id}/payment/receipts`))
      .set(shop.auth)
      .send({})
      .expect(200);
    expect(operation('recordReceipt').success.schema.parse(again.body)).toMatchObject({ changed: false, paid: true, remainingCents: 0 });
    const documented = (await request(t.app).get(api('/openapi.json')).expect(200)).body.paths['/orders/{id}/payment/receipts'].post
      .responses;
    expect(Object.keys(documented)).toEqual(expect.arrayContaining(['200', '201']));
    operation('getOrder').success.schema.parse(
      (
        await request(t.app)
          .get(api(`/orders/${partly.id}`))
          .set(shop.auth)
          .expect(200)
      ).body,
    );
    operation('confirmPayment').success.schema.parse(
      (
        await request(t.app)
          .post(api(`/orders/${order.id}/payment/confirm`))
          .set(shop.auth)
          .expect(200)
      ).body,
    );
    operation('previewRefund').success.schema.parse(
      (
        await request(t.app)
          .post(api(`/orders/${order.id}/refunds/preview`))
          .set(shop.auth)
          .send({ amountCents: 100 })
          .expect(200)
      ).body,
    );
    operation('createRefund').success.schema.parse(
      (
        await request(t.app)
          .post(api(`/orders/${order.id}/refunds`))
          .set(shop.auth)
          .send({ amountCents: 100, reason: 'Scratched' })
          .expect(201)
      ).body,
    );
    operation('updateOrder').success.schema.parse(
      (
        await request(t.app)
          .patch(api(`/orders/${order.id}`))
          .set(shop.auth)
          .send({ notes: 'Gift' })
          .expect(200)
      ).body,
    );
    const link = await request(t.app)
      .post(api(`/orders/${(await pendingOrder(shop)).id}/invoice-link`))
      .set(shop.auth)
      .send({});
    if (link.status === 201) operation('createInvoiceLink').success.schema.parse(link.body);
    else apiError.parse(link.body);
    apiError.parse((await request(t.app).get(api('/orders/ord_missing')).set(shop.auth).expect(404)).body);
    apiError.parse((await request(t.app).get(api('/orders')).expect(401)).body);
  });
});

describe('versioned paths', () => {
  it('/api/v1 and /api answer the same, with the same authentication', async () => {
    const order = await pendingOrder(shop);
    const v1 = await request(t.app).get(`/api/v1/orders/${order.id}`).set(shop.auth).expect(200);
    const alias = await request(t.app).get(`/api/orders/${order.id}`).set(shop.auth).expect(200);
    expect(alias.body).toEqual(v1.body);
    expect((await request(t.app).get('/api/v1/products').set(shop.auth).expect(200)).body).toEqual(
      (await request(t.app).get('/api/products').set(shop.auth).expect(200)).body,
    );
    await request(t.app).get('/api/v1/products').expect(401);
    await request(t.app).get('/api/v1/nothing-here').set(shop.auth).expect(404);
  });

  it('an Idempotency-Key used on /api/v1 is the same request on /api (one refund, the answer replayed)', async () => {
    const order = await pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid' });
    const key = `alias-${order.id}`;
    const first = await request(t.app)
      .post(`/api/v1/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', key)
      .send({ amountCents: 300 })
      .expect(201);
    const again = await request(t.app)
      .post(`/api/orders/${order.id}/refunds`)
      .set(shop.auth)
      .set('Idempotency-Key', key)
      .send({ amountCents: 300 })
      .expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.refund.id).toBe(first.body.refund.id);
  });
});

describe('the reference page', () => {
  it('is served at /api/docs with Swagger UI from this server only, under its own CSP', async () => {
    const page = await request(t.app).get('/api/docs').expect(200).expect('content-type', /html/);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(page.text).not.toMatch(/<script>(?!<)/); // no inline script
    expect(page.text).not.toMatch(/https?:\/\//);
    for (const src of [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)) {
      await request(t.app).get(new URL(src, 'http://x/api/docs').pathname).expect(200);
    }
    await request(t.app).get('/api/v1/docs').expect(200);
    await request(t.app).get('/api/docs/assets/package.json').expect(404);
    await request(t.app).get('/api/docs/assets/swagger-ui-bundle.js.map').expect(404);
  });
});
