// Property-based fuzz of the REST API: for every operation of the OpenAPI document, requests with malformed and
// edge input (a field of the wrong JSON type, missing, null, extra, empty, 100 KB long, unicode and control
// characters, NUL bytes, edge numbers, arrays for objects, deep nesting; bodies that are not JSON or not sent as
// JSON; bad Idempotency-Keys and API keys; junk, repeated and unknown query parameters; another shop's ids,
// missing and SQL-ish ids) go through the real app. Properties:
// - never a 5xx;
// - every 4xx has the API's error body (apiError), and a message that names the field it is about (each field in
//   details.fields; the one field or parameter changed, when the rest of the request was valid, named as a word of
//   its own in the message, not inside another ("id" is in "Invalid"), and listed in details.fields: a details key
//   that names nothing no longer counts);
// - a query parameter the operation does not take, or one sent twice, is never answered with a 2xx (every
//   operation gets them, those with no query parameters too);
// - a refused request (4xx) changes none of the shop's rows (orders, lines, products, payments, receipts,
//   refunds, customers, audit, the shop itself...) and queues no job;
// - another shop's rows are never touched, and its data never appears in an answer unless the request sent it.
// Bounded for CI: a fixed seed per operation (FUZZ_SEED=<n> picks another, FUZZ_RUNS=<n> runs more) and a few
// dozen requests per operation; fast-check prints the seed and the failing request.
import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../src/surfaces/http/api/openapi/openapi.document.js';
import { apiError } from '../../../src/surfaces/http/api/openapi/api.schemas.js';
import { API_OPERATIONS } from '../../../src/surfaces/http/api/openapi/api.operations.js';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { apiTenant, f, pendingOrder, type ApiShop } from './api-fixtures.js';
import { idempotencyKeys, junkQueryValue, junkValue, rawBodies, validValue, type Hints, type JsonSchema } from './fuzz/fuzz-inputs.js';
import { queuedJobs, shopSnapshotter, type ShopSnapshot } from './fuzz/shop-snapshot.js';

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
interface Operation {
  method: 'get' | 'post' | 'patch';
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

const DOC = buildOpenApiDocument() as unknown as {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
};
const OPERATIONS: Operation[] = Object.entries(DOC.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({
    method: method as Operation['method'],
    path,
    parameters: op.parameters ?? [],
    body: op.requestBody?.content['application/json']?.schema,
  })),
);

const RUNS = Number(process.env.FUZZ_RUNS) || 20;
const SEED = Number(process.env.FUZZ_SEED) || 20_261_205;

let t: TestApp;
let shop: ApiShop;
let other: ApiShop;
let readOnlyAuth: Record<string, string>;
let otherOrders: { pending: string; paid: string };
let otherSecrets: string[];
let otherBaseline: ShopSnapshot;
/** Cursors the other shop was given (a page of its orders, of its products): another shop's "ids" in a query. */
let otherCursors: string[];
let snapshot: (tenantId: string) => Promise<ShopSnapshot>;

beforeAll(async () => {
  // The fuzz sends a few hundred requests a minute with one key: not what the rate limit is about.
  t = await createTestApp({ env: { RATE_LIMIT_API_PER_MINUTE: '1000000' } });
  shop = await apiTenant(t);
  other = await apiTenant(t);
  const { key } = await t.services.apiKeys.create(adminCtx(shop.tenant.id), 'read-only key', 'READ_ONLY');
  readOnlyAuth = { authorization: `Bearer ${key}` };
  await t.services.db.customer.update({ where: { id: other.customer.id }, data: { displayName: 'Other shop secret customer' } });
  await t.services.db.product.update({ where: { id: other.products[0]!.id }, data: { name: 'Other shop secret product' } });
  otherOrders = {
    pending: (await pendingOrder(other)).id,
    paid: (await pendingOrder(other, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() })).id,
  };
  otherSecrets = ['Other shop secret customer', 'Other shop secret product'];
  otherCursors = [];
  for (const list of ['orders', 'products']) {
    const page = await request(t.app).get(`/api/v1/${list}?pageSize=1`).set(other.auth).expect(200);
    otherCursors.push(page.body.nextCursor);
  }
  snapshot = await shopSnapshotter(t.services.db);
  otherBaseline = await snapshot(other.tenant.id);
});
afterAll(async () => {
  await t?.services.close();
});

