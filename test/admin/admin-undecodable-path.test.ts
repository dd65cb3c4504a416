// A panel URL whose path holds a percent-encoding that does not decode (a "%" typed into a search that the browser sent
// as it was, a link cut in the middle of "%E0%A4%A5"): Express's router refuses it with a URIError before any route
// runs. The REST API answers that 400 (platform/errors.ts isUndecodablePath); the panel's error handler
// answered 500 "Something went wrong in the admin panel." and logged it as a panel fault. It now hands it to the app's
// one error writer, which answers 400 with the same words as for the REST API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
  const tenantId = (await f.tenant()).id;
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

describe('Panel: a path that does not percent-decode', () => {
  it.each([
    '/admin/api/resources/Product/actions/search/%',
    '/admin/api/resources/Customer/actions/search/50%',
    '/admin/api/resources/Order/records/%E0%A4/show',
  ])('%s answers 400, not 500', async (path) => {
    const res = await a.agent.get(path).set(a.headers());
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(/percent-encoding/);
  });
});
