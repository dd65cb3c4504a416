// An edit save that does not carry the record as its form loaded it (a tab opened before forms carried it, a
// hand-made POST) is refused, for every resource whose save compares with it (the scoped adapter's and the order
// form's): without it a field posted back unchanged cannot be told from the admin's change, and the save wrote
// every posted field over what others changed meanwhile (docs/decisions/admin-forms.md). The same form with the
// loaded row saves; every column is read back both times. New records have no loaded row and are not affected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_OUT_OF_DATE } from '../../src/platform/form-edits.js';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const f = factories();
const db = () => testDb();
let app: RunningAdmin;
let a: AdminAgent;
let tenantId = '';
let customerId = '';

beforeAll(async () => {
  app = await startAdminApp();
  const shop = await f.shop();
  tenantId = shop.tenant.id;
  customerId = shop.customer.id;
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
}, 120_000);
afterAll(async () => {
  await app?.close();
});

type Row = Record<string, unknown>;
interface Case {
  resource: string;
  seed(): Promise<string>;
  read(id: string): Promise<Row>;
  /** The form as the panel posts it, with one field changed. */
  form(id: string): Promise<Record<string, string>>;
  /** The columns the save changes, and to what. */
  changed: Row;
}

const CASES: Case[] = [
  {
    resource: 'Product',
    seed: async () => (await f.product({ tenantId, sku: 'OOD-1', name: 'Mug', unitPriceCents: 1500, trackStock: true, stock: 9 })).id,
    read: (id) => db().product.findUniqueOrThrow({ where: { id } }),
    form: async () => ({
      sku: 'OOD-1',
      name: 'Big mug',
      description: '',
      price: '15.00',
      currency: 'USD',
      active: 'true',
      trackStock: 'true',
      stock: '9',
      sortOrder: '0',
    }),
    changed: { name: 'Big mug' },
  },
  {
    resource: 'ShippingType',
    seed: async () => (await f.shippingType({ tenantId, name: 'Post', priceCents: 500, sortOrder: 0 })).id,
    read: (id) => db().shippingType.findUniqueOrThrow({ where: { id } }),
    form: async () => ({ name: 'Courier', price: '5.00', active: 'true', sortOrder: '0' }),
    changed: { name: 'Courier' },
  },
  {
    resource: 'Customer',
    seed: async () => customerId,
    read: (id) => db().customer.findUniqueOrThrow({ where: { id } }),
    form: async () => ({ displayName: 'Casey' }),
    changed: { displayName: 'Casey', displayNameSetByAdminAt: expect.any(Date) },
  },
  {
    resource: 'AdminUser',
    seed: async () => (await f.adminUser({ tenantId, role: 'TENANT_STAFF' })).id,
    read: (id) => db().adminUser.findUniqueOrThrow({ where: { id } }),
    form: async (id) => ({
      email: (await db().adminUser.findUniqueOrThrow({ where: { id } })).email,
      role: 'TENANT_ADMIN',
      tenant: tenantId,
      password: '',
    }),
    changed: { role: 'TENANT_ADMIN' },
  },
  {
    resource: 'Tenant',
    // Methods that need no provider connection (the factory's processor methods would be refused by the form).
    seed: async () => (await db().tenant.update({ where: { id: tenantId }, data: { enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'] } })).id,
    read: (id) => db().tenant.findUniqueOrThrow({ where: { id } }),
    form: async (id) => {
      const t = await db().tenant.findUniqueOrThrow({ where: { id } });
      const methods = Object.fromEntries(t.enabledPaymentMethods.map((m, i) => [`enabledPaymentMethods.${i}`, m]));
      const roles = Object.fromEntries(t.adminRoleIds.map((r, i) => [`adminRoleIds.${i}`, r]));
      // The per-method fields and the address as the form posts them back: flattened.
      const flat = (path: string, v: unknown): [string, string][] =>
        v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => flat(`${path}.${k}`, x)) : [[path, v == null ? '' : String(v)]];
      return {
        name: 'Renamed shop',
        currency: t.currency,
        ...methods,
        ...roles,
        ...Object.fromEntries(flat('paymentWindowMinutes', t.paymentWindowMinutes ?? {})),
        ...Object.fromEntries(flat('paymentInstructions', t.paymentInstructions ?? {})),
        ...Object.fromEntries(flat('taxjarFromAddress', t.taxjarFromAddress)),
        roleRemovalPolicy: t.roleRemovalPolicy,
        adminChannelId: t.adminChannelId ?? '',
        inventoryTracking: String(t.inventoryTracking),
        taxjarEnabled: String(t.taxjarEnabled),
        taxjarApiKeyNew: '',
        addressValidation: String(t.addressValidation),
        timeZone: t.timeZone,
      };
    },
    changed: { name: 'Renamed shop' },
  },
  {
    resource: 'Order',
    seed: async () => (await f.order({ tenantId, customerId, status: 'PAID', paidAt: new Date(), paymentStatus: 'paid' })).id,
    read: (id) => db().order.findUniqueOrThrow({ where: { id } }),
    form: async () => ({ status: 'PAID', shippingStatus: 'PENDING', trackingNumber: '', notes: 'Gift wrap', lineItems: '' }),
    changed: { notes: 'Gift wrap', version: expect.any(Number) },
  },
];

describe('an edit save without the loaded row', () => {
  it.each(CASES.map((c) => [c.resource, c] as const))(
    '%s: refused and nothing written; with it, only the change is saved',
    async (_n, c) => {
      const id = await c.seed();
      const before = await c.read(id);
      const post = (fields: Record<string, string>) => {
        let req = a.agent.post(`/admin/api/resources/${c.resource}/records/${id}/edit`).set(a.headers());
        for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
        return req;
      };

      const refused = await post(await c.form(id));
      expect(refused.body.notice).toEqual({ type: 'error', message: FORM_OUT_OF_DATE });
      expect(refused.body.redirectUrl).toBeUndefined();
      expect(await c.read(id)).toEqual(before);

      const saved = await post({ ...(await c.form(id)), ...(await loadedRow(a, c.resource, id)) });
      expect(saved.body.notice?.type).toBe('success');
      const after = await c.read(id);
      for (const key of Object.keys(before)) {
        if (key === 'updatedAt') continue;
        if (key in c.changed) expect(after[key], key).toEqual(c.changed[key]);
        else expect(after[key], `${key} changed by the save`).toEqual(before[key]);
      }
    },
  );

  it('a New form has no loaded row and still saves', async () => {
    let req = a.agent.post('/admin/api/resources/ShippingType/actions/new').set(a.headers());
    for (const [k, v] of Object.entries({ name: 'Pickup', price: '0', active: 'true', sortOrder: '1' })) req = req.field(k, v);
    expect((await req).body.notice?.type).toBe('success');
    expect(await db().shippingType.findFirstOrThrow({ where: { tenantId, name: 'Pickup' } })).toMatchObject({
      priceCents: 0,
      sortOrder: 1,
    });
  });
});
