// A failed panel sign-in is logged without the email typed (personal data, as names and addresses are: the
// logger redacts it; the owners read the attempts, with their emails, on the sign-in attempts page).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { login, startAdminApp, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let out = '';
const f = factories();

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += chunk;
      cb();
    },
  });
  app = await startAdminApp({ logger: createLogger({ level: 'info', pretty: false, destination: sink }) });
});
afterAll(async () => {
  await app?.close();
});

const logLines = () =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a failed panel sign-in in the log', () => {
  it('is logged with the client but not the email, for a known account and an unknown one', async () => {
    const tenant = await f.tenant();
    const owner = await f.adminUser({ tenantId: tenant.id, email: 'jane.owner@shop.example' });
    expect((await login(app.baseUrl, owner.email, 'not the password')).res.status).toBe(401);
    expect((await login(app.baseUrl, 'typo.jane@shop.example', 'not the password')).res.status).toBe(401);

    const failed = logLines().filter((l) => l.msg === 'admin login failed');
    expect(failed).toHaveLength(2);
    for (const line of failed) expect(line).toMatchObject({ email: '[redacted]', ip: expect.any(String) });
    expect(out).not.toContain('jane.owner');
    expect(out).not.toContain('typo.jane');
    // The attempts keep the email for the owners to review.
    expect((await testDb().loginAttempt.findMany({ orderBy: { at: 'asc' } })).map((a) => a.email)).toEqual([
      'jane.owner@shop.example',
      'typo.jane@shop.example',
    ]);
  });

  it('redacts an email one level down in any logged object, as a name or an address', () => {
    let line = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        line += chunk;
        cb();
      },
    });
    createLogger({ level: 'info', pretty: false, destination: sink }).info({ admin: { id: 'adm_1', email: 'ops@shop.example' } }, 'acted');
    expect(line).toContain('adm_1');
    expect(line).not.toContain('ops@shop.example');
  });
});
