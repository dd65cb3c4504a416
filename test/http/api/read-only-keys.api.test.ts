// Read-only API keys (docs/decisions/rest-api.md, "Read-only keys"), through the REST API with real keys of
// both levels. The write table walks the OpenAPI document's operations, so a write route added later is
// covered without anyone adding it here: a read-only key is refused every operation that is not a GET
// (403 API_KEY_READ_ONLY, the shared error body) and nothing is written (no audit entry, no idempotency
// record, no row anywhere, lastUsedAt as a GET leaves it), while a read-and-write key's same request does
// what it says. The read table: a read-only key reads exactly what a read-and-write key reads. Also: another
// shop's data stays out of reach, a key made before access levels existed is read-and-write (the migration's
// own SQL, and the column's default for an older instance's insert), the service's validation and audit entry,
// and the document's words.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/platform/clock.js';
import { sha256Hex } from '../../../src/platform/crypto.js';
import type { AppError } from '../../../src/platform/errors.js';
import { buildOpenApiDocument } from '../../../src/surfaces/http/api/openapi/openapi.document.js';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { MIGRATIONS_DIR } from '../../../src/platform/db/migrate.js';
import { apiTenant, f, pendingOrder, type ApiShop } from './api-fixtures.js';

// The app's clock stands still (a key's lastUsedAt is written at most once a minute): a refused request can
// then only write lastUsedAt if it did what a GET does not.
const nowMs = Math.floor(Date.now() / 1000) * 1000;
const clock: Clock = { now: () => new Date(nowMs) };
const db = testDb();

let t: TestApp;
let shop: ApiShop;
let other: ApiShop;
let readOnly: { key: string; id: string; auth: { authorization: string } };

beforeAll(async () => {
  t = await createTestApp({ clock });
  shop = await apiTenant(t, { paymentWindowMinutes: { VENMO_P2P: 180 } });
  other = await apiTenant(t);
  const created = await t.services.apiKeys.create(adminCtx(shop.tenant.id), 'Bookkeeping', 'READ_ONLY');
  readOnly = { key: created.key, id: created.record.id, auth: { authorization: `Bearer ${created.key}` } };
});
afterAll(async () => {
  await t.services.close();
});

interface Operation {
  method: string;
  path: string;
  operationId: string;
}
const document = buildOpenApiDocument() as {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
};
const operations: Operation[] = Object.entries(document.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ method, path, operationId: op.operationId })),
);
const writes = operations.filter((op) => op.method !== 'get');
const reads = operations.filter((op) => op.method === 'get');

/**
 * A request of each write operation that a read-and-write key's call carries out (a fresh target each time):
 * the proof that the read-only key's refusal stopped a real write, not a request that would have failed anyway.
 * An operation missing here gets a pending order and an empty body: the refusal comes before the body is read.
 */
const samples: Record<string, { target: (s: ApiShop) => Promise<string>; body: object; status: number }> = {
  updateOrder: { target: pending, body: { notes: 'packed by the stock tool' }, status: 200 },
  confirmPayment: { target: pending, body: {}, status: 200 },
  recordReceipt: { target: pending, body: { amountCents: 1000, note: 'Cash' }, status: 201 },
  rejectPayment: { target: pending, body: { reason: 'No money arrived' }, status: 200 },
  previewRefund: { target: paid, body: {}, status: 200 },
  createRefund: { target: paid, body: { amountCents: 500, reason: 'damaged' }, status: 201 },
  createInvoiceLink: { target: pending, body: {}, status: 201 },
  extendPaymentWindow: { target: scheduled, body: { extendByMinutes: 60 }, status: 200 },
  eraseCustomer: { target: async (s) => (await f.customer({ tenantId: s.tenant.id })).id, body: {}, status: 200 },
};
async function pending(s: ApiShop) {
  return (await pendingOrder(s)).id;
}
async function paid(s: ApiShop) {
  return (await pendingOrder(s, { status: 'PAID', paymentStatus: 'paid' })).id;
}
async function scheduled(s: ApiShop) {
  const order = await pendingOrder(s, { paymentMethod: 'VENMO_P2P' });
  await t.services.paymentWindows.schedule(s.tenant.id, order.id);
  return order.id;
}
const sampleOf = (op: Operation) => samples[op.operationId] ?? { target: pending, body: {}, status: 0 };

/** The operation's address for a target id (/api/v1, the documented base), with its other path parameters filled. */
const urlOf = (op: Operation, id: string) => `/api/v1${op.path.replace('{id}', id).replace('{kind}', 'orders')}`;

function send(method: string, url: string, auth: Record<string, string>, body?: object, headers: Record<string, string> = {}) {
  const req = (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method]!(url).set(auth).set(headers);
  return body ? req.send(body) : req;
}

/**
 * Everything a request could have written: the row count of every table (graphile-worker's jobs too) and the
 * shop's rows that a write changes in place. rate_limits is left out: every request counts against the
 * API's limit, a GET too, before the key is read (app.ts).
 */
