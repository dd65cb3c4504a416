// Shop settings -> the TaxJar ship-from address, through the panel's edit route: its country follows the customer
// address form's rule (customers/address.schema.ts): upper-cased, and one ISO 3166-1 assigns. "us" used to be stored
// as typed and "ZZ" (any two letters) accepted, then sent to TaxJar as the origin. Now "ZZ" is refused under the
// field, nothing saved; "us" is stored "US", and every field of the address is read back as saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { expectOnly } from '../helpers/expect-only.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

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

/** AdminJS's form post (use-record's paramsToFormData): every param of the loaded record, with `change` over it. */
async function saveAsTheForm(change: Record<string, string>) {
  const form = await owner.agent.get(`/admin/api/resources/Tenant/records/${tenantId}/edit`).set(owner.headers());
  const params: Record<string, unknown> = { ...(form.body.record.params as Record<string, unknown>), ...change };
  // The address's fields replace its empty value (the form posts one or the other).
  if (Object.keys(change).some((k) => k.startsWith('taxjarFromAddress.'))) delete params.taxjarFromAddress;
  let req = owner.agent.post(`/admin/api/resources/Tenant/records/${tenantId}/edit`).set(owner.headers());
  for (const [k, v] of Object.entries(params)) {
    const sent =
      v === null
        ? '__FORM_VALUE_NULL__'
        : Array.isArray(v)
          ? '__FORM_VALUE_EMPTY_ARRAY__'
          : typeof v === 'object'
            ? '__FORM_VALUE_EMPTY_OBJECT__'
            : String(v);
    req = req.field(k, sent);
  }
  return req;
}

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
    const res = await saveAsTheForm(address(country));
    expect(res.body.notice?.type).toBe('error');
    expect(res.body.record.errors['taxjarFromAddress.country'].message).toMatch(/country code/);
    expectOnly(before, await db().tenant.findUniqueOrThrow({ where: { id: tenantId } }), {});
  });

  it('stores "us" as US with every other field as typed, and reads them back in the form', async () => {
    const before = await db().tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const res = await saveAsTheForm(address(' us '));
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const saved = { street: '1 Pike St', city: 'Seattle', state: 'WA', zip: '98101', country: 'US' };
    expectOnly(before, await db().tenant.findUniqueOrThrow({ where: { id: tenantId } }), { taxjarFromAddress: saved });
    const form = await owner.agent.get(`/admin/api/resources/Tenant/records/${tenantId}/edit`).set(owner.headers());
    expect(form.body.record.params).toMatchObject(address('US'));
  });
});
