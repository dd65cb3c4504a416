// A form opened before someone else changed the record saves only what the admin changed (docs/decisions/
// admin-forms.md, "Stale forms"), in Chromium: open the edit page, change the row behind it (a Discord sale, the
// REST API, a colleague), change one field in the form, save, and read every column back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { adminCtx } from '../helpers/actors.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';
import { openBrowser, pressSave, runBrowserTests, type BrowserSession } from './browser-session.js';
import { expectOnly } from '../helpers/expect-only.js';

const db = () => testDb();
const f = () => factories();

describe.skipIf(!runBrowserTests)('a stale edit form keeps what others changed', () => {
  let app: RunningAdmin;
  let browser: BrowserSession;
  let tenantId = '';
  let customerId = '';

  beforeAll(async () => {
    app = await startAdminApp();
    browser = await openBrowser('admin-stale-forms');
    const tenant = await f().tenant({});
    tenantId = tenant.id;
    customerId = (await f().customer({ tenantId, displayName: 'Discord Name' })).id;
    await browser.signIn(app.baseUrl, (await f().adminUser({ tenantId })).email);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(resource: string, id: string, field: string) {
    const { page } = browser;
    await page.goto(`${app.baseUrl}/admin/resources/${resource}/records/${id}/edit`);
    // The form renders once its record (with the values it shows, the stale-form check's) has loaded.
    await page.locator(`[name="${field}"], #${field}`).first().waitFor();
  }
  async function save(id: string): Promise<{ notice?: { message: string; type: string } }> {
    const { page } = browser;
    const resp = await pressSave(page, `/records/${id}/edit`);
    return (await resp.json()) as { notice?: { message: string; type: string } };
  }

  it('stock sold while the product form is open survives a description edit', { timeout: 300_000 }, async () => {
    browser.reportFailure('stale-product');
    const p = await f().product({ tenantId, trackStock: true, stock: 10, description: 'Plain' });
    await open('Product', p.id, 'description');
    // Three units sell in Discord meanwhile (the submit's reservation).
    await db().$executeRaw`UPDATE products SET stock = stock - 3 WHERE id = ${p.id}`;
    const before = await db().product.findUniqueOrThrow({ where: { id: p.id } });
    await browser.page.locator('[name="description"]').fill('Now with pockets');
    expect((await save(p.id)).notice?.type).toBe('success');
    const after = await db().product.findUniqueOrThrow({ where: { id: p.id } });
    expectOnly(before, after, { description: 'Now with pockets', stock: 7 });
  });

  it('a stock typed over a sale made meanwhile is refused, saying what changed', { timeout: 300_000 }, async () => {
    browser.reportFailure('stale-product-conflict');
    const p = await f().product({ tenantId, trackStock: true, stock: 10 });
    await open('Product', p.id, 'stock');
    await db().$executeRaw`UPDATE products SET stock = stock - 3 WHERE id = ${p.id}`;
    const before = await db().product.findUniqueOrThrow({ where: { id: p.id } });
    await browser.page.locator('[name="stock"]').fill('12');
    const { notice } = await save(p.id);
    expect(notice).toMatchObject({ type: 'error' });
    expect(notice?.message).toContain('This product changed since you opened it (stock 10 -> 7)');
    await expect.poll(() => browser.page.textContent('body')).toContain('Changed since you opened the form (stock 10 -> 7)');
    expectOnly(before, await db().product.findUniqueOrThrow({ where: { id: p.id } }), {});
  });

  it('a label and tracking set through the API survive a note saved from a form opened before', { timeout: 300_000 }, async () => {
    browser.reportFailure('stale-order');
    const o = await f().order({ tenantId, customerId, status: 'PAID', paidAt: new Date(), paymentStatus: 'paid' });
    await open('Order', o.id, 'notes');
    await app.services.orderAdmin.update(adminCtx(tenantId), o.id, {
      shippingStatus: 'LABEL_CREATED',
      trackingNumber: '9400100000000000000000',
      shippingCarrier: 'USPS',
    });
    const before = await db().order.findUniqueOrThrow({ where: { id: o.id } });
    await browser.page.locator('[name="notes"]').fill('Called the customer');
    expect((await save(o.id)).notice?.type).toBe('success');
    const after = await db().order.findUniqueOrThrow({ where: { id: o.id } });
    expectOnly(before, after, { notes: 'Called the customer', version: after.version });
    expect(after).toMatchObject({ status: 'PAID', shippingStatus: 'LABEL_CREATED', trackingNumber: '9400100000000000000000' });
  });

  it('a parcel marked failed by a colleague stays failed when the tracking number is fixed', { timeout: 300_000 }, async () => {
    browser.reportFailure('stale-order-failed');
    const o = await f().order({
      tenantId,
      customerId,
      status: 'SHIPPED',
      shippingStatus: 'SHIPPED',
      paidAt: new Date(),
      paymentStatus: 'paid',
      trackingNumber: '1Z999',
    });
    await open('Order', o.id, 'trackingNumber');
    await app.services.orderAdmin.update(adminCtx(tenantId), o.id, { shippingStatus: 'FAILED' });
    const before = await db().order.findUniqueOrThrow({ where: { id: o.id } });
    await browser.page.locator('[name="trackingNumber"]').fill('1Z999AA10123456784');
    expect((await save(o.id)).notice?.type).toBe('success');
    const after = await db().order.findUniqueOrThrow({ where: { id: o.id } });
    expectOnly(before, after, { trackingNumber: '1Z999AA10123456784', version: after.version });
    expect(after).toMatchObject({ status: 'SHIPPED', shippingStatus: 'FAILED' });
  });

  it('a customer form saved unchanged leaves the customer following their Discord name', { timeout: 300_000 }, async () => {
    browser.reportFailure('unchanged-customer');
    const before = await db().customer.findUniqueOrThrow({ where: { id: customerId } });
    await open('Customer', customerId, 'displayName');
    expect((await save(customerId)).notice?.type).toBe('success');
    const after = await db().customer.findUniqueOrThrow({ where: { id: customerId } });
    expectOnly(before, after, {});
    expect(after.displayNameSetByAdminAt).toBeNull();
  });
});