/**
 * Ids of the other shop: never revealed unless this shop's requests sent them (an IDEMPOTENCY_KEY_REUSED
 * answer names the path a key was first used with: one of this shop's own requests).
 */
const sentByShop = new Set<string>();
const otherIds = () => [other.tenant.id, other.customer.id, ...other.products.map((p) => p.id), otherOrders.pending, otherOrders.paid];

const VALID_KINDS = ['orders', 'payments', 'refunds', 'tax', 'orders.csv'];

type PathTarget = 'pending' | 'paid' | 'customer' | 'customerWithOrder' | 'otherShop' | 'otherShopPaid' | { raw: string };

function pathTargets(op: Operation): fc.Arbitrary<PathTarget> {
  const junk = fc.constantFrom<PathTarget>(
    { raw: 'ord_missing' },
    { raw: 'cus_missing' },
    { raw: "' OR '1'='1" },
    { raw: '1; DROP TABLE orders' },
    { raw: 'x'.repeat(3000) },
    { raw: '💥' },
    { raw: '\u202e' },
    { raw: '\u0000' },
    { raw: '..' },
    { raw: ' ' },
    { raw: 'null' },
    { raw: '0' },
    { raw: '%ZZ' },
    { raw: '%E0%A4' },
  );
  if (op.path.includes('{kind}')) return fc.oneof(fc.constantFrom<PathTarget>(...VALID_KINDS.map((raw) => ({ raw }))), junk);
  if (op.path.startsWith('/customers/'))
    return fc.oneof(
      { arbitrary: fc.constantFrom<PathTarget>('customer', 'customerWithOrder'), weight: 5 },
      { arbitrary: fc.constant<PathTarget>('otherShop'), weight: 2 },
      { arbitrary: junk, weight: 2 },
    );
  return fc.oneof(
    { arbitrary: fc.constantFrom<PathTarget>('pending', 'paid'), weight: 6 },
    { arbitrary: fc.constantFrom<PathTarget>('otherShop', 'otherShopPaid'), weight: 2 },
    { arbitrary: junk, weight: 2 },
  );
}

/** The path parameter's value for this run: a fresh order or customer of the shop, the other shop's, or junk. */
async function resolveTarget(target: PathTarget, op: Operation): Promise<string> {
  if (typeof target === 'object') return target.raw;
  const customers = op.path.startsWith('/customers/');
  switch (target) {
    case 'pending':
      return (await pendingOrder(shop)).id;
    case 'paid':
      return (await pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() })).id;
    case 'customer':
      return (await f.customer({ tenantId: shop.tenant.id })).id;
    case 'customerWithOrder': {
      const customer = await f.customer({ tenantId: shop.tenant.id });
      await pendingOrder({ ...shop, customer });
      return customer.id;
    }
    case 'otherShop':
      return customers ? other.customer.id : otherOrders.pending;
    case 'otherShopPaid':
      return customers ? other.customer.id : otherOrders.paid;
  }
}

