// A JSON body the panel refuses is answered by the app's one error writer (surfaces/http/error-handler.ts), as the
// REST API's are: the same { error: { code, message, requestId } }, the request id the X-Request-Id header names.
// The panel wrote these bodies itself before (panel-json.ts refuseBody), without the request id. Both places the
// panel reads JSON: its own route (the dashboard's server-admins choice, 1 kB) and AdminJS's actions (2 MB).
// admin-json-duplicate-keys.test.ts keeps the refusals' codes and words.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const f = factories();
let app: RunningAdmin;
let admin: AdminAgent;

beforeAll(async () => {
  app = await startAdminApp();
  const tenantId = (await f.tenant({ adminRoleIds: [] })).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

const postJson = (path: string, json: string) =>
  admin.agent.post(`/admin/api${path}`).set(admin.headers()).set('Content-Type', 'application/json').send(json);

/** The app's error body: its request id is the one the answer's X-Request-Id names. */
function expectAppErrorBody(
  res: { status: number; text: string; headers: Record<string, string>; body: { error?: unknown } },
  status: number,
  code: string,
) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['x-request-id']).toBeTruthy();
  expect(res.body.error).toMatchObject({ code, requestId: res.headers['x-request-id'] });
}

it.each([
  ["the panel's own route", '/shop/server-admins-only', '{"chosen": true, "chosen": false}'],
  ['an AdminJS action', '/resources/ApiKey/actions/createKey', '{"name": "x", "access": "READ_ONLY", "access": "READ_WRITE"}'],
])("%s: a key named twice is answered by the app's error writer (400, with the request id)", async (_where, path, json) => {
  const res = await postJson(path, json);
  expectAppErrorBody(res, 400, 'VALIDATION_FAILED');
  expect(res.body.error.message).toMatch(/^Duplicate key in body: "(chosen|access)" is given more than once/);
});

it.each([
  ["the panel's own route", '/shop/server-admins-only', '{"chosen": '],
  ['an AdminJS action', '/resources/ApiKey/actions/createKey', '{"name": '],
])("%s: a body that is not JSON is 400 VALIDATION_FAILED from the app's error writer", async (_where, path, json) => {
  expectAppErrorBody(await postJson(path, json), 400, 'VALIDATION_FAILED');
});

it.each([
  ["the panel's own route (1 kB)", '/shop/server-admins-only', 2 * 1024],
  ['an AdminJS action (2 MB)', '/resources/ApiKey/actions/createKey', 3 * 1024 * 1024],
])("%s: a body over its limit is 413 PAYLOAD_TOO_LARGE from the app's error writer", async (_where, path, size) => {
  expectAppErrorBody(await postJson(path, JSON.stringify({ name: 'x'.repeat(size) })), 413, 'PAYLOAD_TOO_LARGE');
});

// The route's own refusals (not a shop admin; a body of the wrong shape) and a domain refusal no AdminJS action
// caught are the app's error body too (they were written by hand, or answered as a 500 "Something went wrong").
it("the panel's own route: a body of the wrong shape is 400 VALIDATION_FAILED from the app's error writer", async () => {
  const res = await postJson('/shop/server-admins-only', '{"chosen": "yes"}');
  expectAppErrorBody(res, 400, 'VALIDATION_FAILED');
  expect(res.body.error.message).toBe('Send {"chosen": true} or {"chosen": false}.');
});

it("the panel's own route: a shop's staff is 403 FORBIDDEN from the app's error writer", async () => {
  const tenantId = (await f.tenant({ adminRoleIds: [] })).id;
  const staff = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId, role: 'TENANT_STAFF' })).email);
  const res = await staff.agent
    .post('/admin/api/shop/server-admins-only')
    .set(staff.headers())
    .set('Content-Type', 'application/json')
    .send('{"chosen": true}');
  expectAppErrorBody(res, 403, 'FORBIDDEN');
  expect(res.body.error.message).toBe('Only a shop admin can choose who the admins are in Discord.');
});
