// "Tax & exports" (pages/tax-report.page.ts) reads ?months= as digits only: "1e1", "0x10", "+6" or "6.0" are no
// number of months the page itself would link to, and were read by Number() as 10, 16 and 6; they are refused with
// the report's own words, as "99" is. Through the AdminJS page API, as the panel's frontend calls it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let admin: AdminAgent;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
  const tenantId = (await f.tenant({})).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

const page = (query: string) => admin.agent.get(`/admin/api/pages/tax${query}`).set(admin.headers());

describe('Tax & exports, months asked for', () => {
  it.each(['1e1', '0x10', '+6', '6.0', ' 6', '', 'six'])("refuses months=%j with the report's words, showing no months", async (value) => {
    const res = await page(`?months=${encodeURIComponent(value)}`);
    expect(res.status).toBe(200);
    expect(res.body.notice).toEqual({ type: 'error', message: 'months must be a whole number from 1 to 36.' });
    expect(res.body.months).toBeUndefined();
  });

  it('takes digits (and none at all: 12 months)', async () => {
    expect((await page('?months=6')).body.months).toHaveLength(6);
    expect((await page('?months=36')).body.months).toHaveLength(36);
    expect((await page('')).body.months).toHaveLength(12);
  });
});
