// Shop settings -> the TaxJar ship-from address, through the panel's edit route: its country follows the customer
// address form's rule (customers/address.schema.ts): upper-cased, and one ISO 3166-1 assigns. "us" used to be stored
// as typed and "ZZ" (any two letters) accepted, then sent to TaxJar as the origin. Now "ZZ" is refused under the
// field, nothing saved; "us" is stored "US", and every field of the address is read back as saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { expectOnly } from '../helpers/expect-only.js';
import { loggedIn, saveAsTheForm, shownParams, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const db = () => testDb();
let app: RunningAdmin;
let owner: AdminAgent;
let tenantId = '';

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await factories().tenant({ name: 'Origin Goods', enabledPaymentMethods: ['VENMO_P2P'] })).id;
  owner = await loggedIn(app.baseUrl, (await factories().adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

const address = (country: string) => ({
  'taxjarFromAddress.street': '1 Pike St',
  'taxjarFromAddress.city': 'Seattle',
  'taxjarFromAddress.state': 'WA',
  'taxjarFromAddress.zip': '98101',
  'taxjarFromAddress.country': country,
});

describe('Shop settings: the ship-from country is a real country, stored upper-case', () => {
  it.each(['ZZ', 'UK', 'zz'])('refuses %s under Country and saves nothing', async (country) => {
    const before = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const res = await saveAsTheForm(owner, 'Tenant', tenantId, address(country));
    expect(res.body.notice?.type).toBe('error');
    expect(res.body.record.errors['taxjarFromAddress.country'].message).toMatch(/country code/);
    expectOnly(before, await db().tenant.findUniqueOrThrow({ where: { id: tenantId } }), {});
  });

  it('stores "us" as US with every other field as typed, and reads them back in the form', async () => {
    const before = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const res = await saveAsTheForm(owner, 'Tenant', tenantId, address(' us '));
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const saved = { street: '1 Pike St', city: 'Seattle', state: 'WA', zip: '98101', country: 'US' };
    expectOnly(before, await db().tenant.findUniqueOrThrow({ where: { id: tenantId } }), { taxjarFromAddress: saved });
    expect(await shownParams(owner, 'Tenant', tenantId, 'edit')).toMatchObject(address('US'));
  });
});
