// A shop prices everything in its currency (modules/tenants/shop-currency.ts), through the panel's saves:
// the shop's currency does not change under priced products, shipping types, discounts, unpaid orders or open
// checkouts (their cents would be read in the new currency), and a product, shipping type or discount is not
// saved in another currency than its shop's. Both checks run in the save's transaction, with the shop's row
// locked: the races are played here with a transaction held open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { loggedIn, postForm as post, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
const f = factories();

beforeAll(async () => {
  app = await startAdminApp();
});
afterAll(async () => {
  await app?.close();
});

/** A shop of its own and its admin, signed in. */
async function shop(currency = 'USD') {
  const tenant = await f.tenant({ currency, enabledPaymentMethods: ['VENMO_P2P'] });
  const admin = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: tenant.id })).email);
  return { tenantId: tenant.id, admin };
}

const settings = (name: string, currency: string) => ({
  name,
  currency,
  'enabledPaymentMethods.0': 'VENMO_P2P',
  adminChannelId: '',
  inventoryTracking: 'true',
  taxjarEnabled: 'false',
  taxjarApiKeyNew: '',
  addressValidation: 'false',
});
const saveCurrency = (who: AdminAgent, tenantId: string, currency: string) =>
  post(who, `/resources/Tenant/records/${tenantId}/edit`, settings('Currency shop', currency));

const productFields = (sku: string, price: string, currency: string) => ({
  sku,
  name: `Product ${sku}`,
  description: '',
  price,
  currency,
  active: 'true',
  trackStock: 'false',
  stock: '0',
  sortOrder: '0',
});

const currencyOf = async (tenantId: string) => (await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } })).currency;

