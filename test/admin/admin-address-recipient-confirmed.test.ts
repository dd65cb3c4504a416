// A saved address's "Recipient name confirmed" (addresses.nameTyped; customers/address.store.ts hasTypedRecipient):
// an address saved before Discord's address form asked for the recipient holds the customer's Discord name, and
// picking it asks for the name. The panel shows the flag and saves it as its box shows it (an admin who corrected
// the name ticks it, as for a new address they name); every other field is read back as saved.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, postForm as post, shownParams, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
});
afterAll(async () => {
  await app?.close();
});

const shown = (who: AdminAgent, id: string, action: 'show' | 'edit') => shownParams(who, 'Address', id, action);

const where = { line1: '400 Queen St W', line2: 'Unit 12', city: 'Toronto', state: 'ON', postalCode: 'M5V 2A8', country: 'CA' };
const form = (customerId: string, extra: Record<string, string>) => ({ customer: customerId, ...where, ...extra });

it('a new address is confirmed when its box is ticked, as the form shows it', async () => {
  const tenant = await f.tenant({ currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'] });
  const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
  const customer = await f.customer({ tenantId: tenant.id });

  const made = await post(admin, '/resources/Address/actions/new', form(customer.id, { name: 'Jordan Lake', nameTyped: 'true' }));
  expect(made.body.record?.errors ?? {}).toEqual({});
  const row = await testDb().address.findFirstOrThrow({ where: { customerId: customer.id } });
  expect(row).toMatchObject({ tenantId: tenant.id, name: 'Jordan Lake', nameTyped: true, ...where });
  expect(await shown(admin, row.id, 'show')).toMatchObject({ name: 'Jordan Lake', nameTyped: true, ...where });

  const unticked = await post(admin, '/resources/Address/actions/new', form(customer.id, { name: 'Sam Lake', line1: '1 King St' }));
  expect(unticked.body.record?.errors ?? {}).toEqual({});
  expect(await testDb().address.findFirstOrThrow({ where: { customerId: customer.id, line1: '1 King St' } })).toMatchObject({
    name: 'Sam Lake',
    nameTyped: false,
  });

  const nameless = await post(admin, '/resources/Address/actions/new', form(customer.id, { line1: '2 King St' }));
  expect(nameless.body.record?.errors ?? {}).toEqual({});
  expect(await testDb().address.findFirstOrThrow({ where: { customerId: customer.id, line1: '2 King St' } })).toMatchObject({
    name: null,
    nameTyped: false,
  });
});

it("an admin corrects an old address's Discord name and ticks it: saved with every other field as it was", async () => {
  const tenant = await f.tenant({ currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'] });
  const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
  const customer = await f.customer({ tenantId: tenant.id });
  const old = await f.address({ tenantId: tenant.id, customerId: customer.id, name: 'jordan_1999', nameTyped: false, ...where });
  expect(await shown(admin, old.id, 'edit')).toMatchObject({ name: 'jordan_1999', nameTyped: false });

  // Only the city changed: the flag stays as it was shown.
  const cityOnly = await post(
    admin,
    `/resources/Address/records/${old.id}/edit`,
    form(customer.id, { name: 'jordan_1999', nameTyped: 'false', city: 'Ottawa' }),
  );
  expect(cityOnly.body.record?.errors ?? {}).toEqual({});
  expect(await testDb().address.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ city: 'Ottawa', nameTyped: false });

  const fixed = await post(
    admin,
    `/resources/Address/records/${old.id}/edit`,
    form(customer.id, { name: 'Jordan Lake', nameTyped: 'true', city: 'Ottawa' }),
  );
  expect(fixed.body.record?.errors ?? {}).toEqual({});
  const after = await testDb().address.findUniqueOrThrow({ where: { id: old.id } });
  expect(after).toMatchObject({ name: 'Jordan Lake', nameTyped: true, ...where, city: 'Ottawa', customerId: customer.id });
  expect(await shown(admin, old.id, 'show')).toMatchObject({ name: 'Jordan Lake', nameTyped: true, city: 'Ottawa' });
});

it('a box ticked without a recipient name is refused under it (the customer would still be asked)', async () => {
  const tenant = await f.tenant({ currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'] });
  const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
  const customer = await f.customer({ tenantId: tenant.id });
  const refusal = { nameTyped: { message: "Enter the recipient's name to confirm it, or untick this box." } };

  const made = await post(admin, '/resources/Address/actions/new', form(customer.id, { name: '  ', nameTyped: 'true' }));
  expect(made.body.record?.errors).toMatchObject(refusal);
  expect(await testDb().address.count({ where: { customerId: customer.id } })).toBe(0);

  const old = await f.address({ tenantId: tenant.id, customerId: customer.id, name: null, nameTyped: false, ...where });
  const edited = await post(admin, `/resources/Address/records/${old.id}/edit`, form(customer.id, { name: '', nameTyped: 'true' }));
  expect(edited.body.record?.errors).toMatchObject(refusal);
  expect(await testDb().address.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ name: null, nameTyped: false });
});
