// CSRF protection of the panel's API whatever case its path is written in. Express (and so AdminJS's router) matches
// routes case-insensitively: /admin/API/resources/... runs the same action as /admin/api/resources/..., and a button
// action (buttonAction: AdminJS calls it with GET) acts on that GET. The CSRF check read "/api/" case-sensitively, so a
// link on another site opened by a signed-in admin (a top-level GET: the Lax session cookie goes along, no Origin, no
// token) marked an order paid or revoked an API key. Two shops: the other shop's rows are never touched either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let admin: AdminAgent;
const f = factories();
const db = testDb();
let mine: { orderId: string; keyId: string };
let theirs: { orderId: string };

beforeAll(async () => {
  app = await startAdminApp();
  const shop = await f.shop();
  const other = await f.shop();
  const user = await f.adminUser({ tenantId: shop.tenant.id, role: 'TENANT_ADMIN' });
  mine = {
    orderId: (await f.order({ tenantId: shop.tenant.id, customerId: shop.customer.id })).id,
    keyId: (await f.apiKey({ tenantId: shop.tenant.id })).id,
  };
  theirs = { orderId: (await f.order({ tenantId: other.tenant.id, customerId: other.customer.id })).id };
  admin = await loggedIn(app.baseUrl, user.email);
});
afterAll(async () => {
  await app?.close();
});

const statusOf = async (id: string) => (await db.order.findUniqueOrThrow({ where: { id } })).status;

describe('CSRF check of the panel API, whatever the case of its path', () => {
  it.each(['API', 'Api', 'aPi'])('refuses a cross-site GET of a button action under /admin/%s/ (the order stays unpaid)', async (api) => {
    // As a browser sends a link opened from another site: the session cookie, no Origin, no X-CSRF-Token.
    const res = await admin.agent.get(`/admin/${api}/resources/Order/records/${mine.orderId}/markAsPaid`);
    expect(res.status).toBe(403);
    expect(res.body.error?.message).toMatch(/CSRF token/);
    expect(await statusOf(mine.orderId)).toBe('PENDING_PAYMENT');
    expect(await statusOf(theirs.orderId)).toBe('PENDING_PAYMENT');
  });

  it('refuses a cross-site GET of Revoke under /admin/API/ (the API key keeps working)', async () => {
    const res = await admin.agent.get(`/admin/API/resources/ApiKey/records/${mine.keyId}/revoke`);
    expect(res.status).toBe(403);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: mine.keyId } })).revokedAt).toBeNull();
  });

  it('refuses a cross-site GET with another site as Origin under /admin/API/', async () => {
    const res = await admin.agent
      .get(`/admin/API/resources/Order/records/${mine.orderId}/markAsPaid`)
      .set('Origin', 'https://evil.example');
    expect(res.status).toBe(403);
    expect(await statusOf(mine.orderId)).toBe('PENDING_PAYMENT');
  });

  it('still answers the panel itself (same origin, its token) under /admin/api/', async () => {
    const res = await admin.agent.get(`/admin/api/resources/Order/records/${mine.orderId}/show`).set(admin.headers());
    expect(res.status).toBe(200);
    expect(res.body.record.id).toBe(mine.orderId);
  });
});
