// A panel form (multipart or urlencoded, as AdminJS's forms post) that names a field twice is refused with 400
// naming it, nothing written, as a JSON body naming a key twice is (panel-json.ts) and as the REST API refuses a
// parameter given twice (docs/decisions/rest-api.md, "The panel's JSON follows the same rule"). formidable kept the
// last of two multipart fields ("access" READ_ONLY then READ_WRITE made a read-write key, where a proxy or a log
// reading the first saw read-only) and gave an urlencoded name given twice to AdminJS as a list. Through the built
// app, signed in, with the CSRF header the panel's frontend sends. AdminJS's own forms never repeat a name (an
// array's items are `name.0`, `name.1`): those, and forms without a repeat, save as before.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { factories, snowflake } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const f = factories();
const db = testDb();
let app: RunningAdmin;
let admin: AdminAgent;
let tenantId: string;

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant({ adminRoleIds: [] })).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

const post = (path: string) => admin.agent.post(`/admin/api${path}`).set(admin.headers());

/** A multipart form with `fields` in order, a name as often as it is listed. */
function multipart(path: string, fields: [string, string][]) {
  let req = post(path);
  for (const [k, v] of fields) req = req.field(k, v);
  return req;
}

function expectRefused(res: { status: number; text: string; body: { error?: unknown } }, field: string) {
  expect(res.status, res.text).toBe(400);
  expect(res.body.error).toMatchObject({
    code: 'VALIDATION_FAILED',
    message: `Form field "${field}" is given more than once. Send each field once.`,
    details: { fields: [{ path: field, message: 'given more than once' }] },
  });
}

const PRODUCT: [string, string][] = [
  ['sku', 'MUG-1'],
  ['name', 'Mug'],
  ['price', '9.50'],
  ['currency', 'USD'],
  ['active', 'true'],
  ['trackStock', 'false'],
  ['stock', '0'],
  ['sortOrder', '0'],
];

it('a multipart form naming "access" twice is refused with 400 naming it; no key is made', async () => {
  const res = await multipart('/resources/ApiKey/actions/createKey', [
    ['name', 'Stock report'],
    ['access', 'READ_ONLY'],
    ['access', 'READ_WRITE'],
  ]);
  expectRefused(res, 'access');
  expect(await db.apiKey.count({ where: { tenantId } })).toBe(0);
});

it('an urlencoded form naming "access" twice is refused the same way; no key is made', async () => {
  const res = await post('/resources/ApiKey/actions/createKey').type('form').send('name=Stock+report&access=READ_ONLY&access=READ_WRITE');
  expectRefused(res, 'access');
  expect(await db.apiKey.count({ where: { tenantId } })).toBe(0);
});

it("a New form naming the product's name twice is refused; no product is made", async () => {
  const res = await multipart('/resources/Product/actions/new', [...PRODUCT, ['name', 'Mug (second name)']]);
  expectRefused(res, 'name');
  expect(await db.product.count({ where: { tenantId } })).toBe(0);
});

it('a form without a repeat, and an array as AdminJS sends it (name.0, name.1), save as before', async () => {
  const roles = [snowflake(), snowflake()];
  // Its own SKU: on the old code the refused case above made a MUG-1.
  const res = await multipart('/resources/Product/actions/new', [
    ['sku', 'MUG-2'],
    ...PRODUCT.slice(1),
    ['requiredRoleIds.0', roles[0]!],
    ['requiredRoleIds.1', roles[1]!],
  ]);
  expect(res.status, res.text).toBe(200);
  expect(res.body.notice).toMatchObject({ type: 'success' });
  expect(await db.product.findFirstOrThrow({ where: { tenantId, sku: 'MUG-2' } })).toMatchObject({
    name: 'Mug',
    unitPriceCents: 950,
    active: true,
    trackStock: false,
    requiredRoleIds: roles,
  });
  const form = await post('/resources/ApiKey/actions/createKey').type('form').send('name=Accounting&access=READ_WRITE');
  expect(form.status, form.text).toBe(200);
  expect(form.body.created).toMatchObject({ name: 'Accounting', access: 'READ_WRITE' });
});
