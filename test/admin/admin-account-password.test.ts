// "Change password" page: a signed-in admin changes their own password through the panel's page API,
// with the current password; their other sessions end, this one stays; the new password signs in.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { login, loggedIn, PASSWORD, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let email: string;
const f = factories();
const NEW = 'a brand new passphrase 7';

beforeAll(async () => {
  app = await startAdminApp();
  email = (await f.adminUser({ tenantId: (await f.tenant()).id, role: 'TENANT_STAFF' })).email;
});
afterAll(async () => {
  await app?.close();
});

const change = (who: AdminAgent, body: Record<string, string>) =>
  who.agent.post('/admin/api/pages/changePassword').set(who.headers()).send(body);

describe('change own password in the panel', () => {
  it('needs the current password and a matching confirmation, then ends the other sessions only', async () => {
    const me = await loggedIn(app.baseUrl, email);
    const otherBrowser = await loggedIn(app.baseUrl, email);

    const page = await me.agent.get('/admin/api/pages/changePassword').set(me.headers());
    expect(page.body).toMatchObject({ email, minLength: 12 });

    const wrong = await change(me, { currentPassword: 'not my password!', newPassword: NEW, confirmPassword: NEW });
    expect(wrong.body.notice).toEqual({ type: 'error', message: 'The current password is not correct.' });
    const mismatch = await change(me, { currentPassword: PASSWORD, newPassword: NEW, confirmPassword: `${NEW}x` });
    expect(mismatch.body.notice.type).toBe('error');
    const short = await change(me, { currentPassword: PASSWORD, newPassword: 'short', confirmPassword: 'short' });
    expect(short.body.notice.message).toContain('at least 12 characters');

    const ok = await change(me, { currentPassword: PASSWORD, newPassword: NEW, confirmPassword: NEW });
    expect(ok.body).toMatchObject({ changed: true, notice: { type: 'success' } });
    expect(ok.body.notice.message).toContain('1 other session was signed out');

    // This browser stays signed in; the other one is out.
    expect((await me.agent.get('/admin/api/pages/changePassword').set(me.headers())).status).toBe(200);
    expect((await otherBrowser.agent.get('/admin/api/pages/changePassword').set(otherBrowser.headers())).status).toBe(401);
    expect((await login(app.baseUrl, email, PASSWORD)).res.status).not.toBe(303);
    expect((await login(app.baseUrl, email, NEW)).res.status).toBe(303);
  });

  it('is refused without a signed-in session', async () => {
    const res = await request(app.baseUrl)
      .post('/admin/api/pages/changePassword')
      .set('Origin', app.baseUrl)
      .send({ newPassword: NEW, confirmPassword: NEW });
    expect([401, 403]).toContain(res.status);
  });
});
