// Settings -> API keys through the AdminJS API, as the panel's frontend calls it: a tenant admin creates a
// key with an access level (the secret comes back once and works on the REST API as far as its level allows;
// only its hash is stored; audited), revokes it (refused by the REST API from then on; audited once), and
// nobody else can do either. A key's level cannot be edited.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/platform/crypto.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let admin: AdminAgent;
let staff: AdminAgent;
let otherAdmin: AdminAgent;
let adminId: string;
let tenantId: string;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant()).id;
  const a = await f.adminUser({ tenantId });
  adminId = a.id;
  admin = await loggedIn(app.baseUrl, a.email);
  staff = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId, role: 'TENANT_STAFF' })).email);
  otherAdmin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: (await f.tenant()).id })).email);
});
afterAll(async () => {
  await app?.close();
});

const post = (who: AdminAgent, path: string) => who.agent.post(`/admin/api${path}`).set(who.headers());
const get = (who: AdminAgent, path: string) => who.agent.get(`/admin/api${path}`).set(who.headers());
const createKey = (who: AdminAgent, name: string, access = 'READ_WRITE') =>
  post(who, '/resources/ApiKey/actions/createKey').send({ name, access });
const products = (secret: string) =>
  request(app.app)
    .get('/api/products')
    .set({ authorization: `Bearer ${secret}` });

