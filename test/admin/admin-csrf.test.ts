// CSRF protection of the panel: state-changing requests and API calls need a same-origin Origin/Referer
// and the per-session token; the login form needs its token too. A refused request changes nothing.
import http from 'node:http';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { cookieValue, loadedRow, loggedIn, PASSWORD, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
let orderId: string;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
  const shop = await f.shop();
  const user = await f.adminUser({ tenantId: shop.tenant.id });
  orderId = (await f.order({ tenantId: shop.tenant.id, customerId: shop.customer.id })).id;
  a = await loggedIn(app.baseUrl, user.email);
});
afterAll(async () => {
  await app?.close();
});

const editUrl = () => `/admin/api/resources/Order/records/${orderId}/edit`;
const notes = async () => (await testDb().order.findUniqueOrThrow({ where: { id: orderId } })).notes;

describe('CSRF', () => {
  it('accepts a same-origin POST carrying the session token', async () => {
    const { shownValuesJson } = await loadedRow(a, 'Order', orderId);
    const res = await a.agent.post(editUrl()).set(a.headers()).field('notes', 'packed with care').field('shownValuesJson', shownValuesJson);
    expect(res.status).toBe(200);
    expect(res.body.notice.type).toBe('success');
    expect(await notes()).toBe('packed with care');
  });

  it('refuses a POST without the token', async () => {
    const res = await a.agent.post(editUrl()).set('Origin', app.baseUrl).field('notes', 'forged');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/CSRF token/);
    expect(await notes()).not.toBe('forged');
  });

  it('refuses a POST with a wrong token', async () => {
    const res = await a.agent
      .post(editUrl())
      .set({ Origin: app.baseUrl, 'X-CSRF-Token': 'x'.repeat(43) })
      .field('notes', 'forged');
    expect(res.status).toBe(403);
    expect(await notes()).not.toBe('forged');
  });

  it('refuses a cross-site POST even with the token (Origin of another site)', async () => {
    const res = await a.agent
      .post(editUrl())
      .set({ ...a.headers(), Origin: 'https://evil.example' })
      .field('notes', 'forged');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/Cross-site/);
    expect(await notes()).not.toBe('forged');
  });

  it('refuses a POST with neither Origin nor Referer', async () => {
    const res = await a.agent.post(editUrl()).set('X-CSRF-Token', a.csrf()).field('notes', 'forged');
    expect(res.status).toBe(403);
  });

  it('accepts a same-origin Referer when Origin is absent', async () => {
    const { shownValuesJson } = await loadedRow(a, 'Order', orderId);
    const res = await a.agent
      .post(editUrl())
      .set({ Referer: `${app.baseUrl}/admin/resources/Order`, 'X-CSRF-Token': a.csrf() })
      .field('notes', 'via referer')
      .field('shownValuesJson', shownValuesJson);
    expect(res.status).toBe(200);
    expect(await notes()).toBe('via referer');
  });

  it('refuses API GET calls without the token (AdminJS runs an action for GET and POST alike)', async () => {
    const res = await a.agent.get(`/admin/api/resources/Order/records/${orderId}/markAsPaid`);
    expect(res.status).toBe(403);
    expect((await testDb().order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('PENDING_PAYMENT');
  });

  it('refuses a login form without its token or from another origin', async () => {
    const user = await f.adminUser({ tenantId: (await f.tenant()).id });
    const agent = request.agent(app.baseUrl);
    await agent.get('/admin/login');
    const token = cookieValue(agent, app.baseUrl, 'ledgerline_admin_csrf');
    const noToken = await agent
      .post('/admin/login')
      .type('form')
      .set('Origin', app.baseUrl)
      .send({ email: user.email, password: PASSWORD });
    expect(noToken.status).toBe(403);
    const crossSite = await agent
      .post('/admin/login')
      .type('form')
      .set('Origin', 'https://evil.example')
      .send({ email: user.email, password: PASSWORD, _csrf: token });
    expect(crossSite.status).toBe(403);
    const fresh = request.agent(app.baseUrl); // no session at all: no token can match
    const noSession = await fresh
      .post('/admin/login')
      .type('form')
      .set('Origin', app.baseUrl)
      .send({ email: user.email, password: PASSWORD, _csrf: token });
    expect(noSession.status).toBe(403);
    const ok = await agent
      .post('/admin/login')
      .type('form')
      .set('Origin', app.baseUrl)
      .send({ email: user.email, password: PASSWORD, _csrf: token });
    expect(ok.status).toBe(303);
  });

  it('a login form sent the moment its page arrives finds its session stored (the table held meanwhile)', async () => {
    const user = await f.adminUser({ tenantId: (await f.tenant()).id });
    // Another connection holds admin_sessions against writes (reads still go through), as a busy database would.
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE admin_sessions IN EXCLUSIVE MODE');
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      await holder.query('COMMIT');
      await holder.end();
    };
    try {
      // The form is posted as soon as the login page's headers arrive, with the token its cookie carries.
      const page = new Promise<http.IncomingMessage>((resolve, reject) =>
        http.get(`${app.baseUrl}/admin/login`, resolve).on('error', reject),
      );
      // Writes are let through after a while, or once the form's answer is in, whichever comes first. A fixed 2 s
      // on purpose: how long the busy database holds the table; the page must wait for its session however long.
      const letGo = new Promise((resolve) => setTimeout(resolve, 2_000)).then(release);
      const head = await page;
      head.resume();
      const cookies = (head.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
      const token = decodeURIComponent(cookies.find((c) => c.startsWith('ledgerline_admin_csrf='))!.split('=')[1]!);
      const posted = await request(app.baseUrl)
        .post('/admin/login')
        .type('form')
        .set({ Origin: app.baseUrl, Cookie: cookies.join('; ') })
        .send({ email: user.email, password: PASSWORD, _csrf: token });
      await release();
      await letGo;
      expect(posted.status, posted.text.slice(0, 200)).toBe(303);
    } finally {
      await release();
    }
  });

  it('gives a new token at login (the pre-login token is not valid afterwards)', async () => {
    const user = await f.adminUser({ tenantId: (await f.tenant()).id });
    const agent = request.agent(app.baseUrl);
    await agent.get('/admin/login');
    const before = cookieValue(agent, app.baseUrl, 'ledgerline_admin_csrf');
    await agent
      .post('/admin/login')
      .type('form')
      .set('Origin', app.baseUrl)
      .send({ email: user.email, password: PASSWORD, _csrf: before })
      .expect(303);
    const after = cookieValue(agent, app.baseUrl, 'ledgerline_admin_csrf');
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const stale = await agent.get('/admin/api/resources/Order/actions/list').set({ Origin: app.baseUrl, 'X-CSRF-Token': before! });
    expect(stale.status).toBe(403);
  });
});
