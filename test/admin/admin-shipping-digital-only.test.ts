// A shipping type's "Digital only" (shipping_types.digitalOnly: offered only for carts whose every item is
// digital, checkout/selection-rules.ts shipping.digitalOnly) is saved by the panel's New and Edit forms and
// read back by its show and edit pages, as the panel's API serves them.
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

const shown = (who: AdminAgent, id: string, action: 'show' | 'edit') => shownParams(who, 'ShippingType', id, action);

it('New and Edit save "Digital only" and the show and edit pages read it back, with every other field', async () => {
  const tenant = await f.tenant({ currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'] });
  const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);

  const created = await post(admin, '/resources/ShippingType/actions/new', {
    name: 'Digital delivery',
    price: '0',
    active: 'true',
    digitalOnly: 'true',
    sortOrder: '3',
  });
  expect(created.body.record?.errors ?? {}).toEqual({});
  const row = await testDb().shippingType.findFirstOrThrow({ where: { tenantId: tenant.id } });
  expect(row).toMatchObject({ name: 'Digital delivery', priceCents: 0, active: true, digitalOnly: true, sortOrder: 3 });
  expect(await shown(admin, row.id, 'show')).toMatchObject({ name: 'Digital delivery', active: true, digitalOnly: true, sortOrder: 3 });
  expect(await shown(admin, row.id, 'edit')).toMatchObject({ digitalOnly: true });

  // Edit: switched off, everything else as it was.
  const edited = await post(admin, `/resources/ShippingType/records/${row.id}/edit`, {
    name: 'Digital delivery',
    price: '0.00',
    active: 'true',
    digitalOnly: 'false',
    sortOrder: '3',
  });
  expect(edited.body.record?.errors ?? {}).toEqual({});
  const after = await testDb().shippingType.findUniqueOrThrow({ where: { id: row.id } });
  expect(after).toMatchObject({ name: 'Digital delivery', priceCents: 0, active: true, digitalOnly: false, sortOrder: 3 });
  expect(await shown(admin, row.id, 'show')).toMatchObject({ digitalOnly: false });
});