describe("changing a shop's currency", () => {
  it('is refused while products, shipping types and discounts are priced in the old one, naming each', async () => {
    const { tenantId, admin } = await shop();
    await f.product({ tenantId, unitPriceCents: 1250 });
    await f.product({ tenantId, unitPriceCents: 500 });
    await f.product({ tenantId, unitPriceCents: 900, active: false }); // keeps its own currency: not misread
    await f.shippingType({ tenantId, priceCents: 495 });
    await f.shippingType({ tenantId, priceCents: 0 }); // free in any currency
    await f.discount({ tenantId, type: 'FIXED_AMOUNT', percentOff: null, amountOffCents: 500 });
    await f.discount({ tenantId, type: 'PERCENT', percentOff: 10 }); // a percentage, no minimum

    const res = await saveCurrency(admin, tenantId, 'JPY');
    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.currency.message).toBe(
      'The currency cannot change from USD to JPY: 2 active products, 1 shipping type and 1 discount are priced in USD. ' +
        'Amounts are not converted. Use "Change currency" on Shop settings instead: it asks for each amount in JPY and ' +
        'changes them with the currency at once.',
    );
    expect(await currencyOf(tenantId)).toBe('USD');
  });

  it('is refused while an order waits for payment, or a checkout is open, in the old one', async () => {
    const { tenantId, admin } = await shop();
    const customer = await f.customer({ tenantId });
    const product = await f.product({ tenantId, active: false });
    const unpaid = await f.order({
      tenantId,
      customerId: customer.id,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    const paid = await f.order({
      tenantId,
      customerId: customer.id,
      status: 'PAID',
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }],
    });
    const connection = await testDb().paymentConnection.create({
      data: { tenantId, provider: 'PAYPAL', environment: 'sandbox', status: 'CONNECTED', secrets: 'sealed' },
    });
    await testDb().paymentCheckout.create({
      data: {
        tenantId,
        orderId: paid.id,
        connectionId: connection.id,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        amountCents: 1500,
        currency: 'USD',
        orderVersion: 1,
        state: 'OPEN',
      },
    });
    const res = await saveCurrency(admin, tenantId, 'EUR');
    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.currency.message).toBe(
      'The currency cannot change from USD to EUR: 1 unpaid order and 1 open checkout are in USD. Amounts are not converted. ' +
        'First wait until the unpaid orders are paid, or cancel them.',
    );
    await testDb().order.update({ where: { id: unpaid.id }, data: { status: 'CANCELLED' } });
    await testDb().paymentCheckout.updateMany({ where: { orderId: paid.id }, data: { state: 'VOIDED' } });
    expect((await saveCurrency(admin, tenantId, 'EUR')).body.notice.type).toBe('success');
    expect(await currencyOf(tenantId)).toBe('EUR');
  });

  it("is saved once nothing is priced in the old one; a product is then priced again in the shop's new currency", async () => {
    const { tenantId, admin } = await shop();
    const old = await f.product({ tenantId, sku: 'OLD-HAT', unitPriceCents: 1250, active: false });
    await f.shippingType({ tenantId, priceCents: 0 });
    await f.discount({ tenantId, type: 'PERCENT', percentOff: 15 });
    const res = await saveCurrency(admin, tenantId, 'JPY');
    expect(res.body.notice.type).toBe('success');
    expect(await currencyOf(tenantId)).toBe('JPY');

    // The old product still says USD, and a save that keeps it in USD is refused under the currency.
    const kept = await post(admin, `/resources/Product/records/${old.id}/edit`, productFields('OLD-HAT', '12.50', 'USD'));
    expect(kept.body.notice.type).toBe('error');
    expect(kept.body.record.errors.currency.message).toBe(
      "This shop sells in JPY: a product is priced in the shop's currency. Set the currency to JPY and the amount in JPY.",
    );
    expect(await testDb().product.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({
      currency: 'USD',
      unitPriceCents: 1250,
      active: false,
    });
    const repriced = await post(admin, `/resources/Product/records/${old.id}/edit`, productFields('OLD-HAT', '1800', 'JPY'));
    expect(repriced.body.notice.type).toBe('success');
    expect(await testDb().product.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({
      currency: 'JPY',
      unitPriceCents: 1800,
      active: true,
    });
  });

  it('waits for a product being created in the old currency, then names it', async () => {
    const { tenantId, admin } = await shop();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertedNow = new Promise<void>((resolve) => (inserted = resolve));
    // A product insert in progress (its foreign key holds the shop's row FOR KEY SHARE until it commits).
    const creating = testDb().$transaction(
      async (tx) => {
        await tx.product.create({ data: { tenantId, sku: 'RACE-1', name: 'Race', unitPriceCents: 1250, currency: 'USD' } });
        inserted();
        await held;
      },
      { timeout: 120_000 },
    );
    await insertedNow;
    const saving = saveCurrency(admin, tenantId, 'JPY').then((r) => r);
    await waitFor('the currency change waits for the shop row', async () => waitingOnLock());
    release();
    await creating;
    const res = await saving;
    expect(res.body.record.errors.currency.message).toMatch(
      /^The currency cannot change from USD to JPY: 1 active product is priced in USD\./,
    );
    expect(await currencyOf(tenantId)).toBe('USD');
  });
});

