// Shop settings saved at the same instant through the panel's API (the requests the edit form sends): no save
// loses another's change and none leaves a half-written row. Each ticked payment method is its own edit
// (platform/form-edits.ts sets), and the rules joining fields (TaxJar needs a ship-from address and its API key;
// address validation needs the API key; a processor method needs its working connection) are checked in the save's transaction with the shop's row locked, on the row as the
// save leaves it (resources/tenant-settings.rules.ts). The races are played with Promise.all, and with a transaction
// held open where the order must be forced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';
import { expectOnly, type Row } from '../helpers/expect-only.js';

let app: RunningAdmin;
const f = factories();
const ADDRESS = { street: '1 Pike St', city: 'Seattle', state: 'WA', zip: '98101', country: 'US' };

beforeAll(async () => {
  app = await startAdminApp();
});
afterAll(async () => {
  await app?.close();
});

/**
 * A shop selling in USD with Zelle on, a ship-from address and a TaxJar API key (TaxJar off), Square connected, and
 * two of its admins signed in. `taxjarApiKey: null`: without the key.
 */
async function shop(opts: { taxjarApiKey?: string | null; taxjarEnabled?: boolean; addressValidation?: boolean } = {}) {
  const tenant = await f.tenant({
    name: 'Race Shop',
    taxjarEnabled: opts.taxjarEnabled ?? false,
    addressValidation: opts.addressValidation ?? false,
    enabledPaymentMethods: ['ZELLE'],
    taxjarFromAddress: ADDRESS,
    taxjarApiKey: opts.taxjarApiKey === undefined ? 'tj_race_key_4321' : opts.taxjarApiKey,
  });
  await testDb().paymentConnection.create({
    data: { tenantId: tenant.id, provider: 'SQUARE', environment: 'production', status: 'CONNECTED', secrets: 'sealed' },
  });
  const ann = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
  const bob = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
  return { id: tenant.id, ann, bob };
}

/** The form's fields as it shows the shop's row `shown`, with `changes` over them. */
function form(
  shown: Row,
  changes: { methods?: string[]; taxjarEnabled?: boolean; addressValidation?: boolean; address?: typeof ADDRESS | null } = {},
) {
  const fields: Record<string, string> = {
    name: String(shown.name),
    currency: String(shown.currency),
    adminChannelId: (shown.adminChannelId as string | null) ?? '',
    inventoryTracking: String(shown.inventoryTracking),
    taxjarEnabled: String(changes.taxjarEnabled ?? shown.taxjarEnabled),
    taxjarApiKeyNew: '',
    addressValidation: String(changes.addressValidation ?? shown.addressValidation),
    roleRemovalPolicy: String(shown.roleRemovalPolicy),
    timeZone: String(shown.timeZone),
  };
  (shown.adminRoleIds as string[]).forEach((r, i) => (fields[`adminRoleIds.${i}`] = r));
  (changes.methods ?? (shown.enabledPaymentMethods as string[])).forEach((m, i) => (fields[`enabledPaymentMethods.${i}`] = m));
  const address = changes.address === undefined ? ADDRESS : changes.address;
  for (const k of Object.keys(ADDRESS) as (keyof typeof ADDRESS)[]) fields[`taxjarFromAddress.${k}`] = address?.[k] ?? '';
  return fields;
}

/** The save the edit form sends, with the row as `loaded` (the form opened before either save). */
function save(who: AdminAgent, id: string, loaded: { shownValuesJson: string }, fields: Record<string, string>) {
  let req = who.agent.post(`/admin/api/resources/Tenant/records/${id}/edit`).set(who.headers());
  for (const [k, v] of Object.entries({ ...fields, ...loaded })) req = req.field(k, v);
  return req.then((r) => r);
}

const row = (id: string) => testDb().tenant.findUniqueOrThrow({ where: { id } }) as Promise<Row>;

