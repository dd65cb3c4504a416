// The dashboard's "Before your first order" checklist, as the module computes it (modules/tenants/shop-readiness.query.ts):
// a shop made as `npm run shop:create` makes one lacks a product, a way to pay, an admin channel and admin roles;
// each gap appears with its cause and goes with its fix; a shop's gaps are its own (another shop's products,
// connections or settings never fill or show them).
import { afterAll, describe, expect, it } from 'vitest';
import { createAdminAccountsService } from '../../../src/modules/admin-accounts/admin-accounts.service.js';
import { shopReadiness, type ReadinessGap } from '../../../src/modules/tenants/shop-readiness.query.js';
import { closeTestDb, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

const db = testDb();
const f = factories(db);
afterAll(() => closeTestDb());

const REACH = { invoiceLinks: true };
let guildSeq = 900_000_000_000_000_000n;

/** A shop as `npm run shop:create` leaves it: a name, a currency, a linked Discord server, nothing else. */
async function newShop(currency = 'USD'): Promise<string> {
  const { tenant } = await createAdminAccountsService({ db }).createShop({
    name: `Readiness ${guildSeq}`,
    guildId: String(guildSeq++),
    currency,
  });
  return tenant.id;
}

const keys = (gaps: ReadinessGap[]) => gaps.map((g) => ('method' in g ? `${g.kind}-${g.method}` : g.kind));
const gaps = (tenantId: string, reach = REACH) => shopReadiness(db, tenantId, reach);
const gap = async (tenantId: string, kind: ReadinessGap['kind'], reach = REACH) =>
  (await gaps(tenantId, reach)).find((g) => g.kind === kind);

async function connection(
  tenantId: string,
  provider: 'PAYPAL' | 'SQUARE' | 'BTCPAY',
  status: 'UNTESTED' | 'CONNECTED' | 'FAILED' | 'DISCONNECTED',
  secrets: string | null = 'sealed',
) {
  return db.paymentConnection.upsert({
    where: { tenantId_provider: { tenantId, provider } },
    create: { tenantId, provider, environment: 'sandbox', status, secrets },
    update: { status, secrets },
  });
}

describe('shop readiness', () => {
  it('a new shop lacks a product, a way to pay, the admin channel and admin roles; the first two stop orders', async () => {
    const shop = await newShop();
    const found = await gaps(shop);
    expect(found).toEqual([
      { kind: 'product', products: 0, blocksOrders: true },
      { kind: 'paymentMethod', enabled: 0, blocksOrders: true },
      { kind: 'adminChannel', blocksOrders: false },
      { kind: 'adminRole', blocksOrders: false },
    ]);
  });

  it('a product: none, switched off, out of stock (tracked), then one that can be ordered', async () => {
    const shop = await newShop();
    const product = await f.product({ tenantId: shop, active: false, digitalKind: 'DOWNLOAD_LINK', downloadUrl: 'https://example.com/f' });
    expect(await gap(shop, 'product')).toEqual({ kind: 'product', products: 1, blocksOrders: true });
    await db.product.update({ where: { id: product.id }, data: { active: true, trackStock: true, stock: 0 } });
    expect(await gap(shop, 'product')).toEqual({ kind: 'product', products: 1, blocksOrders: true });
    // The shop does not track stock: the product's count does not stop anyone (selection-rules.ts).
    await db.tenant.update({ where: { id: shop }, data: { inventoryTracking: false } });
    expect(await gap(shop, 'product')).toBeUndefined();
    await db.tenant.update({ where: { id: shop }, data: { inventoryTracking: true } });
    await db.product.update({ where: { id: product.id }, data: { stock: 3 } });
    expect(await gap(shop, 'product')).toBeUndefined();
  });

  it('a shipping type only when an active product is shipped (not a digital item, not a role)', async () => {
    const shop = await newShop();
    await f.product({ tenantId: shop, digitalKind: 'LICENSE_KEY' });
    await f.product({ tenantId: shop, grantedRoleIds: ['123456789012345678'] });
    expect(await gap(shop, 'shippingType')).toBeUndefined();
    const shirt = await f.product({ tenantId: shop, name: 'T-shirt' });
    expect(await gap(shop, 'shippingType')).toEqual({ kind: 'shippingType', blocksOrders: false });
    const courier = await f.shippingType({ tenantId: shop, active: false });
    expect(await gap(shop, 'shippingType')).toBeDefined();
    await db.shippingType.update({ where: { id: courier.id }, data: { active: true } });
    expect(await gap(shop, 'shippingType')).toBeUndefined();
    await db.shippingType.update({ where: { id: courier.id }, data: { active: false } });
    await db.product.update({ where: { id: shirt.id }, data: { active: false } });
    expect(await gap(shop, 'shippingType')).toBeUndefined();
  });

  it('a manual method: it is a way to pay, and needs its instructions or handle', async () => {
    const shop = await newShop();
    await db.tenant.update({
      where: { id: shop },
      data: { enabledPaymentMethods: ['VENMO_P2P', 'ZELLE'], paymentInstructions: { ZELLE: { instructions: '  ' } } },
    });
    const found = await gaps(shop);
    expect(keys(found)).not.toContain('paymentMethod');
    expect(found.filter((g) => g.kind === 'instructions')).toEqual([
      { kind: 'instructions', method: 'VENMO_P2P', blocksOrders: false },
      { kind: 'instructions', method: 'ZELLE', blocksOrders: false },
    ]);
    await db.tenant.update({
      where: { id: shop },
      data: { paymentInstructions: { VENMO_P2P: { handle: '@shop' }, ZELLE: { instructions: 'Zelle pay@shop.test' } } },
    });
    expect(await gap(shop, 'instructions')).toBeUndefined();
  });

  it('a processor method needs a working connection: none, untested, failed, disconnected, connected without secrets, connected', async () => {
    const shop = await newShop();
    await db.tenant.update({ where: { id: shop }, data: { enabledPaymentMethods: ['PAYPAL'] } });
    // PayPal on but unusable: nothing else to pay with, so orders stop too.
    expect((await gaps(shop)).slice(1, 3)).toEqual([
      { kind: 'paymentMethod', enabled: 1, blocksOrders: true },
      { kind: 'connection', method: 'PAYPAL', provider: 'PAYPAL', status: null, blocksOrders: false },
    ]);
    for (const status of ['UNTESTED', 'FAILED', 'DISCONNECTED'] as const) {
      await connection(shop, 'PAYPAL', status);
      expect(await gap(shop, 'connection')).toEqual({
        kind: 'connection',
        method: 'PAYPAL',
        provider: 'PAYPAL',
        status,
        blocksOrders: false,
      });
    }
    // CONNECTED without its secrets is not a working connection (working-connection.ts).
    await connection(shop, 'PAYPAL', 'CONNECTED', null);
    expect(await gap(shop, 'connection')).toMatchObject({ status: 'CONNECTED' });
    await connection(shop, 'PAYPAL', 'CONNECTED');
    const found = await gaps(shop);
    expect(keys(found)).not.toContain('connection-PAYPAL');
    expect(keys(found)).not.toContain('paymentMethod');
    // Another provider's working connection does not stand in for PayPal's.
    await connection(shop, 'PAYPAL', 'FAILED');
    await connection(shop, 'SQUARE', 'CONNECTED');
    expect(await gap(shop, 'connection')).toMatchObject({ method: 'PAYPAL', status: 'FAILED' });
  });

  it("a processor method the shop's currency rules out, and a server that cannot send customers to the invoice page", async () => {
    const shop = await newShop('JPY');
    await connection(shop, 'SQUARE', 'CONNECTED');
    await connection(shop, 'BTCPAY', 'CONNECTED');
    await db.tenant.update({ where: { id: shop }, data: { enabledPaymentMethods: ['CASHAPP_PAY', 'BTC_INVOICE'] } });
    expect(await gap(shop, 'currency')).toEqual({
      kind: 'currency',
      method: 'CASHAPP_PAY',
      message: 'Cash App Pay takes USD only, and this shop sells in JPY.',
      blocksOrders: false,
    });
    expect(await gap(shop, 'paymentMethod')).toBeUndefined();
    // The same shop on a server without invoice links: Bitcoin cannot be paid either.
    expect(await gap(shop, 'invoiceLinks', { invoiceLinks: false })).toEqual({
      kind: 'invoiceLinks',
      methods: ['BTC_INVOICE'],
      blocksOrders: false,
    });
    expect(await gap(shop, 'paymentMethod', { invoiceLinks: false })).toEqual({ kind: 'paymentMethod', enabled: 2, blocksOrders: true });
  });

  it('the admin channel, the admin roles and the Discord server', async () => {
    const shop = await newShop();
    await db.tenant.update({ where: { id: shop }, data: { adminChannelId: '223456789012345678' } });
    expect(keys(await gaps(shop))).toEqual(['product', 'paymentMethod', 'adminRole']);
    await db.tenant.update({ where: { id: shop }, data: { adminRoleIds: ['323456789012345678'] } });
    expect(keys(await gaps(shop))).toEqual(['product', 'paymentMethod']);
    await db.guild.deleteMany({ where: { tenantId: shop } });
    expect(await gaps(shop)).toEqual([
      { kind: 'guild', blocksOrders: true },
      { kind: 'product', products: 0, blocksOrders: true },
      { kind: 'paymentMethod', enabled: 0, blocksOrders: true },
    ]);
  });

  it('a shop with everything has no gaps', async () => {
    const shop = await newShop();
    await db.tenant.update({
      where: { id: shop },
      data: {
        enabledPaymentMethods: ['VENMO_P2P', 'PAYPAL'],
        paymentInstructions: { VENMO_P2P: { handle: '@shop' } },
        adminChannelId: '223456789012345678',
        adminRoleIds: ['323456789012345678'],
      },
    });
    await connection(shop, 'PAYPAL', 'CONNECTED');
    await f.product({ tenantId: shop });
    await f.shippingType({ tenantId: shop });
    expect(await gaps(shop)).toEqual([]);
  });

  it("tenant isolation: shop B's catalog, connections and settings neither fill nor show shop A's gaps", async () => {
    const a = await newShop();
    const b = await newShop();
    // B has what A lacks...
    await db.tenant.update({
      where: { id: b },
      data: { enabledPaymentMethods: ['PAYPAL'], adminChannelId: '223456789012345678', adminRoleIds: ['323456789012345678'] },
    });
    await connection(b, 'PAYPAL', 'CONNECTED');
    await f.product({ tenantId: b });
    await f.shippingType({ tenantId: b });
    expect(keys(await gaps(a))).toEqual(['product', 'paymentMethod', 'adminChannel', 'adminRole']);
    expect(keys(await gaps(b))).toEqual([]);
    // ...and A now has what B lacks: B's gaps (a shipped product without a shipping type, Venmo without
    // instructions, PayPal not connected) are not A's.
    await db.tenant.update({
      where: { id: a },
      data: {
        enabledPaymentMethods: ['ZELLE'],
        paymentInstructions: { ZELLE: { handle: 'pay@a.test' } },
        adminChannelId: '423456789012345678',
        adminRoleIds: ['523456789012345678'],
      },
    });
    await f.product({ tenantId: a, digitalKind: 'DOWNLOAD_LINK', downloadUrl: 'https://example.com/a' });
    await db.shippingType.updateMany({ where: { tenantId: b }, data: { active: false } });
    await db.tenant.update({ where: { id: b }, data: { enabledPaymentMethods: ['PAYPAL', 'VENMO_P2P'] } });
    await connection(b, 'PAYPAL', 'FAILED');
    expect(keys(await gaps(b))).toEqual(['connection-PAYPAL', 'instructions-VENMO_P2P', 'shippingType']);
    expect(await gaps(a)).toEqual([]);
    expect(await gaps('ten_doesnotexist')).toEqual([]);
  });
});