describe('TaxJar, which taxes US sales in US dollars', () => {
  const withTaxjar = (currency: string) => ({
    ...settings('TaxJar shop', currency),
    taxjarEnabled: 'true',
    taxjarApiKeyNew: 'tj_key_1234',
    'taxjarFromAddress.country': 'US',
    'taxjarFromAddress.zip': '94103',
    'taxjarFromAddress.state': 'CA',
  });

  it('is not switched on for a shop that sells in another currency', async () => {
    const { tenantId, admin } = await shop('JPY');
    const res = await post(admin, `/resources/Tenant/records/${tenantId}/edit`, withTaxjar('JPY'));
    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.taxjarEnabled.message).toBe(
      'TaxJar calculates US sales tax in US dollars, and this shop sells in JPY: switch TaxJar off, or sell in USD.',
    );
    expect(await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({
      taxjarEnabled: false,
      taxjarApiKey: null,
    });
  });

  it('is not kept on through a change of currency; switched on in a USD shop it saves', async () => {
    const { tenantId, admin } = await shop('USD');
    expect((await post(admin, `/resources/Tenant/records/${tenantId}/edit`, withTaxjar('USD'))).body.notice.type).toBe('success');
    const res = await post(admin, `/resources/Tenant/records/${tenantId}/edit`, withTaxjar('EUR'));
    expect(res.body.record.errors.taxjarEnabled.message).toMatch(
      /^TaxJar calculates US sales tax in US dollars, and this shop sells in EUR/,
    );
    expect(await testDb().tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({ taxjarEnabled: true, currency: 'USD' });
  });
});

describe("a price in another currency than its shop's", () => {
  it('is refused for a new product, under its currency; the shop currency is taken', async () => {
    const { tenantId, admin } = await shop('JPY');
    const res = await post(admin, '/resources/Product/actions/new', productFields('USD-CAP', '12.50', 'USD'));
    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.currency.message).toBe(
      "This shop sells in JPY: a product is priced in the shop's currency. Set the currency to JPY and the amount in JPY.",
    );
    expect(await testDb().product.count({ where: { tenantId } })).toBe(0);
    expect((await post(admin, '/resources/Product/actions/new', productFields('YEN-CAP', '1250', 'jpy'))).body.notice.type).toBe('success');
    expect(await testDb().product.findFirstOrThrow({ where: { tenantId } })).toMatchObject({
      sku: 'YEN-CAP',
      unitPriceCents: 1250,
      currency: 'JPY',
    });
  });

  it('is refused for a product saved while the shop changes currency (it waits for the change, then reads it)', async () => {
    const { tenantId, admin } = await shop();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockedNow = new Promise<void>((resolve) => (locked = resolve));
    // A currency change in progress, as the Settings save makes it (the shop's row FOR UPDATE).
    const changing = testDb().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM tenants WHERE id = ${tenantId} FOR UPDATE`;
        await tx.tenant.update({ where: { id: tenantId }, data: { currency: 'JPY' } });
        locked();
        await held;
      },
      { timeout: 120_000 },
    );
    await lockedNow;
    const saving = post(admin, '/resources/Product/actions/new', productFields('LATE-1', '12.50', 'USD')).then((r) => r);
    await waitFor('the product save waits for the shop row', async () => waitingOnLock());
    release();
    await changing;
    const res = await saving;
    expect(res.body.record.errors.currency.message).toMatch(/^This shop sells in JPY/);
    expect(await testDb().product.count({ where: { tenantId } })).toBe(0);
  });

  it("is refused for a shipping type whose price was read in the currency the shop had before the save's turn came", async () => {
    const { tenantId, admin } = await shop();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockedNow = new Promise<void>((resolve) => (locked = resolve));
    const changing = testDb().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM tenants WHERE id = ${tenantId} FOR UPDATE`;
        await tx.tenant.update({ where: { id: tenantId }, data: { currency: 'JPY' } });
        locked();
        await held;
      },
      { timeout: 120_000 },
    );
    await lockedNow;
    // The form is read in USD (the change is not committed yet): 4.95 is 495 cents of a dollar.
    const saving = post(admin, '/resources/ShippingType/actions/new', { name: 'Post', price: '4.95', active: 'true', sortOrder: '0' }).then(
      (r) => r,
    );
    await waitFor('the shipping type save waits for the shop row', async () => waitingOnLock());
    release();
    await changing;
    const res = await saving;
    expect(res.body.record.errors.price.message).toMatch(/^This shop sells in JPY: a shipping type is priced in the shop's currency/);
    expect(await testDb().shippingType.count({ where: { tenantId } })).toBe(0);
  });
});

/** Whether a session of this database waits for a row lock (the save under test: nothing else runs here). */
async function waitingOnLock(): Promise<boolean> {
  const [row] = await testDb().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return (row?.n ?? 0) > 0;
}
