// Every panel form refuses text that cannot be stored (a NUL character, an unpaired surrogate) as a field error,
// and saves nothing (resources/storable-form-text.ts). Before, a NUL in a product's name answered 400 "Invalid
// list, filter or sort parameters." with no notice, and one in an order's notes "Something went wrong".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
const f = factories();
let tenantId: string;

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant({})).id;
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

const post = (path: string) => a.agent.post(`/admin/api${path}`).set(a.headers());
const NUL_FIELD = 'This field contains a NUL character (\\0), which cannot be saved. Remove it and try again.';

describe('text that cannot be stored, typed into a panel form', () => {
  it('a new product with a NUL in its name and description: both named under their fields, nothing created', async () => {
    let req = post('/resources/Product/actions/new');
    const fields = { sku: 'NUL-1', name: 'Hat\u0000', description: 'A\u0000hat', price: '1.00', currency: 'usd', active: 'true' };
    for (const [k, v] of Object.entries({ ...fields, trackStock: 'false', stock: '0', sortOrder: '1' })) req = req.field(k, v);
    const res = await req.expect(200);
    expect(res.body.notice).toEqual({ type: 'error', message: 'Nothing was saved: Name, Description hold text that cannot be saved.' });
    expect(res.body.record.errors).toEqual({ name: { message: NUL_FIELD }, description: { message: NUL_FIELD } });
    expect(await testDb().product.count({ where: { tenantId, sku: 'NUL-1' } })).toBe(0);
  });

  it("an order's notes with a NUL: named under the field, the order unchanged", async () => {
    const customer = await f.customer({ tenantId });
    const order = await f.order({ tenantId, customerId: customer.id, status: 'PAID', paymentStatus: 'paid', notes: 'before' });
    const { shownValuesJson } = await loadedRow(a, 'Order', order.id);
    const res = await post(`/resources/Order/records/${order.id}/edit`)
      .field('notes', 'after\u0000')
      .field('trackingNumber', 'TRACK-TYPED')
      .field('shownValuesJson', shownValuesJson);
    expect(res.body.notice).toEqual({ type: 'error', message: 'Nothing was saved: Notes holds text that cannot be saved.' });
    expect(res.body.record.errors.notes).toEqual({ message: NUL_FIELD });
    // The form comes back as typed, every field (it came back as stored, the tracking number lost: review).
    expect(res.body.record.params).toMatchObject({ notes: 'after\u0000', trackingNumber: 'TRACK-TYPED' });
    expect(await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ notes: 'before', trackingNumber: null });
  });

  it('someone who may not perform the action is refused for that, not told about a field', async () => {
    const res = await post('/resources/Guild/actions/new').field('guildId', '1\u0000').field('tenant', tenantId);
    expect(JSON.stringify(res.body)).not.toContain('cannot be saved');
    expect(res.status === 403 || res.body.notice?.type === 'error').toBe(true);
  });

  it("a field inside a group (Settings' Venmo handle) is named as the form names it", async () => {
    const { shownValuesJson } = await loadedRow(a, 'Tenant', tenantId);
    const res = await post(`/resources/Tenant/records/${tenantId}/edit`)
      .field('paymentInstructions.VENMO_P2P.handle', '@shop\u0000')
      .field('shownValuesJson', shownValuesJson);
    expect(res.body.notice).toEqual({ type: 'error', message: 'Nothing was saved: Venmo handle holds text that cannot be saved.' });
    expect(res.body.record.errors['paymentInstructions.VENMO_P2P.handle']).toEqual({ message: NUL_FIELD });
  });

  it('a whole emoji and other text are saved as typed', async () => {
    let req = post('/resources/Product/actions/new');
    for (const [k, v] of Object.entries({
      sku: 'EMOJI-1',
      name: 'Hat 🎩 é',
      price: '1.00',
      currency: 'usd',
      active: 'true',
      trackStock: 'false',
      stock: '0',
      sortOrder: '1',
    }))
      req = req.field(k, v);
    expect((await req).body.notice.type).toBe('success');
    expect((await testDb().product.findFirstOrThrow({ where: { tenantId, sku: 'EMOJI-1' } })).name).toBe('Hat 🎩 é');
  });
});
