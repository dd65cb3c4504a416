// Catalog -> Discount assignments, New, for a customer who already has that discount: the save is refused as a
// duplicate, and the refusal belongs under the Customer field (scoped-resource.ts write()). The constraint names
// discountId, whose "id" was matched first, so the field error went to "id", which the form has no field for: the
// form marked nothing, and only the notice (gone after a few seconds) said why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, postForm, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
const f = factories();
let tenantId: string;

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant()).id;
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

describe('Discount assignment: the same discount for the same customer twice', () => {
  it('is refused under the Customer field, and one assignment stays', async () => {
    const discount = await f.discount({ tenantId, scope: 'ASSIGNED' });
    const customer = await f.customer({ tenantId });
    const first = await postForm(a, '/resources/DiscountAssignment/actions/new', { discount: discount.id, customer: customer.id });
    expect(first.body.notice).toMatchObject({ type: 'success' });
    const again = await postForm(a, '/resources/DiscountAssignment/actions/new', { discount: discount.id, customer: customer.id });
    expect(again.body.notice).toMatchObject({ type: 'error', message: 'A record with these values already exists.' });
    expect(again.body.record.errors).toEqual({ customer: { message: 'This value is already used by another record.' } });
    expect(await testDb().discountAssignment.count({ where: { discountId: discount.id, customerId: customer.id } })).toBe(1);
  });

  it('still refuses a duplicate SKU under SKU', async () => {
    await f.product({ tenantId, sku: 'DUP-ASSIGN-1' });
    const res = await postForm(a, '/resources/Product/actions/new', {
      sku: 'DUP-ASSIGN-1',
      name: 'Second',
      price: '1.00',
      currency: 'USD',
      stock: '0',
      sortOrder: '0',
    });
    expect(res.body.record.errors).toEqual({ sku: { message: 'This value is already used by another record.' } });
  });
});