/** Valid values the schema alone does not give: real ids (of this shop, of the other, missing), small amounts. */
function hintsFor(op: Operation): Hints {
  const productIds = fc.constantFrom(...shop.products.map((p) => p.id), other.products[0]!.id, 'prod_missing');
  const hints: Hints = {
    productId: productIds,
    amountCents: fc.integer({ min: 1, max: 5000 }),
    quantity: fc.integer({ min: 1, max: 3 }),
    customerId: fc.constantFrom(shop.customer.id, other.customer.id, 'cus_missing'),
  };
  if (op.path === '/shop/currency') {
    Object.assign(hints, {
      id: productIds,
      from: fc.constantFrom('USD', 'EUR'),
      to: fc.constantFrom('EUR', 'JPY', 'USD'),
      amounts: fc.constant([]),
    });
  }
  // No cursor in a valid request (a first page); a junk one is hostileCursors'.
  hints.cursor = fc.constant(undefined);
  if (op.path.startsWith('/exports/') || op.path === '/orders') {
    // A valid range (from before to), so a junk parameter beside it is the one thing wrong.
    Object.assign(hints, {
      from: fc.constant('2026-01-01'),
      to: fc.constantFrom('2026-06-30', '2026-12-31'),
    });
  }
  return hints;
}

type Body =
  | { kind: 'none'; mutated?: string }
  | { kind: 'json'; value: unknown; mutated?: string }
  | { kind: 'raw'; contentType: string; text: string };

/** Whether the operation's own body schema (the handler's) refuses {}, which is what no body is read as. */
function emptyBodyRefused(op: Operation): boolean {
  const declared = API_OPERATIONS.find((o) => o.method === op.method && o.path === op.path)?.body;
  return declared !== undefined && !declared.safeParse({}).success;
}

function bodies(op: Operation, hints: Hints): fc.Arbitrary<Body> {
  if (op.method === 'get') return fc.constant({ kind: 'none' });
  const schema = op.body ?? {};
  // A body that is one of several objects (anyOf) has the fields of each.
  const props = [...new Set([schema, ...(schema.anyOf ?? [])].flatMap((s) => Object.keys(s.properties ?? {})))];
  const required = schema.required ?? [];
  const base = validValue(schema, hints).map((v) => fixBase(op, v));
  const asObject = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {});
  const options: fc.WeightedArbitrary<Body>[] = [
    { arbitrary: base.map((value) => ({ kind: 'json' as const, value })), weight: 2 },
    // No body is the empty object: wrong at its root where the operation needs a field (a reason, a pay window).
    { arbitrary: fc.constant({ kind: 'none' as const, ...(emptyBodyRefused(op) ? { mutated: '(root)' } : {}) }), weight: 1 },
    // The whole body junk: wrong at its root.
    { arbitrary: junkValue.map((value) => ({ kind: 'json' as const, value, mutated: '(root)' })), weight: 1 },
    { arbitrary: rawBodies.map((r) => ({ kind: 'raw' as const, ...r })), weight: 2 },
    {
      arbitrary: fc
        .tuple(base, fc.constantFrom('extra', 'amountCent', 'Reason', '__proto__', 'constructor', 'tenantId', 'id', ''), junkValue)
        .map(([value, key, junk]) => ({ kind: 'json' as const, value: { ...asObject(value), [key]: junk }, mutated: key })),
      weight: 1,
    },
  ];
  if (props.length)
    options.push({
      arbitrary: fc
        .tuple(base, fc.constantFrom(...props), junkValue)
        .map(([value, key, junk]) => ({ kind: 'json' as const, value: { ...asObject(value), [key]: junk }, mutated: key })),
      weight: 5,
    });
  if (required.length)
    options.push({
      arbitrary: fc.tuple(base, fc.constantFrom(...required)).map(([value, key]) => {
        const o = asObject(value);
        delete o[key];
        return { kind: 'json' as const, value: o, mutated: key };
      }),
      weight: 2,
    });
  // A field of an object inside an array (a refund's line, a currency entry) set to junk or left out.
  const nested = Object.entries(schema.properties ?? {}).flatMap(([key, s]) =>
    (s.anyOf ?? [s]).filter((x) => x.type === 'array' && x.items?.type === 'object').map((x) => [key, x.items!] as const),
  );
  for (const [key, itemSchema] of nested) {
    options.push({
      arbitrary: fc
        .tuple(base, validValue(itemSchema, hints), fc.constantFrom(...Object.keys(itemSchema.properties ?? {})), junkValue, fc.boolean())
        .map(([value, item, field, junk, drop]) => {
          const line = { ...(item as Record<string, unknown>) };
          if (drop) delete line[field];
          else line[field] = junk;
          return { kind: 'json' as const, value: { ...asObject(value), [key]: [line] }, mutated: key };
        }),
      weight: 3,
    });
  }
  return fc.oneof(...options);
}

