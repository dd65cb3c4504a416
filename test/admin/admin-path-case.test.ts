// Express matches the panel's mount path case-insensitively, so /ADMIN/login reached the panel; but its cookies are set
// with Path=/admin, which express-session (and browsers) match case-sensitively: there the session was never read and
// the sign-in page answered 500 ("Something went wrong in the admin panel"), and a signed-in admin who followed a link
// written /Admin/... was a stranger. The panel now answers only at /admin: a GET elsewhere is sent there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let admin: AdminAgent;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
  const shop = await f.shop();
  const user = await f.adminUser({ tenantId: shop.tenant.id, role: 'TENANT_ADMIN' });
  admin = await loggedIn(app.baseUrl, user.email);
});
afterAll(async () => {
  await app?.close();
});

describe('the panel under /admin written in another case', () => {
  it.each(['/ADMIN/login', '/Admin/login', '/aDmIn/login?next=%2Fadmin'])(
    'GET %s is sent to the same address under /admin',
    async (path) => {
      const res = await request(app.baseUrl).get(path);
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe(`/admin${path.slice('/admin'.length)}`);
    },
  );

  it('the panel root and its API are sent there too, the signed-in admin reaching them signed in', async () => {
    const root = await admin.agent.get('/ADMIN');
    expect(root.status).toBe(301);
    expect(root.headers.location).toBe('/admin/');
    const api = await admin.agent.get('/Admin/api/resources/Order/actions/list');
    expect(api.status).toBe(301);
    const followed = await admin.agent.get(api.headers.location!).set(admin.headers());
    expect(followed.status).toBe(200);
  });

  it('a POST there is not found, and signs nobody in', async () => {
    const res = await request(app.baseUrl).post('/ADMIN/login').type('form').send({ email: 'x@example.com', password: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});
