// Sales tax in the panel, through the AdminJS API as its frontend calls it: a product's TaxJar tax code is
// edited on the product form (five digits or nothing); the refund form's preview and result say which part
// is tax; the "Tax & exports" page shows tax collected minus refunded per month of the shop's time zone;
// its CSV downloads stream the shop's rows, for shop admins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../helpers/db.js';
import { factories } from '../helpers/factories.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

const TZ = 'America/Los_Angeles';
let app: RunningAdmin;
let admin: AdminAgent;
let staff: AdminAgent;
let platform: AdminAgent;
let tenantId: string;
let customerId: string;
const f = factories();
const db = testDb();

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant({ timeZone: TZ })).id;
  customerId = (await f.customer({ tenantId, displayName: 'Robin Buyer' })).id;
  admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  staff = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId, role: 'TENANT_STAFF' })).email);
  platform = await loggedIn(app.baseUrl, (await f.adminUser({ role: 'PLATFORM_ADMIN', tenantId: null })).email);
});
afterAll(async () => {
  await app?.close();
});

const get = (who: AdminAgent, path: string) => who.agent.get(`/admin/api${path}`).set(who.headers());
const post = (who: AdminAgent, path: string) => who.agent.post(`/admin/api${path}`).set(who.headers());
/** YYYY-MM of an instant in the shop's time zone. */
const localMonth = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).format(d).slice(0, 7);

describe('product tax code', () => {
  it('is saved from the product form, cleared when empty, and refused unless five digits', async () => {
    const fields = {
      sku: 'TEE-1',
      name: 'T-shirt',
      description: '',
      price: '20.00',
      currency: 'usd',
      active: 'true',
      trackStock: 'false',
      stock: '0',
      sortOrder: '1',
    };
    const send = (path: string, extra: Record<string, string>) => {
      let req = post(admin, path);
      for (const [k, v] of Object.entries({ ...fields, ...extra })) req = req.field(k, v);
      return req;
    };
    const bad = await send('/resources/Product/actions/new', { taxCode: 'clothing' });
    expect(bad.body.record.errors.taxCode.message).toMatch(/five digits/);
    expect((await send('/resources/Product/actions/new', { taxCode: '20010' })).body.notice).toMatchObject({ type: 'success' });
    const product = await db.product.findFirstOrThrow({ where: { tenantId, sku: 'TEE-1' } });
    expect(product.taxCode).toBe('20010');
    const shown = await get(admin, `/resources/Product/records/${product.id}/show`);
    expect(shown.body.record.params.taxCode).toBe('20010');
    const loaded = await loadedRow(admin, 'Product', product.id);
    expect((await send(`/resources/Product/records/${product.id}/edit`, { taxCode: '', ...loaded })).body.notice).toMatchObject({
      type: 'success',
    });
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).taxCode).toBeNull();
  });
});

describe('refund form', () => {
  it('the preview and the result say which part of the refund is tax and discount', async () => {
    const p = await f.product({ tenantId, name: 'Mug', unitPriceCents: 1500 });
    // 2 x 15.00, discount 3.00, tax 2.16 (no shipping): one mug returns 15.00 - 1.50 + 1.08 = 14.58.
    const order = await f.order({
      tenantId,
      customerId,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: new Date(),
      discountCents: 300,
      taxAmountCents: 216,
      totalCents: 2916,
      lines: [{ productId: p.id, name: 'Mug', quantity: 2, unitPriceCents: 1500 }],
    });
    const lines = JSON.stringify([{ productId: p.id, quantity: 1, restock: true }]);
    const preview = await post(admin, `/resources/Order/records/${order.id}/refund`).send({
      intent: 'preview',
      mode: 'PARTIAL_ITEMS',
      lines,
    });
    expect(preview.body.preview).toMatchObject({
      amount: '$14.58',
      tax: '$1.08',
      breakdown: 'Items $15.00 · discount −$1.50 · sales tax $1.08',
    });
    const done = await post(admin, `/resources/Order/records/${order.id}/refund`).send({ intent: 'refund', mode: 'PARTIAL_ITEMS', lines });
    expect(done.body.notice.message).toMatch(
      /^Refund of \$14\.58 \(Items \$15\.00 · discount −\$1\.50 · sales tax \$1\.08\) recorded on order #\d+/,
    );
    expect(await db.refund.findFirstOrThrow({ where: { orderId: order.id } })).toMatchObject({
      amountCents: 1458,
      taxCents: 108,
      discountCents: 150,
    });
  });
});