describe('shop settings saved by two admins at the same instant', () => {
  it('two forms ticking different payment methods: both saves succeed and both methods are kept', async () => {
    const { id, ann, bob } = await shop();
    const before = await row(id);
    const [annLoaded, bobLoaded] = [await loadedRow(ann, 'Tenant', id), await loadedRow(bob, 'Tenant', id)];
    const [a, b] = await Promise.all([
      save(ann, id, annLoaded, form(before, { methods: ['ZELLE', 'VENMO_P2P'] })),
      save(bob, id, bobLoaded, form(before, { methods: ['ZELLE', 'CASHAPP_PAY'] })),
    ]);
    expect([a.body.notice, b.body.notice]).toEqual([
      expect.objectContaining({ type: 'success' }),
      expect.objectContaining({ type: 'success' }),
    ]);
    const after = await row(id);
    // Zelle keeps its place; the two new ones follow in the order the saves committed.
    expect((after.enabledPaymentMethods as string[])[0]).toBe('ZELLE');
    expect([...(after.enabledPaymentMethods as string[])].sort()).toEqual(['CASHAPP_PAY', 'VENMO_P2P', 'ZELLE']);
    expectOnly(before, after, { enabledPaymentMethods: after.enabledPaymentMethods });
  });

  it('TaxJar switched on while the ship-from address is cleared: one save is refused, the row never has TaxJar without it', async () => {
    const { id, ann, bob } = await shop();
    const before = await row(id);
    const [annLoaded, bobLoaded] = [await loadedRow(ann, 'Tenant', id), await loadedRow(bob, 'Tenant', id)];
    const [on, cleared] = await Promise.all([
      save(ann, id, annLoaded, form(before, { taxjarEnabled: true })),
      save(bob, id, bobLoaded, form(before, { address: null })),
    ]);
    const notices = [on.body.notice?.type, cleared.body.notice?.type];
    expect(notices.sort()).toEqual(['error', 'success']);
    const refused = on.body.notice.type === 'error' ? on : cleared;
    expect(refused.body.notice.message).toMatch(/^TaxJar needs the address you ship from, and the shop has none saved/);
    expect(refused.body.record.errors.taxjarFromAddress.message).toMatch(/^TaxJar needs the address you ship from/);
    // Exactly the other save's change, whole: nothing of the refused one.
    const after = await row(id);
    if (refused === on) expectOnly(before, after, { taxjarFromAddress: null });
    else expectOnly(before, after, { taxjarEnabled: true, taxjarEnabledAt: after.taxjarEnabledAt });
  });

  it('TaxJar switched on in a shop without its API key: refused under the key field, nothing written; with the key it saves', async () => {
    const { id, ann } = await shop({ taxjarApiKey: null });
    const before = await row(id);
    const refused = await save(ann, id, await loadedRow(ann, 'Tenant', id), form(before, { taxjarEnabled: true }));
    expect(refused.body.notice).toMatchObject({ type: 'error', message: expect.stringMatching(/^TaxJar needs the shop's TaxJar API key/) });
    expect(refused.body.record.errors.taxjarApiKeyNew.message).toMatch(/no sales tax is charged/);
    expectOnly(before, await row(id), {});

    const saved = await save(ann, id, await loadedRow(ann, 'Tenant', id), {
      ...form(before, { taxjarEnabled: true }),
      taxjarApiKeyNew: 'tj_new_key_5678',
    });
    expect(saved.body.notice).toMatchObject({ type: 'success' });
    const after = await row(id);
    expect(after).toMatchObject({ taxjarEnabled: true });
    expect(app.services.secrets.decrypt(String(after.taxjarApiKey))).toBe('tj_new_key_5678');
  });

  it('Address validation ticked while a colleague removes the TaxJar API key: one save is refused, the row never has validation without the key', async () => {
    const { id, ann, bob } = await shop();
    const before = await row(id);
    const [annLoaded, bobLoaded] = [await loadedRow(ann, 'Tenant', id), await loadedRow(bob, 'Tenant', id)];
    const [ticked, removed] = await Promise.all([
      save(ann, id, annLoaded, form(before, { addressValidation: true })),
      save(bob, id, bobLoaded, { ...form(before), taxjarApiKeyNew: '-' }),
    ]);
    expect([ticked.body.notice?.type, removed.body.notice?.type].sort()).toEqual(['error', 'success']);
    const refused = ticked.body.notice.type === 'error' ? ticked : removed;
    expect(refused.body.notice.message).toMatch(/^Address validation checks addresses with TaxJar and needs the shop's TaxJar API key/);
    expect(refused.body.record.errors.addressValidation.message).toMatch(/untick Address validation/);
    // Exactly the other save's change, whole: nothing of the refused one.
    const after = await row(id);
    if (refused === ticked) expectOnly(before, after, { taxjarApiKey: null });
    else expectOnly(before, after, { addressValidation: true });
  });

  it('Address validation ticked in a shop without a TaxJar API key: refused under the box, nothing written; with the key typed in the same save it saves', async () => {
    const { id, ann } = await shop({ taxjarApiKey: null });
    const before = await row(id);
    const refused = await save(ann, id, await loadedRow(ann, 'Tenant', id), form(before, { addressValidation: true }));
    expect(refused.body.notice).toMatchObject({ type: 'error', message: expect.stringMatching(/^Address validation checks addresses/) });
    expect(refused.body.record.errors.addressValidation.message).toMatch(/Without the key no address is checked/);
    expectOnly(before, await row(id), {});

    const saved = await save(ann, id, await loadedRow(ann, 'Tenant', id), {
      ...form(before, { addressValidation: true }),
      taxjarApiKeyNew: 'tj_check_key_1357',
    });
    expect(saved.body.notice).toMatchObject({ type: 'success' });
    const after = await row(id);
    expectOnly(before, after, { addressValidation: true, taxjarApiKey: after.taxjarApiKey });
    expect(app.services.secrets.decrypt(String(after.taxjarApiKey))).toBe('tj_check_key_1357');
  });

  it('a shop saved before the rule with address validation on and no key is told at its next save; unticking it saves', async () => {
    const { id, ann } = await shop({ taxjarApiKey: null, addressValidation: true });
    const before = await row(id);
    const renamed = await save(ann, id, await loadedRow(ann, 'Tenant', id), { ...form(before), name: 'Race Shop East' });
    expect(renamed.body.notice).toMatchObject({ type: 'error', message: expect.stringMatching(/^Address validation checks addresses/) });
    expectOnly(before, await row(id), {});
    const unticked = await save(ann, id, await loadedRow(ann, 'Tenant', id), {
      ...form(before, { addressValidation: false }),
      name: 'Race Shop East',
    });
    expect(unticked.body.notice).toMatchObject({ type: 'success' });
    expectOnly(before, await row(id), { name: 'Race Shop East', addressValidation: false });
  });

  it('TaxJar switched off while a colleague ticks address validation: both kept, as validation asks TaxJar with the key alone', async () => {
    const { id, ann, bob } = await shop({ taxjarEnabled: true });
    const before = await row(id);
    const [annLoaded, bobLoaded] = [await loadedRow(ann, 'Tenant', id), await loadedRow(bob, 'Tenant', id)];
    const [off, ticked] = await Promise.all([
      save(ann, id, annLoaded, form(before, { taxjarEnabled: false })),
      save(bob, id, bobLoaded, form(before, { addressValidation: true })),
    ]);
    expect([off.body.notice?.type, ticked.body.notice?.type]).toEqual(['success', 'success']);
    const after = await row(id);
    expectOnly(before, after, { taxjarEnabled: false, addressValidation: true, taxjarEnabledAt: after.taxjarEnabledAt });
    expect(after.taxjarApiKey).toBe(before.taxjarApiKey);
  });

  it('Cash App Pay ticked while its Square connection is being disconnected: refused once the disconnect commits, naming it', async () => {
    const { id, ann } = await shop();
    const before = await row(id);
    const loaded = await loadedRow(ann, 'Tenant', id);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockedNow = new Promise<void>((resolve) => (locked = resolve));
    // A disconnect in progress, as Settings -> Payments makes it: the connection's secrets erased and the shop's
    // row locked to switch its methods off, not committed yet.
    const disconnecting = testDb().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM tenants WHERE id = ${id} FOR UPDATE`;
        await tx.paymentConnection.updateMany({ where: { tenantId: id }, data: { status: 'DISCONNECTED', secrets: null } });
        locked();
        await held;
      },
      { timeout: 120_000 },
    );
    await lockedNow;
    const saving = save(ann, id, loaded, form(before, { methods: ['ZELLE', 'CASHAPP_PAY'] }));
    await waitFor('the settings save waits for the shop row', () => waitingOnLock());
    release();
    await disconnecting;
    const res = await saving;
    expect(res.body.notice).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/^Cash App Pay can be switched on only while the shop's Square \(Cash App Pay\) connection works/),
    });
    expect(res.body.record.errors.enabledPaymentMethods.message).toMatch(/^Cash App Pay can be switched on only/);
    expectOnly(before, await row(id), {});
  });
});

/** Whether a session of this database waits for a row lock (the save under test: nothing else runs here). */
async function waitingOnLock(): Promise<boolean> {
  const [r] = await testDb().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return (r?.n ?? 0) > 0;
}