/** A base the schema accepts but a rule beside it refuses would blame another field than the one changed. */
function fixBase(op: Operation, value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const v = { ...(value as Record<string, unknown>) };
  // restock without items is refused (refunds.routes.ts), naming restock.
  if (op.path.includes('/refunds') && v.items === undefined) delete v.restock;
  // The same currency as from is refused naming to.
  if (op.path === '/shop/currency' && v.from === v.to) v.to = v.from === 'EUR' ? 'JPY' : 'EUR';
  // The pay window takes extendByMinutes or until, exactly one (its schema's oneOf, which validValue does not read).
  if (op.path.endsWith('/payment-window')) {
    if (v.extendByMinutes !== undefined) delete v.until;
    else if (v.until === undefined) v.extendByMinutes = 30;
  }
  // A refund's items as a string must be "productId:qty,...".
  if (op.path.includes('/refunds') && typeof v.items === 'string') v.items = `${shop.products[0]!.id}:1`;
  return v;
}

/** A cursor: the other shop's, or one forged from JSON the lists never issue (wrong shapes, huge numbers). */
function hostileCursors(): fc.Arbitrary<string> {
  const forged = ['{"f":"","a":null}', '[]', '{"f":"x","a":{"sortOrder":1e400,"name":1,"id":""}}', '{"a":{"createdAt":"x"}}', 'null'];
  return fc.constantFrom(...otherCursors, ...forged.map((j) => Buffer.from(j).toString('base64url')), '!!!', '=');
}

/**
 * A query: the operation's parameters (absent, valid, junk), maybe one of them sent twice, and maybe a parameter the
 * operation does not take (every operation, those with no query parameters too: a POST's query was never read).
 * `mutated`: each parameter as sent that makes the request wrong; `unknown`: one the operation does not take, or
 * one sent twice, which must never be answered as though it was read.
 */
type Query = { params: [string, string | string[]][]; mutated: string[]; unknown?: string };

const UNKNOWN_PARAMS = [
  'page',
  'limit',
  'status[x]',
  'from[gte]',
  '__proto__',
  'constructor',
  'offset',
  'sort',
  'dryRun',
  '',
  'pageSize[]',
];

function queries(op: Operation, hints: Hints): fc.Arbitrary<Query> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const perParam = params.map((p) =>
    fc.oneof(
      { arbitrary: fc.constant({ value: undefined as string | string[] | undefined, junk: false }), weight: p.required ? 1 : 3 },
      {
        arbitrary: validValue(p.schema, hints, p.name).map((v) => ({ value: v === undefined ? undefined : String(v), junk: false })),
        weight: 3,
      },
      {
        arbitrary: (p.name === 'cursor' ? fc.oneof(junkQueryValue, hostileCursors()) : junkQueryValue).map((value) => ({
          value,
          junk: true,
        })),
        weight: 2,
      },
    ),
  );
  const names = params.map((p) => p.name).filter((n) => !UNKNOWN_PARAMS.includes(n));
  const extra = fc.option(
    fc.oneof(
      fc.tuple(fc.constantFrom(...UNKNOWN_PARAMS), junkQueryValue),
      // A parameter the operation takes, repeated with values it would take once.
      ...(names.length ? [fc.tuple(fc.constantFrom(...names), fc.constant('repeated'))] : []),
    ),
    { freq: 4 },
  );
  return fc.tuple(fc.tuple(...perParam), extra).map(([values, x]) => {
    const out: Query = { params: [], mutated: [] };
    values.forEach((v, i) => {
      // A required parameter left out is as much the one thing wrong as a junk one.
      if (v.value === undefined) {
        if (params[i]!.required) out.mutated.push(params[i]!.name);
        return;
      }
      out.params.push([params[i]!.name, v.value]);
      if (v.junk) out.mutated.push(params[i]!.name);
    });
    if (x && x[1] === 'repeated') {
      const [name] = x;
      const at = out.params.findIndex(([n]) => n === name);
      const once = at >= 0 ? out.params[at]![1] : undefined;
      const value = typeof once === 'string' ? once : name === 'pageSize' ? '10' : 'x';
      if (at >= 0) out.params.splice(at, 1);
      out.mutated = out.mutated.filter((n) => n !== name);
      out.params.push([name, [value, value]]);
      out.mutated.push(name);
      out.unknown = name;
    } else if (x) {
      out.params.push(x);
      out.mutated.push(x[0] === '' ? '(root)' : x[0]);
      out.unknown = x[0];
    }
    return out;
  });
}