describe('API keys in the admin panel', () => {
  it('a tenant admin creates a key: the secret is returned once, works on the REST API, and only its hash is stored', async () => {
    const res = await createKey(admin, '  Accounting export ');
    expect(res.status).toBe(200);
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const { created } = res.body as { created: { id: string; name: string; prefix: string; secret: string } };
    expect(created.name).toBe('Accounting export');
    expect(created.secret).toMatch(/^ll_live_[A-Za-z0-9_-]{32}$/);
    expect(created.secret.startsWith(created.prefix)).toBe(true);
    expect(res.body.listUrl).toBe('/admin/resources/ApiKey');

    await products(created.secret).expect(200);
    const row = await testDb().apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ tenantId, hash: sha256Hex(created.secret) });
    expect(JSON.stringify(row)).not.toContain(created.secret);

    // The list and the record never show the secret or its hash again.
    const list = await get(admin, '/resources/ApiKey/actions/list');
    const show = await get(admin, `/resources/ApiKey/records/${created.id}/show`);
    for (const body of [JSON.stringify(list.body), JSON.stringify(show.body)]) {
      expect(body).toContain(created.prefix);
      expect(body).not.toContain(created.secret);
      expect(body).not.toContain(row.hash);
    }
    expect(show.body.record.recordActions.map((x: { name: string }) => x.name)).toContain('revoke');

    const trail = await testDb().auditLog.findMany({ where: { tenantId, entityType: 'ApiKey', entityId: created.id } });
    expect(trail).toEqual([expect.objectContaining({ action: 'api_key.created', actorType: 'PANEL_ADMIN', actorId: adminId })]);
  });

  it('a read-only key: its level in the answer, the list, the show page and the audit entry; it reads and cannot refund', async () => {
    const res = await createKey(admin, 'Stock report', 'READ_ONLY');
    const { created } = res.body as { created: { id: string; access: string; accessLabel: string; secret: string } };
    expect(created).toMatchObject({ access: 'READ_ONLY', accessLabel: 'Read only' });
    expect((await testDb().apiKey.findUniqueOrThrow({ where: { id: created.id } })).access).toBe('READ_ONLY');

    const list = await get(admin, '/resources/ApiKey/actions/list');
    const listed = (list.body.records as { id: string; params: Record<string, unknown> }[]).find((r) => r.id === created.id);
    expect(listed?.params.access).toBe('READ_ONLY');
    const show = await get(admin, `/resources/ApiKey/records/${created.id}/show`);
    expect(show.body.record.params.access).toBe('READ_ONLY');
    // Fixed at creation, like the secret: no edit action on a key.
    expect(show.body.record.recordActions.map((x: { name: string }) => x.name)).not.toContain('edit');
    const edit = await post(admin, `/resources/ApiKey/records/${created.id}/edit`).send({ access: 'READ_WRITE' });
    expect(edit.body.notice?.type).not.toBe('success');
    expect((await testDb().apiKey.findUniqueOrThrow({ where: { id: created.id } })).access).toBe('READ_ONLY');

    const trail = await testDb().auditLog.findMany({ where: { tenantId, entityType: 'ApiKey', entityId: created.id } });
    expect(trail).toEqual([
      expect.objectContaining({ action: 'api_key.created', after: expect.objectContaining({ access: 'READ_ONLY' }) }),
    ]);

    await products(created.secret).expect(200);
    const refund = await request(app.app)
      .post('/api/orders/ord_any/refunds')
      .set({ authorization: `Bearer ${created.secret}` })
      .send({})
      .expect(403);
    expect(refund.body.error.code).toBe('API_KEY_READ_ONLY');
  });

  it('refuses a key without an access level or with an unknown one, and creates nothing', async () => {
    const before = await testDb().apiKey.count({ where: { tenantId } });
    for (const payload of [{ name: 'No level' }, { name: 'No level', access: 'ADMIN' }, { name: 'No level', access: '' }]) {
      const res = await post(admin, '/resources/ApiKey/actions/createKey').send(payload);
      expect(res.body.notice, JSON.stringify(payload)).toMatchObject({ type: 'error' });
      expect(res.body.notice.message).toMatch(/Read only or Read and write/);
      expect(res.body.created).toBeUndefined();
    }
    expect(await testDb().apiKey.count({ where: { tenantId } })).toBe(before);
  });

  it('refuses a key without a name, and creates nothing', async () => {
    const before = await testDb().apiKey.count({ where: { tenantId } });
    const res = await createKey(admin, '   ');
    expect(res.body.notice).toMatchObject({ type: 'error' });
    expect(res.body.created).toBeUndefined();
    expect(await testDb().apiKey.count({ where: { tenantId } })).toBe(before);
  });

  it('revoking a key refuses it on the REST API at once; revoking twice is audited once and the action is gone', async () => {
    const { created } = (await createKey(admin, 'Old integration')).body as { created: { id: string; secret: string } };
    await products(created.secret).expect(200);
    const res = await post(admin, `/resources/ApiKey/records/${created.id}/revoke`);
    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect(res.body.notice.message).toContain('revoked');
    await products(created.secret).expect(401);

    const show = await get(admin, `/resources/ApiKey/records/${created.id}/show`);
    expect(show.body.record.params.revokedAt).toBeTruthy();
    expect(show.body.record.recordActions.map((x: { name: string }) => x.name)).not.toContain('revoke');
    // A second click (a stale page) is refused by the action's access rule and changes nothing.
    await post(admin, `/resources/ApiKey/records/${created.id}/revoke`);
    const trail = await testDb().auditLog.findMany({
      where: { tenantId, entityType: 'ApiKey', entityId: created.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(trail.map((e) => e.action)).toEqual(['api_key.created', 'api_key.revoked']);
  });

  it("staff cannot list, create or revoke keys; another shop's admin cannot see or revoke this shop's keys", async () => {
    const { created } = (await createKey(admin, 'Guarded')).body as { created: { id: string; secret: string } };
    const ours = () => testDb().apiKey.count({ where: { tenantId } });
    const before = await ours();

    const staffList = await get(staff, '/resources/ApiKey/actions/list');
    expect(JSON.stringify(staffList.body)).not.toContain(created.id);
    expect((await createKey(staff, 'sneaky')).body.created).toBeUndefined();
    expect((await post(staff, `/resources/ApiKey/records/${created.id}/revoke`)).body.notice?.type).not.toBe('success');

    const theirList = await get(otherAdmin, '/resources/ApiKey/actions/list');
    expect(JSON.stringify(theirList.body)).not.toContain(created.id);
    expect((await post(otherAdmin, `/resources/ApiKey/records/${created.id}/revoke`)).body.notice?.type).not.toBe('success');
    // Their own key is theirs: it does not open this shop.
    const theirs = (await createKey(otherAdmin, 'their own')).body as { created: { id: string } };
    expect((await testDb().apiKey.findUniqueOrThrow({ where: { id: theirs.created.id } })).tenantId).not.toBe(tenantId);

    expect(await ours()).toBe(before);
    expect((await testDb().apiKey.findUniqueOrThrow({ where: { id: created.id } })).revokedAt).toBeNull();
    await products(created.secret).expect(200);
  });
});
