// A price typed with cents in a currency the runtime prints without them (Pakistani rupee, Indonesian rupiah,
// Colombian peso, CFA franc ...), through the panel's routes: the form saves "24.50" as 2450 cents and the edit form
// shows 24.50 again, but the list and the show page printed "PKR 25": every place that formats money (Discord, the
// invoice page) rounded away what the shop charges. Amounts are now printed with the decimals the shop types them in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loggedIn, postForm, shownParams, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const db = testDb();
const f = factories();
let app: RunningAdmin;
let admin: AdminAgent;
let tenantId = '';

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant({ name: 'Rupee Shop', currency: 'PKR' })).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

describe('money in a currency printed without decimals by default', () => {
  it('a product saved at 24.50 PKR reads 24.50 on its list, show and edit pages', async () => {
    const res = await postForm(admin, '/resources/Product/actions/new', {
      sku: 'RUP-1',
      name: 'Chai',
      price: '24.50',
      currency: 'PKR',
      active: 'true',
      trackStock: 'false',
      stock: '0',
      sortOrder: '0',
    });
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const row = await db.product.findFirstOrThrow({ where: { tenantId, sku: 'RUP-1' } });
    expect(row).toMatchObject({ unitPriceCents: 2450, currency: 'PKR', name: 'Chai', active: true, trackStock: false, stock: 0 });

    const norm = (s: unknown) => String(s).replace(/\s/g, ' ');
    expect(norm((await shownParams(admin, 'Product', row.id, 'show')).price)).toBe('PKR 24.50');
    expect((await shownParams(admin, 'Product', row.id, 'edit')).price).toBe('24.50');
    const list = await admin.agent.get('/admin/api/resources/Product/actions/list').set(admin.headers());
    const listed = (list.body.records as { id: string; params: Record<string, unknown> }[]).find((r) => r.id === row.id)!;
    expect(norm(listed.params.price)).toBe('PKR 24.50');
  });
});