/** Whether `name` appears in `text` as a name of its own (not inside a longer word: "id" is in "Invalid"). */
function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w$])${escaped}($|[^\\w$])`).test(text);
}

/**
 * Whether an error names the parameter or field `name`: its message says the name (as a word of its own), and
 * details.fields lists it (or a path in it), or a domain rule's details has it as a key of its own (its message is
 * in the words Discord and the panel show too: "$9,999.00 would make ... more than twice its total").
 */
function namesField(error: { message: string; details?: Record<string, unknown> }, name: string): boolean {
  const fields = (error.details?.fields ?? []) as { path: string }[];
  const listed = fields.some((f) => f.path === name || f.path.startsWith(`${name}.`) || f.path.startsWith(`${name}[`));
  const ownKey = error.details !== undefined && name !== 'fields' && Object.hasOwn(error.details, name);
  return mentions(error.message, name) && (listed || ownKey);
}

const auths = fc.oneof(
  { arbitrary: fc.constant<'key' | 'readOnly' | string>('key'), weight: 12 },
  { arbitrary: fc.constant('readOnly'), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'Bearer ll_nope',
      `Bearer ${'k'.repeat(4000)}`,
      'Bearer \u00ff',
    ),
    weight: 1,
  },
);

function queryString(params: Query['params']): string {
  const parts = params.flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`));
  return parts.length ? `?${parts.join('&')}` : '';
}

const clip = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

