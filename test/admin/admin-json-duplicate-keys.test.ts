// The panel's JSON bodies follow the app's rule for JSON (platform/json-duplicate-keys.ts): a key named twice in one
// object is refused with 400 naming it, nothing done, through the built app as the panel's frontend calls it
// (signed in, its CSRF header):
// - the panel's own route (the dashboard's "Keep it to the server's administrators", express.json of its own);
// - AdminJS's actions, which the panel's components call with JSON (Settings -> API keys' createKey): @adminjs/express
//   parsed those with formidable's JSON.parse, so {"access": "READ_ONLY", "access": "READ_WRITE"} made a read-write
//   key where a proxy reading the first value saw a read-only one.
// A body without a duplicate still works on both, and AdminJS's multipart forms are not touched (a save below).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
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

/** POST of `json` exactly as written (JSON.stringify cannot write a key twice). */
const postJson = (path: string, json: string) =>
  admin.agent.post(`/admin/api${path}`).set(admin.headers()).set('Content-Type', 'application/json').send(json);

it('the dashboard\'s server-admins choice refuses a body naming "chosen" twice, and records nothing', async () => {
  const res = await postJson('/shop/server-admins-only', '{"chosen": false, "chosen": true}');
  expect(res.status, res.text).toBe(400);
  expect(res.body.error).toMatchObject({
    code: 'VALIDATION_FAILED',
    message: 'Duplicate key in body: "chosen" is given more than once. Send each key once.',
  });
  expect(await db.auditLog.count({ where: { tenantId, action: 'tenant.server_admins_only_chosen' } })).toBe(0);
  // Each key once: chosen.
  const once = await postJson('/shop/server-admins-only', '{"chosen": true}');
  expect(once.status, once.text).toBe(200);
  expect(await db.auditLog.count({ where: { tenantId, action: 'tenant.server_admins_only_chosen' } })).toBe(1);
});

it('an AdminJS action sent JSON naming "access" twice is refused with 400 naming it; no key is made', async () => {
  const res = await postJson(
    '/resources/ApiKey/actions/createKey',
    '{"name": "Stock report", "access": "READ_ONLY", "access": "READ_WRITE"}',
  );
  expect(res.status, res.text).toBe(400);
  expect(res.body.error).toMatchObject({
    code: 'VALIDATION_FAILED',
    message: 'Duplicate key in body: "access" is given more than once. Send each key once.',
    details: { fields: [{ path: 'access', message: 'duplicate key' }] },
  });
  expect(await db.apiKey.count({ where: { tenantId } })).toBe(0);
  // Nested too: the path names where.
  const nested = await postJson('/resources/ApiKey/actions/createKey', '{"name": "x", "access": "READ_ONLY", "meta": {"a": 1, "a": 2}}');
  expect(nested.status, nested.text).toBe(400);
  expect(nested.body.error.message).toBe('Duplicate key in body: "meta.a" is given more than once. Send each key once.');
  expect(await db.apiKey.count({ where: { tenantId } })).toBe(0);
});

it('AdminJS still reads JSON without duplicates and its multipart forms as before', async () => {
  const json = await postJson('/resources/ApiKey/actions/createKey', '{"name": "Stock report", "access": "READ_ONLY"}');
  expect(json.status, json.text).toBe(200);
  expect(json.body.created).toMatchObject({ name: 'Stock report', access: 'READ_ONLY' });
  // The same action as a multipart form (formidable's, untouched).
  const form = await admin.agent
    .post('/admin/api/resources/ApiKey/actions/createKey')
    .set(admin.headers())
    .field('name', 'Accounting')
    .field('access', 'READ_WRITE');
  expect(form.status, form.text).toBe(200);
  expect(form.body.created).toMatchObject({ name: 'Accounting', access: 'READ_WRITE' });
  expect((await db.apiKey.findMany({ where: { tenantId }, orderBy: { name: 'asc' } })).map((k) => [k.name, k.access])).toEqual([
    ['Accounting', 'READ_WRITE'],
    ['Stock report', 'READ_ONLY'],
  ]);
});

it('a body that is not JSON is refused with 400, not a 500', async () => {
  const res = await postJson('/resources/ApiKey/actions/createKey', '{"name": ');
  expect(res.status, res.text).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_FAILED');
});

it('a multipart form whose boundary happens to hold "json" is still a form (formidable reads multipart first)', async () => {
  const boundary = '----jsonFormBoundary7MA4YWxk';
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const res = await admin.agent
    .post('/admin/api/resources/ApiKey/actions/createKey')
    .set(admin.headers())
    .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
    .send(`${part('name', 'Boundary report')}${part('access', 'READ_ONLY')}--${boundary}--\r\n`);
  expect(res.status, res.text).toBe(200);
  expect(res.body.created).toMatchObject({ name: 'Boundary report', access: 'READ_ONLY' });
});
