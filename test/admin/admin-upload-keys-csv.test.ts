// Products -> Upload keys, through the panel's route: a CSV whose key holds a comma, which a spreadsheet writes in
// quotes ("AB,CD-1"), stored the text before the comma with its opening quote (`"AB`): a customer who paid was sent
// that as their licence key. Every key is now stored as the CSV holds it, and the stock counts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const db = testDb();
const f = factories();
let app: RunningAdmin;
let admin: AdminAgent;
let tenantId = '';

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant({ name: 'Key Shop' })).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

describe('Upload keys: a CSV with quoted keys', () => {
  it('stores each key as the CSV holds it, commas and quotes inside quotes included', async () => {
    const product = await f.product({ tenantId, name: 'Game key', trackStock: true, stock: 0 });
    const csv = ['key,order', '"AB,CD-1",1001', '"EF""GH-2",1002', 'IJ-3,1003', ' "KL, MN-4" ,1004', '"OP-5"'].join('\r\n');
    const res = await admin.agent
      .post(`/admin/api/resources/Product/records/${product.id}/uploadKeys`)
      .set(admin.headers())
      .send({ keys: csv });
    expect(res.body.notice).toMatchObject({ type: 'success', message: '5 keys added; 5 available.' });
    const keys = await db.productKey.findMany({ where: { productId: product.id }, orderBy: { code: 'asc' } });
    expect(keys.map((k) => k.code)).toEqual(['AB,CD-1', 'EF"GH-2', 'IJ-3', 'KL, MN-4', 'OP-5']);
    expect(await db.product.findUniqueOrThrow({ where: { id: product.id } })).toMatchObject({
      digitalKind: 'LICENSE_KEY',
      trackStock: true,
      stock: 5,
    });
  });

  it.each(['"AB,CD-1,1001', '"AB"CD,1'])(
    'refuses %s (a quote that does not close its field), naming the line; nothing stored',
    async (bad) => {
      const product = await f.product({ tenantId, name: `Game key ${bad.length}`, trackStock: true, stock: 0 });
      const res = await admin.agent
        .post(`/admin/api/resources/Product/records/${product.id}/uploadKeys`)
        .set(admin.headers())
        .send({ keys: ['GOOD-1', bad].join('\n') });
      expect(JSON.stringify(res.body)).toContain('Line 2: a quoted key without its closing quote');
      expect(await db.productKey.count({ where: { productId: product.id } })).toBe(0);
    },
  );
});
