// Admin panel sign-in: real login against admin_users, session regenerated at login and stored in
// PostgreSQL, cookie flags, logout, login throttling per email and per IP.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/platform/clock.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { createAdminAccountsService } from '../../src/modules/admin-accounts/admin-accounts.service.js';
import { cookieValue, login, loggedIn, PASSWORD, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let now = new Date('2026-11-24T12:00:00Z');
const clock: Clock = { now: () => now };
let app: RunningAdmin;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp({ clock });
});
afterAll(async () => {
  await app?.close();
});
beforeEach(async () => {
  // Each test starts with no throttle counters (they are keyed by IP, shared by every request here).
  await testDb().loginThrottle.deleteMany();
  await testDb().loginAttempt.deleteMany();
  now = new Date('2026-11-24T12:00:00Z');
});

async function shopAdmin(data: Parameters<typeof f.adminUser>[0] = {}) {
  const tenant = await f.tenant();
  return f.adminUser({ tenantId: tenant.id, ...data });
}

describe('login', () => {
  it('signs in with the right password: new session id, httpOnly SameSite cookie, session row in admin_sessions', async () => {
    const user = await shopAdmin();
    const agent = request.agent(app.baseUrl);
    await agent.get('/admin/login').expect(200);
    const before = cookieValue(agent, app.baseUrl, 'ledgerline_admin');
    const token = cookieValue(agent, app.baseUrl, 'ledgerline_admin_csrf');
    expect(before).toBeTruthy();
    const preLogin = await testDb().adminSession.findUniqueOrThrow({ where: { sid: decodeURIComponent(before!).slice(2).split('.')[0]! } });

    const res = await agent
      .post('/admin/login')
      .type('form')
      .set('Origin', app.baseUrl)
      .send({ email: user.email.toUpperCase(), password: PASSWORD, _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('ledgerline_admin='));
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/admin/);
    expect(setCookie).not.toMatch(/Secure/i); // COOKIE_SECURE=false in tests
    const after = cookieValue(agent, app.baseUrl, 'ledgerline_admin');
    expect(after).not.toBe(before); // regenerated: a planted pre-login session id is worthless

    const oldSession = await testDb().adminSession.findUnique({ where: { sid: decodeURIComponent(before!).slice(2).split('.')[0]! } });
    expect(oldSession).toBeNull();
    const sid = decodeURIComponent(after!).slice(2).split('.')[0]!;
    const row = await testDb().adminSession.findUnique({ where: { sid } });
    // Signed in: the 8-hour lifetime; the pre-login session lived 30 minutes (compared with each other, so
    // the database's time zone does not matter).
    expect(row!.expire.getTime() - preLogin.expire.getTime()).toBeGreaterThan(7 * 3600_000);
    expect((row?.sess as { adminUser?: { id: string } }).adminUser?.id).toBe(user.id);

    const page = await agent.get('/admin');
    expect(page.status).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('ledgerline-csrf.js');
    expect((await testDb().adminUser.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt).not.toBeNull();
  });

  it('refuses a wrong password and an unknown email with the same message', async () => {
    const user = await shopAdmin();
    const wrong = await login(app.baseUrl, user.email, 'not the password');
    expect(wrong.res.status).toBe(401);
    expect(wrong.res.text).toContain('Wrong email or password.');
    const unknown = await login(app.baseUrl, 'nobody@nowhere.test', PASSWORD);
    expect(unknown.res.status).toBe(401);
    expect(unknown.res.text).toContain('Wrong email or password.');
    const api = await wrong.admin.agent.get('/admin/api/resources/Order/actions/list').set(wrong.admin.headers());
    expect(api.status).toBe(401);
  });

  it('sends anonymous visitors to the login page and refuses the API', async () => {
    const page = await request(app.baseUrl).get('/admin/resources/Order');
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/admin/login');
    const api = await request(app.baseUrl).get('/admin/api/resources/Order/actions/list');
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('signs out: the session row is deleted and the old cookie no longer works', async () => {
    const user = await shopAdmin();
    const a = await loggedIn(app.baseUrl, user.email);
    expect((await a.agent.get('/admin/api/resources/Order/actions/list').set(a.headers())).status).toBe(200);
    const sid = decodeURIComponent(cookieValue(a.agent, app.baseUrl, 'ledgerline_admin')!)
      .slice(2)
      .split('.')[0]!;
    const out = await a.agent.get('/admin/logout');
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/admin/login');
    expect(await testDb().adminSession.findUnique({ where: { sid } })).toBeNull();
    expect((await a.agent.get('/admin/api/resources/Order/actions/list').set(a.headers())).status).toBe(401);
  });

  it('ends the session at once when the admin user is deleted', async () => {
    const user = await shopAdmin();
    const a = await loggedIn(app.baseUrl, user.email);
    await testDb().adminUser.delete({ where: { id: user.id } });
    expect((await a.agent.get('/admin/api/resources/Order/actions/list').set(a.headers())).status).toBe(401);
  });
});

describe('login throttling', () => {
  it('after 5 attempts on an account, backs off for 30 s (even for the right password), growing with each further attempt', async () => {
    const user = await shopAdmin();
    for (let i = 0; i < 5; i++) expect((await login(app.baseUrl, user.email, 'wrong')).res.status).toBe(401);
    const right = await login(app.baseUrl, user.email, PASSWORD);
    expect(right.res.status).toBe(429);
    expect(right.res.text).toContain('Too many failed sign-in attempts for this account. Try again in 30 seconds');
    expect((await right.admin.agent.get('/admin/api/resources/Order/actions/list').set(right.admin.headers())).status).toBe(401);

    now = new Date(now.getTime() + 31_000);
    expect((await login(app.baseUrl, user.email, 'wrong')).res.status).toBe(401); // the 6th attempt: 60 s now
    now = new Date(now.getTime() + 31_000);
    expect((await login(app.baseUrl, user.email, PASSWORD)).res.status).toBe(429);
    now = new Date(now.getTime() + 30_000);
    expect((await login(app.baseUrl, user.email, PASSWORD)).res.status).toBe(303);
    // Success clears the email's counter.
    expect(await testDb().loginThrottle.findUnique({ where: { key: `email:${user.email}` } })).toBeNull();
  });

  it('the back-off is short and capped: a stranger cannot keep the owner out for long', async () => {
    const { backoffSeconds } = await import('../../src/surfaces/admin/auth/login-throttle.js');
    expect(backoffSeconds(4)).toBe(0);
    expect(backoffSeconds(5)).toBe(30);
    expect(backoffSeconds(6)).toBe(60);
    expect(backoffSeconds(50)).toBe(15 * 60);
  });

  it('30 parallel wrong passwords: only the first 5 are checked, and the right one right after is refused', async () => {
    const user = await shopAdmin();
    const results = await Promise.all(Array.from({ length: 30 }, () => login(app.baseUrl, user.email, 'wrong')));
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    const attempts = await testDb().loginAttempt.groupBy({ by: ['outcome'], where: { email: user.email }, _count: true });
    expect(Object.fromEntries(attempts.map((a) => [a.outcome, a._count]))).toEqual({ wrong_password: 5, throttled: 25 });
    expect((await login(app.baseUrl, user.email, PASSWORD)).res.status).toBe(429);
  }, 180_000);

  it('the right password sent among 30 parallel wrong ones does not get in once the account is backed off', async () => {
    const user = await shopAdmin();
    for (let i = 0; i < 5; i++) await login(app.baseUrl, user.email, 'wrong');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login(app.baseUrl, user.email, i === 15 ? PASSWORD : 'wrong')));
    expect(results.every((r) => r.res.status === 429)).toBe(true);
  }, 180_000);

  /** A sign-in from the browser `admin` (its cookies, so its known-device proof), after opening the login page. */
  const signInFrom = async (admin: AdminAgent, email: string, password: string) => {
    await admin.agent.get('/admin/login').expect(200);
    return admin.agent.post('/admin/login').type('form').set('Origin', app.baseUrl).send({ email, password, _csrf: admin.csrf() });
  };

  it('a browser that signed in before is not held back by a stranger guessing at the account', async () => {
    const user = await shopAdmin();
    const owner = await login(app.baseUrl, user.email, PASSWORD);
    expect(owner.res.status).toBe(303);
    // A stranger (another browser, same network here) backs the account off.
    for (let i = 0; i < 6; i++) await login(app.baseUrl, user.email, 'wrong');
    expect((await login(app.baseUrl, user.email, PASSWORD)).res.status).toBe(429);
    // The owner's browser carries the known-device proof: signs in.
    await owner.admin.agent.get('/admin/logout');
    expect((await signInFrom(owner.admin, user.email, PASSWORD)).status).toBe(303);
  });

  it('a browser that signed in before a password reset is held back like any other (its proof was of the old password)', async () => {
    const user = await shopAdmin();
    const former = await login(app.baseUrl, user.email, PASSWORD);
    expect(former.res.status).toBe(303);
    await former.admin.agent.get('/admin/logout');
    // The owner resets the password (a former staff member's browser keeps its cookie)...
    const NEW_PASSWORD = 'a-brand-new-password-42';
    await createAdminAccountsService({ db: testDb() }).resetPassword({ email: user.email, password: NEW_PASSWORD });
    // ...and that browser guesses: the account backs off for it too. Before, its proof (an HMAC of the email)
    // still exempted it, for 90 days, from the account's back-off.
    for (let i = 0; i < 6; i++) await signInFrom(former.admin, user.email, `guess-${i}`);
    expect((await signInFrom(former.admin, user.email, NEW_PASSWORD)).status).toBe(429);
    // The owner, signing in with the new password after the back-off, gets a new proof that holds.
    now = new Date(now.getTime() + 16 * 60_000);
    const owner = await login(app.baseUrl, user.email, NEW_PASSWORD);
    expect(owner.res.status).toBe(303);
    await owner.admin.agent.get('/admin/logout');
    for (let i = 0; i < 6; i++) await login(app.baseUrl, user.email, 'wrong');
    expect((await signInFrom(owner.admin, user.email, NEW_PASSWORD)).status).toBe(303);
  });

  it('counts parallel attempts exactly (no lost updates under concurrency)', async () => {
    const user = await shopAdmin();
    await Promise.all(Array.from({ length: 4 }, () => login(app.baseUrl, user.email, 'wrong')));
    const row = await testDb().loginThrottle.findUniqueOrThrow({ where: { key: `email:${user.email}` } });
    expect(row.failures).toBe(4);
    expect(row.lockedUntil).toBeNull();
  });

  it('locks an IP after 20 attempts across many emails', async () => {
    const user = await shopAdmin();
    for (let i = 0; i < 20; i++) await login(app.baseUrl, `guess${i}@nowhere.test`, 'wrong');
    const res = await login(app.baseUrl, user.email, PASSWORD);
    expect(res.res.status).toBe(429);
    expect(res.res.text).toContain('Too many failed sign-in attempts from your network');
  }, 180_000);

  it("owners see recent sign-in attempts on their shop's accounts, not other shops'", async () => {
    const user = await shopAdmin();
    const stranger = await shopAdmin();
    await login(app.baseUrl, user.email, 'wrong');
    await login(app.baseUrl, stranger.email, 'wrong');
    const owner = await loggedIn(app.baseUrl, user.email);
    const page = await owner.agent.get('/admin/sign-in-attempts');
    expect(page.status).toBe(200);
    expect(page.text).toContain(user.email);
    expect(page.text).toContain('Wrong email or password');
    expect(page.text).toContain('Signed in');
    expect(page.text).not.toContain(stranger.email);
  });

  it("the panel menu links the sign-in attempts page, which lists the shop's attempts", async () => {
    const user = await shopAdmin();
    const stranger = await shopAdmin();
    await login(app.baseUrl, user.email, 'wrong');
    await login(app.baseUrl, stranger.email, 'wrong');
    const owner = await loggedIn(app.baseUrl, user.email);
    // The sidebar is drawn from the pages in the state AdminJS puts in the panel's HTML.
    const home = await owner.agent.get('/admin').redirects(1);
    const state = JSON.parse(/window\.REDUX_STATE = (\{.*\});\s*window\.THEME =/s.exec(home.text)?.[1] ?? '{}') as {
      pages?: { name: string }[];
      locale?: { translations?: { pages?: Record<string, string> } };
    };
    expect(state.pages?.map((p) => p.name)).toContain('signInAttempts');
    expect(home.text).toContain('"signInAttempts":"Sign-in attempts"');
    const page = await owner.agent.get('/admin/api/pages/signInAttempts').set(owner.headers());
    expect(page.status).toBe(200);
    const emails = (page.body.attempts as { email: string; outcome: string }[]).map((a) => a.email);
    expect(emails).toContain(user.email);
    expect(emails).not.toContain(stranger.email);
    expect(page.body.attempts).toEqual(
      expect.arrayContaining([expect.objectContaining({ email: user.email, outcome: 'Wrong email or password' })]),
    );
    expect(page.body.intro).toMatch(/your shop/);
  });
});

describe('secure cookies', () => {
  it('marks the session cookie Secure when COOKIE_SECURE is on (behind a TLS proxy)', async () => {
    const secure = await startAdminApp({ env: { COOKIE_SECURE: 'true' } });
    try {
      const res = await request(secure.baseUrl).get('/admin/login').set('X-Forwarded-Proto', 'https');
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      expect(cookies.find((c) => c.startsWith('ledgerline_admin='))).toMatch(/Secure/);
      expect(cookies.find((c) => c.startsWith('ledgerline_admin_csrf='))).toMatch(/Secure/);
      expect(res.text).not.toContain('only works over HTTPS');
      const plain = await request(secure.baseUrl).get('/admin/login');
      expect(plain.text).toContain('This panel only works over HTTPS (COOKIE_SECURE is on).');
    } finally {
      await secure.close();
    }
  });
});

describe('session secret rotation', () => {
  it('a session signed with the previous SESSION_SECRET stays valid while it is SESSION_SECRET_PREVIOUS', async () => {
    const user = await shopAdmin();
    const a = await loggedIn(app.baseUrl, user.email);
    const oldSecret = 'test-session-secret-test-session-secret'; // createTestApp's
    // The same clock as the instance that signed the session in (the store decides expiry by it).
    const rotated = await startAdminApp({
      clock,
      env: { SESSION_SECRET: 'rotated-session-secret-rotated-session-1', SESSION_SECRET_PREVIOUS: oldSecret },
    });
    const without = await startAdminApp({ clock, env: { SESSION_SECRET: 'rotated-session-secret-rotated-session-1' } });
    try {
      // The same browser session, presented to the rotated instances.
      const cookie = `ledgerline_admin=${cookieValue(a.agent, app.baseUrl, 'ledgerline_admin')}; ledgerline_admin_csrf=${a.csrf()}`;
      const list = (baseUrl: string) =>
        request(baseUrl).get('/admin/api/resources/Order/actions/list').set({ Cookie: cookie, Origin: baseUrl, 'X-CSRF-Token': a.csrf() });
      expect((await list(rotated.baseUrl)).status).toBe(200);
      expect((await list(without.baseUrl)).status).toBe(401);
    } finally {
      await rotated.close();
      await without.close();
    }
  });

  it('rolled through several instances in passes, a session signed by an instance in either pass is accepted by the other', async () => {
    const user = await shopAdmin();
    const oldSecret = 'test-session-secret-test-session-secret'; // createTestApp's
    const newSecret = 'rotated-session-secret-rotated-session-2';
    // Pass 1: the new secret accepted, the old one still signs. Pass 2: swapped. (docs/decisions/operating.md)
    const pass1 = await startAdminApp({ clock, env: { SESSION_SECRET: oldSecret, SESSION_SECRET_PREVIOUS: newSecret } });
    const pass2 = await startAdminApp({ clock, env: { SESSION_SECRET: newSecret, SESSION_SECRET_PREVIOUS: oldSecret } });
    try {
      for (const [signedBy, readBy] of [
        [pass2, pass1],
        [pass1, pass2],
      ] as const) {
        const a = await loggedIn(signedBy.baseUrl, user.email);
        const cookie = `ledgerline_admin=${cookieValue(a.agent, signedBy.baseUrl, 'ledgerline_admin')}; ledgerline_admin_csrf=${a.csrf()}`;
        const res = await request(readBy.baseUrl)
          .get('/admin/api/resources/Order/actions/list')
          .set({ Cookie: cookie, Origin: readBy.baseUrl, 'X-CSRF-Token': a.csrf() });
        expect(res.status).toBe(200);
      }
    } finally {
      await pass1.close();
      await pass2.close();
    }
  });
});