async function everything(): Promise<unknown> {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND (table_schema = 'public' OR (table_schema = 'graphile_worker' AND table_name = '_private_jobs'))
      AND table_name NOT IN ('rate_limits', '_prisma_migrations')
    ORDER BY 1`;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    counts[name] = Number((await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM ${name}`))[0]!.n);
  }
  const tenantId = shop.tenant.id;
  const rows = await db.$queryRaw<{ rows: unknown }[]>`
    SELECT json_build_object(
      'orders', (SELECT json_agg(o ORDER BY o.id) FROM orders o WHERE o."tenantId" = ${tenantId}),
      'payments', (SELECT json_agg(p ORDER BY p.id) FROM payments p JOIN orders o ON o.id = p."orderId" WHERE o."tenantId" = ${tenantId}),
      'products', (SELECT json_agg(p ORDER BY p.id) FROM products p WHERE p."tenantId" = ${tenantId}),
      'customers', (SELECT json_agg(c ORDER BY c.id) FROM customers c WHERE c."tenantId" = ${tenantId}),
      'apiKeys', (SELECT json_agg(k ORDER BY k.id) FROM api_keys k WHERE k."tenantId" = ${tenantId})
    ) AS rows`;
  return { counts, rows: rows[0]!.rows };
}

describe('a read-only key and the operations that write', () => {
  it('the document lists write operations, each with a request a read-and-write key carries out', async () => {
    expect(writes.length).toBeGreaterThanOrEqual(9);
    for (const op of writes) {
      const sample = samples[op.operationId];
      if (!sample) continue; // a new operation: still refused below
      const res = await send(op.method, urlOf(op, await sample.target(shop)), shop.auth, sample.body);
      expect(res.status, `${op.method.toUpperCase()} ${op.path}: ${JSON.stringify(res.body)}`).toBe(sample.status);
    }
  });

  it('refuses every operation the document lists that is not a GET with 403 API_KEY_READ_ONLY, and writes nothing', async () => {
    // A GET first: lastUsedAt is set as any use sets it; the refusals below must leave it (the clock stands still).
    await send('get', '/api/v1/products', readOnly.auth).expect(200);
    const targets = new Map<string, string>();
    for (const op of writes) targets.set(op.operationId, await sampleOf(op).target(shop));
    const before = await everything();

    for (const op of writes) {
      const sample = sampleOf(op);
      const label = `${op.method.toUpperCase()} ${op.path}`;
      const res = await send(op.method, urlOf(op, targets.get(op.operationId)!), readOnly.auth, sample.body, {
        'Idempotency-Key': `ro-${op.operationId}`,
      });
      expect(res.status, label).toBe(403);
      expect(res.body, label).toEqual({
        error: {
          code: 'API_KEY_READ_ONLY',
          message: expect.stringMatching(/^This API key is read-only: .*create a read-and-write key in Settings -> API keys\.$/),
          requestId: res.headers['x-request-id'],
          details: { access: 'READ_ONLY', method: op.method.toUpperCase() },
        },
      });
      expect(res.headers['idempotent-replayed'], label).toBeUndefined();
    }
    // The same refusals through the /api alias. A method the path does not take is 405 for every key, before the key
    // is read (method-not-allowed.api.test.ts): no key could send it, so "create a read-and-write key" would mislead.
    const refund = writes.find((op) => op.operationId === 'createRefund')!;
    await send('post', urlOf(refund, targets.get('createRefund')!).replace('/api/v1/', '/api/'), readOnly.auth, {}).expect(403);
    await send('delete', `/api/v1/orders/${targets.get('createRefund')}`, readOnly.auth).expect(405);

    expect(await everything()).toEqual(before);
  });

  it("a read-only key's refused Idempotency-Key is not kept: a read-and-write key's request with it runs", async () => {
    const orderId = await paid(shop);
    const headers = { 'Idempotency-Key': 'shared-key-1' };
    await send('post', `/api/v1/orders/${orderId}/refunds`, readOnly.auth, { amountCents: 500 }, headers).expect(403);
    const res = await send('post', `/api/v1/orders/${orderId}/refunds`, shop.auth, { amountCents: 500 }, headers).expect(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(await db.refund.count({ where: { orderId } })).toBe(1);
  });
});

describe('a read-only key and the operations that read', () => {
  it('reads every GET operation of the document exactly as a read-and-write key does', async () => {
    const orderId = await pending(shop);
    expect(reads.length).toBeGreaterThanOrEqual(4);
    for (const op of reads) {
      const url = urlOf(op, orderId) + (op.operationId === 'exportCsv' ? '?from=2020-01-01&to=2099-12-31' : '');
      const mine = await send('get', url, readOnly.auth);
      const full = await send('get', url, shop.auth);
      expect(mine.status, `${op.path}: ${mine.text.slice(0, 300)}`).toBe(200);
      expect(mine.status, op.path).toBe(full.status);
      expect(mine.text, op.path).toBe(full.text);
    }
    // HEAD is a GET without its body: allowed.
    await request(t.app).head('/api/v1/orders').set(readOnly.auth).expect(200);
  });

  it("cannot reach another shop's orders: 404 to read, 403 to write, and theirs unchanged", async () => {
    const theirs = await pendingOrder(other);
    const theirsBefore = await db.order.findUniqueOrThrow({ where: { id: theirs.id } });
    const res = await send('get', `/api/v1/orders/${theirs.id}`, readOnly.auth).expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    const list = await send('get', '/api/v1/orders?pageSize=100', readOnly.auth).expect(200);
    expect(list.body.data.map((o: { id: string }) => o.id)).not.toContain(theirs.id);
    await send('patch', `/api/v1/orders/${theirs.id}`, readOnly.auth, { notes: 'x' }).expect(403);
    expect(await db.order.findUniqueOrThrow({ where: { id: theirs.id } })).toEqual(theirsBefore);
  });
});

describe('access levels of keys', () => {
  it('the migration makes every key that existed before it read-and-write (its own SQL, on the previous shape)', async () => {
    const sql = await readFile(join(MIGRATIONS_DIR, '20261205110000_api_key_access', 'migration.sql'), 'utf8');
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      // In a transaction rolled back at the end: the table as it was before the migration, a key in it, the migration.
      await client.query('BEGIN');
      await client.query('ALTER TABLE api_keys DROP COLUMN access');
      await client.query('DROP TYPE "ApiKeyAccess"');
      await client.query(
        `INSERT INTO api_keys ("tenantId", name, prefix, hash) VALUES ($1, 'From last year', 'll_live_oldkey', 'old-hash')`,
        [shop.tenant.id],
      );
      await client.query(sql);
      const { rows } = await client.query<{ name: string; access: string }>('SELECT name, access FROM api_keys WHERE "tenantId" = $1', [
        shop.tenant.id,
      ]);
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(rows.filter((r) => r.access !== 'READ_WRITE').map((r) => r.name)).toEqual([]);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: readOnly.id } })).access).toBe('READ_ONLY');
  });

  it('a key stored without a level (made before levels existed) is read-and-write: the column default', async () => {
    const secret = `ll_live_${'K'.repeat(26)}before`;
    await db.$executeRaw`INSERT INTO api_keys ("tenantId", name, prefix, hash) VALUES (${shop.tenant.id}, 'Old integration', ${secret.slice(0, 14)}, ${sha256Hex(secret)})`;
    const row = await db.apiKey.findFirstOrThrow({ where: { tenantId: shop.tenant.id, name: 'Old integration' } });
    expect(row.access).toBe('READ_WRITE');
    const orderId = await pending(shop);
    await send('patch', `/api/v1/orders/${orderId}`, { authorization: `Bearer ${secret}` }, { notes: 'still works' }).expect(200);
    expect((await db.order.findUniqueOrThrow({ where: { id: orderId } })).notes).toBe('still works');
  });

  it('create records the level, in the row, the answer, authenticate and the audit entry; an unknown level is refused', async () => {
    const { key, record } = await t.services.apiKeys.create(adminCtx(shop.tenant.id), 'Dashboard', 'READ_ONLY');
    expect(record.access).toBe('READ_ONLY');
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: record.id } })).access).toBe('READ_ONLY');
    expect(await t.services.apiKeys.authenticate(key)).toEqual({
      tenantId: shop.tenant.id,
      apiKeyId: record.id,
      name: 'Dashboard',
      access: 'READ_ONLY',
    });
    const [entry] = await t.services.audit.listFor(shop.tenant.id, 'ApiKey', record.id);
    expect(entry).toMatchObject({ action: 'api_key.created', after: { name: 'Dashboard', prefix: record.prefix, access: 'READ_ONLY' } });

    const before = await db.apiKey.count();
    for (const access of ['READ', 'read-only', '', undefined]) {
      const err = (await t.services.apiKeys.create(adminCtx(shop.tenant.id), 'Nope', access as never).catch((e: unknown) => e)) as AppError;
      expect(err.code, String(access)).toBe('VALIDATION_FAILED');
      expect(err.message).toMatch(/Read only \(READ_ONLY\) or Read and write \(READ_WRITE\)/);
    }
    expect(await db.apiKey.count()).toBe(before);
  });
});

describe('the OpenAPI document on access levels', () => {
  it('says which operations a read-only key may call (every GET, by name) and gives every other one a 403', async () => {
    const served = (await request(t.app).get('/api/openapi.json').expect(200)).body as typeof document & {
      components: { securitySchemes: { apiKey: { description: string } } };
    };
    const words = served.components.securitySchemes.apiKey.description;
    const allowed = /"Read only": GET operations only \(([^)]*)\)/.exec(words)?.[1]?.split(', ');
    expect(allowed?.sort()).toEqual(reads.map((op) => `GET ${op.path}`).sort());
    expect(words).toMatch(/403 API_KEY_READ_ONLY/);
    for (const op of operations) {
      const responses = served.paths[op.path]![op.method]!.responses;
      if (op.method !== 'get')
        expect(responses['403'], `${op.method} ${op.path}`).toMatchObject({ description: expect.stringMatching(/API_KEY_READ_ONLY/) });
    }
  });
});
