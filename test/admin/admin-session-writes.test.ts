// Panel sessions are written when they change or when their expiry has fallen behind, not on every request:
// the panel's API calls leave the admin_sessions row alone (its xmin, the row version, stays the same), a
// login or a change of the session still writes it, and an idle session still ends after 8 h. Time is the
// injected clock; nothing here waits.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/platform/clock.js';
import { SESSION_TOUCH_INTERVAL_MS, SESSION_TTL_SECONDS } from '../../src/surfaces/admin/auth/admin-session.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { cookieValue, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let now = new Date('2026-11-24T12:00:00Z');
const clock: Clock = { now: () => now };
const advance = (ms: number) => (now = new Date(now.getTime() + ms));
const MIN = 60_000;
const TTL = SESSION_TTL_SECONDS * 1000;
let app: RunningAdmin;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp({ clock });
});
afterAll(async () => {
  await app?.close();
});
beforeEach(() => {
  now = new Date('2026-11-24T12:00:00Z');
});

/** The session id from the signed cookie (`s:<sid>.<signature>`). */
function sidOf(agent: AdminAgent['agent']): string {
  const raw = decodeURIComponent(cookieValue(agent, app.baseUrl, 'ledgerline_admin') ?? '');
  return /^s:([^.]+)\./.exec(raw)![1]!;
}

/** xmin changes with every UPDATE of the row (even to the same values), and with nothing else. */
async function row(sid: string) {
  const [r] = await testDb().$queryRaw<{ version: string; expire: Date; email: string | null }[]>`
    SELECT xmin::text AS version, expire, sess->'adminUser'->>'email' AS email FROM admin_sessions WHERE sid = ${sid}`;
  return r;
}
/** `expire` is a timestamp without time zone, written in UTC like connect-pg-simple does. */
const expireOf = (r: { expire: Date } | undefined) => r?.expire.getTime();

async function signedInShopAdmin() {
  const user = await f.adminUser({ tenantId: (await f.tenant()).id });
  const admin = await loggedIn(app.baseUrl, user.email);
  return { user, admin, sid: sidOf(admin.agent) };
}

const apiCalls = (a: AdminAgent) => [
  () => a.agent.get('/admin/api/resources/Order/actions/list').set(a.headers()),
  () => a.agent.get('/admin/api/dashboard').set(a.headers()),
  () => a.agent.get('/admin/api/pages/signInAttempts').set(a.headers()),
  () => a.agent.get('/admin/api/resources/Product/actions/list').set(a.headers()),
];

describe('admin session writes', () => {
  it('a login writes the row; the API calls that follow write nothing until the expiry falls behind', async () => {
    const { user, admin, sid } = await signedInShopAdmin();
    const afterLogin = await row(sid);
    expect(expireOf(afterLogin)).toBe(now.getTime() + TTL);

    // 12 calls over 4 minutes (less than the touch interval): not one write.
    for (let i = 0; i < 12; i++) {
      advance(20_000);
      expect((await apiCalls(admin)[i % 4]!()).status).toBe(200);
    }
    expect(await row(sid)).toEqual(afterLogin);
    expect((await admin.agent.get('/admin')).status).toBe(200); // a page load too
    expect(await row(sid)).toEqual(afterLogin);

    // Past the interval, the next call moves the expiry once, to its own time + 8 h; the next ones do not.
    advance(SESSION_TOUCH_INTERVAL_MS);
    expect((await apiCalls(admin)[0]!()).status).toBe(200);
    const touched = await row(sid);
    expect(touched!.version).not.toBe(afterLogin!.version);
    expect(expireOf(touched)).toBe(now.getTime() + TTL);
    for (let i = 0; i < 4; i++) expect((await apiCalls(admin)[i]!()).status).toBe(200);
    expect(await row(sid)).toEqual(touched);

    // A change of the session (the admin's row changed: it is re-read per request) is written at once.
    await testDb().adminUser.update({ where: { id: user.id }, data: { email: `renamed-${user.email}` } });
    expect((await apiCalls(admin)[1]!()).status).toBe(200);
    const changed = await row(sid);
    expect(changed!.version).not.toBe(touched!.version);
    expect(changed!.email).toBe(`renamed-${user.email}`);
  });

  it('a session in use stays signed in past 8 h; an idle one ends 8 h after its last request', async () => {
    const { admin, sid } = await signedInShopAdmin();
    const signedInAt = now.getTime();
    // A request every 4 minutes (under the touch interval) for 8 h 20 min.
    while (now.getTime() - signedInAt < TTL + 20 * MIN) {
      advance(4 * MIN);
      expect((await apiCalls(admin)[2]!()).status).toBe(200);
    }
    // The stored expiry lags the last request by at most the touch interval.
    expect(expireOf(await row(sid))).toBeGreaterThanOrEqual(now.getTime() + TTL - SESSION_TOUCH_INTERVAL_MS);

    advance(TTL - SESSION_TOUCH_INTERVAL_MS - MIN); // idle 7 h 54 min: still signed in
    expect((await apiCalls(admin)[2]!()).status).toBe(200);
    advance(TTL + 1000); // idle 8 h: signed out
    expect((await apiCalls(admin)[2]!()).status).toBe(401);
  });

  it('a visitor who has not signed in gets a 30-minute row (the login form token), by the same clock', async () => {
    const agent = (await import('supertest')).default.agent(app.baseUrl);
    expect((await agent.get('/admin/login')).status).toBe(200);
    expect(expireOf(await row(sidOf(agent)))).toBe(now.getTime() + 30 * MIN);
  });

  it('static assets are answered without the session: no cookie, no write of its row', async () => {
    const { admin, sid } = await signedInShopAdmin();
    advance(SESSION_TOUCH_INTERVAL_MS + MIN); // an API call now would write the expiry
    const before = await row(sid);
    for (const path of ['global.bundle.js', 'icomoon.css', 'ledgerline-csrf.js']) {
      for (const method of ['get', 'head'] as const) {
        const res = await admin.agent[method](`/admin/frontend/assets/${path}`);
        expect([path, method, res.status, res.headers['set-cookie']]).toEqual([path, method, 200, undefined]);
      }
    }
    expect(await row(sid)).toEqual(before);
    // An API call still answers with the rolling cookie and writes the expiry: the session is in use there.
    const api = await apiCalls(admin)[0]!();
    expect(String(api.headers['set-cookie'])).toContain('ledgerline_admin=');
    expect((await row(sid))!.version).not.toBe(before!.version);
  });
});
