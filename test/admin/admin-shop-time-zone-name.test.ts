// Shop settings -> Time zone, through the panel's edit route: a name the runtime reads one way and PostgreSQL another
// is refused under the field, nothing saved. "BST" was saved: the panel (ICU) then printed every date in Bangladesh
// time (UTC+6), while the exports' and the tax report's days (PostgreSQL `AT TIME ZONE`) were British Summer Time
// (UTC+1); "IST" was India in the panel and Israel in the reports; "PST" followed daylight saving in the panel and
// not in the reports. A region name ("Europe/London") is saved, and every other column is left as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { expectOnly } from '../helpers/expect-only.js';
import { loggedIn, saveAsTheForm, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const db = () => testDb();
let app: RunningAdmin;
let owner: AdminAgent;
let tenantId = '';

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await factories().tenant({ name: 'Zone Goods', timeZone: 'America/New_York', enabledPaymentMethods: ['VENMO_P2P'] })).id;
  owner = await loggedIn(app.baseUrl, (await factories().adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

/** 2026-07-01 12:00 UTC as the shop's wall clock, read by PostgreSQL (the reports) and by the panel (Intl). */
async function wallClocks(zone: string): Promise<{ postgres: string; panel: string }> {
  const [row] = await db().$queryRaw<
    { t: string }[]
  >`SELECT to_char(('2026-07-01 12:00Z'::timestamptz AT TIME ZONE ${zone}), 'HH24:MI') AS t`;
  const panel = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    new Date('2026-07-01T12:00:00Z'),
  );
  return { postgres: row!.t, panel };
}

describe('Shop settings: the time zone is a region name, read alike by the panel and the reports', () => {
  it.each(['BST', 'IST', 'PST', 'AST'])('refuses %s under Time zone and saves nothing', async (zone) => {
    // Why: the two readings of the name differ.
    const clocks = await wallClocks(zone);
    expect(clocks.postgres).not.toBe(clocks.panel);
    const before = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const res = await saveAsTheForm(owner, 'Tenant', tenantId, { timeZone: zone });
    expect(res.body.notice?.type).toBe('error');
    expect(res.body.record.errors.timeZone.message).toMatch(/IANA time zone name/);
    // The form keeps what was typed.
    expect(res.body.record.params.timeZone).toBe(zone);
    expectOnly(before, await db().tenant.findUniqueOrThrow({ where: { id: tenantId } }), {});
  });

  it('saves a region name, and only it', async () => {
    const before = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const res = await saveAsTheForm(owner, 'Tenant', tenantId, { timeZone: 'Europe/London' });
    expect(res.body.notice).toMatchObject({ type: 'success' });
    expectOnly(before, await db().tenant.findUniqueOrThrow({ where: { id: tenantId } }), { timeZone: 'Europe/London' });
    const clocks = await wallClocks('Europe/London');
    expect(clocks).toEqual({ postgres: '13:00', panel: '13:00' });
  });

  it('saves UTC, and an untouched form saves nothing', async () => {
    const res = await saveAsTheForm(owner, 'Tenant', tenantId, { timeZone: 'UTC' });
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const before = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(before.timeZone).toBe('UTC');
    expect((await saveAsTheForm(owner, 'Tenant', tenantId, {})).body.notice).toMatchObject({ type: 'success' });
    expectOnly(before, await db().tenant.findUniqueOrThrow({ where: { id: tenantId } }), {});
  });
});