describe('REST API fuzz (property-based, against the OpenAPI document)', () => {
  it('fuzzes every operation the served document describes', async () => {
    const served = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body;
    expect(served).toEqual(JSON.parse(JSON.stringify(DOC)));
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(15);
  });

  it.each(OPERATIONS.map((op, i) => [`${op.method.toUpperCase()} ${op.path}`, op, i] as const))(
    '%s: no 5xx, the error shape, a refusal changes nothing, the other shop untouched',
    async (_name, op, index) => {
      const hints = hintsFor(op);
      const input = fc.record({
        target: pathTargets(op),
        query: queries(op, hints),
        body: bodies(op, hints),
        idempotencyKey: idempotencyKeys,
        auth: auths,
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ target, query, body, idempotencyKey, auth }) => {
          const value = await resolveTarget(target, op);
          // An id given as percent-encoding that does not decode (%ZZ) is sent as it is.
          const id = value === '%ZZ' || value === '%E0%A4' ? value : encodeURIComponent(value);
          const url = `/api/v1${op.path.replace(/\{(id|kind)\}/, id)}${queryString(query.params)}`;
          const before = await snapshot(shop.tenant.id);
          const jobsBefore = await queuedJobs(t.services.db);

          let req = request(t.app)[op.method](url);
          const authorization = auth === 'key' ? shop.auth.authorization! : auth === 'readOnly' ? readOnlyAuth.authorization! : auth;
          if (authorization !== '') req = req.set('authorization', authorization);
          if (idempotencyKey !== undefined) req = req.set('Idempotency-Key', idempotencyKey);
          let sent = '';
          if (body.kind === 'json') {
            sent = JSON.stringify(body.value) ?? 'null';
            req = req.set('content-type', 'application/json').send(sent);
          } else if (body.kind === 'raw') {
            sent = body.text;
            req = req.set('content-type', body.contentType).send(body.text);
          }
          for (const x of otherIds()) if (url.includes(x) || sent.includes(x)) sentByShop.add(x);
          const res = await req;
          const what = `${op.method.toUpperCase()} ${clip(url, 200)} body ${clip(sent, 200)} -> ${res.status} ${clip(res.text ?? '')}`;

          expect(res.status, what).toBeLessThan(500);
          // A parameter the operation does not take, or one sent twice, is refused: a 2xx would let the caller
          // believe it was read (GET /exports/{kind}?status=paid exported every order).
          if (query.unknown !== undefined && auth === 'key')
            expect(res.status, `${query.unknown} was not refused: ${what}`).toBeGreaterThanOrEqual(400);
          if (res.status >= 400) {
            const parsed = apiError.safeParse(res.body);
            expect(parsed.success, `error body: ${what}`).toBe(true);
            const { code, message, details } = parsed.data!.error;
            expect(message.trim().length, what).toBeGreaterThan(10);
            // Each field a 400 lists is named in its message, so a caller reading only the message knows what to fix.
            const fields = (details?.fields ?? []) as { path: string; message: string }[];
            for (const field of fields) {
              const top = field.path.split(/\.|\[\d/)[0]!;
              if (top !== '(root)' && top !== '') expect(mentions(message, top), `field ${field.path} unnamed: ${what}`).toBe(true);
            }
            // The one field changed from a valid request is the one the 400 is about.
            // A junk path parameter (an id, an export kind) is a change too; its 400 names it or the path.
            const param = /\{(\w+)\}/.exec(op.path)?.[1];
            const junkPath = typeof target === 'object' && !VALID_KINDS.includes(target.raw) && param ? [param] : [];
            const mutated = [...(body.kind !== 'raw' && body.mutated !== undefined ? [body.mutated] : []), ...query.mutated, ...junkPath];
            const onlyThat =
              auth === 'key' &&
              (idempotencyKey === undefined || /^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) &&
              body.kind !== 'raw' &&
              !(typeof target === 'object' && target.raw.startsWith('%'));
            if (code === 'VALIDATION_FAILED' && onlyThat && mutated.length === 1 && mutated[0] !== '(root)' && mutated[0] !== '') {
              const name = mutated[0]!;
              const named = junkPath.length
                ? namesField(parsed.data!.error, name) || namesField(parsed.data!.error, 'path')
                : namesField(parsed.data!.error, name);
              expect(named, `the 400 does not name ${name} (in its message and details): ${what}`).toBe(true);
            }
            // A refusal changed nothing.
            expect(await snapshot(shop.tenant.id), `a refused request changed the shop: ${what}`).toEqual(before);
            expect(await queuedJobs(t.services.db), `a refused request queued a job: ${what}`).toBe(jobsBefore);
          }
          // The other shop: untouched, and nothing of it in the answer the request did not send itself.
          expect(await snapshot(other.tenant.id), `the other shop changed: ${what}`).toEqual(otherBaseline);
          const answer = res.text ?? '';
          for (const secret of [...otherSecrets, ...otherIds().filter((x) => !sentByShop.has(x))])
            expect(answer.includes(secret), `the answer reveals ${secret} of the other shop: ${what}`).toBe(false);
        }),
        { numRuns: RUNS, seed: SEED + index, endOnFailure: true },
      );
    },
    120_000,
  );
});