describe('Tax & exports page', () => {
  it("shows tax collected minus refunded per month of the shop's time zone", async () => {
    const shop = await f.tenant({ timeZone: TZ });
    const buyer = await f.customer({ tenantId: shop.id });
    const who = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: shop.id })).email);
    const now = new Date();
    // 03:00 UTC on the 1st of the shop's current local month is still the previous month in Los Angeles, and
    // always in the past: that local month began at 07:00 or 08:00 UTC that day. (Taken from the UTC month
    // instead, it was in the future and in this local month during the first hours of every UTC month.)
    const [year, month] = localMonth(now).split('-').map(Number) as [number, number];
    const early = new Date(Date.UTC(year, month - 1, 1, 3, 0, 0));
    const a = await f.order({
      tenantId: shop.id,
      customerId: buyer.id,
      status: 'PAID',
      paidAt: early,
      createdAt: early,
      taxAmountCents: 700,
      totalCents: 10_700,
    });
    await f.order({ tenantId: shop.id, customerId: buyer.id, status: 'PAID', paidAt: now, taxAmountCents: 450, totalCents: 5_450 });
    await f.order({ tenantId: shop.id, customerId: buyer.id, taxAmountCents: 999, totalCents: 1_999 }); // unpaid: no tax collected
    await f.refund({ tenantId: shop.id, orderId: a.id, amountCents: 1_070, taxCents: 70, createdAt: now });

    const res = await get(who, '/pages/tax');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ timeZone: TZ, currency: 'USD', exportKinds: ['orders', 'payments', 'refunds', 'tax'] });
    const months = res.body.months as { month: string; ordersPaid: number; collected: string; refunded: string; net: string }[];
    expect(months).toHaveLength(12);
    expect(months.at(-1)!.month).toBe(localMonth(now));
    const byMonth = new Map(months.map((m) => [m.month, m]));
    const thisMonth = localMonth(now);
    const earlyMonth = localMonth(early);
    expect(earlyMonth).not.toBe(new Date(early).toISOString().slice(0, 7));
    if (earlyMonth === thisMonth) throw new Error('unreachable: the early order is in the previous local month');
    expect(byMonth.get(earlyMonth)).toMatchObject({ ordersPaid: 1, collected: '$7.00', refunded: '$0.00', net: '$7.00' });
    expect(byMonth.get(thisMonth)).toMatchObject({ ordersPaid: 1, collected: '$4.50', refunded: '$0.70', net: '$3.80' });
    expect(res.body.total).toEqual({ collected: '$11.50', refunded: '$0.70', net: '$10.80' });
    expect(months.filter((m) => m.month !== earlyMonth && m.month !== thisMonth).every((m) => m.net === '$0.00')).toBe(true);
  });

  it('keeps the tax of orders in an earlier currency apart, never added to the one the shop has now', async () => {
    // The shop sold in US dollars, then changed its currency to Canadian dollars (Shop settings -> Change currency).
    const shop = await f.tenant({ timeZone: TZ, currency: 'CAD' });
    const buyer = await f.customer({ tenantId: shop.id });
    const who = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: shop.id })).email);
    const now = new Date();
    const old = await f.order({
      tenantId: shop.id,
      customerId: buyer.id,
      currency: 'USD',
      status: 'PARTIALLY_REFUNDED',
      paidAt: now,
      taxAmountCents: 700,
      totalCents: 10_700,
    });
    await f.refund({ tenantId: shop.id, orderId: old.id, amountCents: 1_070, taxCents: 70, createdAt: now });
    await f.order({
      tenantId: shop.id,
      customerId: buyer.id,
      currency: 'CAD',
      status: 'PAID',
      paidAt: now,
      taxAmountCents: 300,
      totalCents: 3_300,
    });

    const res = await get(who, '/pages/tax');
    expect(res.status).toBe(200);
    const months = res.body.months as { month: string; ordersPaid: number; collected: string; refunded: string; net: string }[];
    expect(months.find((m) => m.month === localMonth(now))).toMatchObject({
      ordersPaid: 2,
      collected: 'CA$3.00 + $7.00',
      refunded: 'CA$0.00 + $0.70',
      net: 'CA$3.00 + $6.30',
    });
    expect(months.filter((m) => m.month !== localMonth(now)).every((m) => m.net === 'CA$0.00')).toBe(true);
    expect(res.body.total).toEqual({ collected: 'CA$3.00 + $7.00', refunded: 'CA$0.00 + $0.70', net: 'CA$3.00 + $6.30' });
  });

  it('refuses a platform admin (no shop) and a bad months value', async () => {
    const refused = await get(platform, '/pages/tax');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect((await get(admin, '/pages/tax?months=99')).body.notice.message).toMatch(/1 to 36/);
  });

  it("downloads the shop's CSV exports; staff and platform admins are refused; bad ranges are explained", async () => {
    const order = await f.order({
      tenantId,
      customerId,
      status: 'PAID',
      paymentStatus: 'paid',
      paidAt: new Date(),
      taxAmountCents: 100,
      totalCents: 1_600,
    });
    const other = await f.order({
      tenantId: (await f.tenant()).id,
      customerId: (await f.customer({ tenantId: (await f.tenant()).id })).id,
    });
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
    const res = await admin.agent
      .get(`/admin/exports/tax.csv?from=${day}&to=${day}`)
      .buffer(true)
      .parse((r, cb) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => cb(null, body));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="tax-${day}-to-${day}.csv"`);
    const text = res.body as string;
    expect(text.split('\r\n')[0]).toBe(
      'date,type,order_number,transaction_id,currency,ship_to_country,ship_to_state,ship_to_zip,amount_excluding_tax,shipping,sales_tax',
    );
    expect(text).toContain(`,sale,${order.number},${order.id},USD,US,IL,62701,15.00,0.00,1.00\r\n`);
    expect(text).not.toContain(other.id);

    expect((await staff.agent.get(`/admin/exports/orders?from=${day}&to=${day}`)).status).toBe(403);
    expect((await platform.agent.get(`/admin/exports/orders?from=${day}&to=${day}`)).status).toBe(403);
    const bad = await admin.agent.get('/admin/exports/orders?from=2026-13-01&to=2026-01-01');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/YYYY-MM-DD/);
  });
});
