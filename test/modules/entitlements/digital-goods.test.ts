// Digital goods: 200 payments at once for a product with 50 licence keys -> exactly 50 deliveries and no key
// given twice (FOR UPDATE SKIP LOCKED in the payment's transaction), the other 150 audited as short with an
// admin alert; uploads one per line or CSV add to the stock; a refund revokes the key and takes its unit out
// of stock; download links; the delivery DM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { createAuditService } from '../../../src/modules/audit/audit.service.js';
import { createDiscountService } from '../../../src/modules/discounts/discount.service.js';
import { createDigitalGoods, DIGITAL_EVENTS, parseKeyUpload } from '../../../src/modules/entitlements/digital-goods.js';
import { createEntitlementService } from '../../../src/modules/entitlements/entitlement.service.js';
import { createInventoryService } from '../../../src/modules/inventory/inventory.service.js';
import { createPaymentService } from '../../../src/modules/payments/payment.service.js';
import { createRefundService } from '../../../src/modules/refunds/refund.service.js';
import { systemClock } from '../../../src/platform/clock.js';
import { EventBus } from '../../../src/platform/jobs/queue.js';
import { createLogger } from '../../../src/platform/logger.js';
import { digitalDeliveryDm } from '../../../src/adapters/discord/notifications/digital-notifications.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { queuedJobs } from '../refunds/after-sale.harness.js';

const db = testDb(40);
const f = factories(db);
const bus = new EventBus();
const PROBE = 'probe';
bus.subscribe(DIGITAL_EVENTS.delivered, PROBE, { schema: z.unknown(), run: async () => undefined });
bus.subscribe(DIGITAL_EVENTS.keysLow, PROBE, { schema: z.unknown(), run: async () => undefined });
const logger = createLogger({ level: 'silent', pretty: false });
const audit = createAuditService({ db });
const digital = createDigitalGoods({ db, bus, audit, now: () => new Date() });
const entitlements = createEntitlementService({ db, digital });
const deps = {
  db,
  bus,
  clock: systemClock,
  logger,
  audit,
  entitlements,
  inventory: createInventoryService(),
  discounts: createDiscountService(),
};
const payments = createPaymentService(deps);
const refunds = createRefundService(deps);
const discord = new FakeDiscordApi();
beforeAll(() => discord.start());
afterAll(() => discord.stop());

/** Runs `fn` over `items` with at most `limit` running at once; settles all. */
async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!).then(
          (value) => ({ status: 'fulfilled' as const, value }),
          (reason: unknown) => ({ status: 'rejected' as const, reason }),
        );
      }
    }),
  );
  return results;
}

async function keyShop(keys: number) {
  const tenant = await f.tenant();
  const product = await f.product({ tenantId: tenant.id, name: 'Game key', trackStock: true, stock: 0 });
  const upload = Array.from({ length: keys }, (_, i) => `KEY-${String(i).padStart(4, '0')}`).join('\n');
  const result = await digital.uploadKeys(adminCtx(tenant.id), product.id, upload);
  return { tenantId: tenant.id, product, result };
}

async function order(tenantId: string, productId: string) {
  const customer = await f.customer({ tenantId });
  return f.order({ tenantId, customerId: customer.id, lines: [{ productId, quantity: 1, unitPriceCents: 1000 }] });
}

describe('licence keys', () => {
  it('200 concurrent payments, 50 keys: exactly 50 deliveries, no key twice, 150 shortfalls audited and alerted', async () => {
    const { tenantId, product, result } = await keyShop(50);
    expect(result).toEqual({ added: 50, duplicates: 0, available: 50 });
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(50);
    const made = await inParallel(Array.from({ length: 200 }), 10, () => order(tenantId, product.id));
    const orders = made.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof order>>>).value);

    // 200 confirmations racing for 50 keys, 10 in flight at a time. Not 30: every transaction runs on this test
    // process's one event loop, so with 30 in flight on a loaded CI machine the one holding the product's row
    // waited for the CPU behind the other 29's Prisma work, and one transaction outlived Prisma's 15 s
    // interactive-transaction timeout (P2028). Ten still race for every key (FOR UPDATE SKIP LOCKED).
    const results = await inParallel(orders, 10, (o) => payments.confirm(adminCtx(tenantId), { orderId: o.id }));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

    const keys = await db.productKey.findMany({ where: { productId: product.id } });
    const delivered = keys.filter((k) => k.status === 'DELIVERED');
    expect(delivered).toHaveLength(50);
    expect(new Set(delivered.map((k) => k.orderId)).size).toBe(50); // one key per order, never two orders per key
    expect(keys.filter((k) => k.status === 'AVAILABLE')).toHaveLength(0);
    expect(await db.auditLog.count({ where: { tenantId, action: 'product.keys_short' } })).toBe(150);
    const jobs = await queuedJobs(db);
    const deliveredJobs = jobs.filter((j) => j.task === `${DIGITAL_EVENTS.delivered}>${PROBE}` && j.payload.tenantId === tenantId);
    expect(deliveredJobs).toHaveLength(0); // no separate keys DM: the receipt carries them
    const alerts = jobs.filter((j) => j.task === `${DIGITAL_EVENTS.keysLow}>${PROBE}` && j.payload.tenantId === tenantId);
    expect(alerts).toHaveLength(1); // one pending alert for the product, not one per sale
  }, 300_000); // ~10 s on a quiet machine; the budget is for a hang, and a busy 2-core machine is 10x slower

  it('a refund revokes the key and caps the stock at the keys left; a repeated confirmation delivers nothing new', async () => {
    const { tenantId, product } = await keyShop(3);
    const o = await order(tenantId, product.id);
    await payments.confirm(adminCtx(tenantId), { orderId: o.id });
    await db.$transaction((tx) => entitlements.grantForOrder(tx, { tenantId, orderId: o.id }));
    expect(await db.productKey.count({ where: { orderId: o.id } })).toBe(1);

    await refunds.refund(adminCtx(tenantId), o.id, { items: [{ productId: product.id, quantity: 1 }] });
    const [key] = await db.productKey.findMany({ where: { orderId: o.id } });
    expect(key).toMatchObject({ status: 'REVOKED' });
    // The order was made without a reservation, so stock still said 3; the two keys left cap it.
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(2);
    expect(await digital.forOrder(tenantId, o.id)).toEqual([
      { productId: product.id, productName: 'Game key', code: key!.code, downloadUrl: null, revoked: true },
    ]);
  });

  it('the admin channel is told when a sale leaves 5 keys or fewer', async () => {
    const { tenantId, product } = await keyShop(7);
    const alertsFor = async () =>
      (await queuedJobs(db)).filter((j) => j.task === `${DIGITAL_EVENTS.keysLow}>${PROBE}` && j.payload.productId === product.id);
    await payments.confirm(adminCtx(tenantId), { orderId: (await order(tenantId, product.id)).id });
    expect(await alertsFor()).toEqual([]); // 6 left
    await payments.confirm(adminCtx(tenantId), { orderId: (await order(tenantId, product.id)).id });
    expect((await alertsFor()).map((a) => a.payload)).toEqual([
      { tenantId, productId: product.id, productName: 'Game key', available: 5, short: 0 },
    ]);
  });

  it('uploads: one per line or CSV, header and repeats dropped, keys already stocked not added twice', async () => {
    expect(parseKeyUpload('key,note\n"AAA-1",first\nBBB-2 , second\n\nAAA-1\r\nCCC-3')).toEqual(['AAA-1', 'BBB-2', 'CCC-3']);
    const { tenantId, product } = await keyShop(2);
    const again = await digital.uploadKeys(adminCtx(tenantId), product.id, 'KEY-0000\nNEW-1');
    expect(again).toEqual({ added: 1, duplicates: 1, available: 3 });
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(3);
    const other = await f.tenant();
    await expect(digital.uploadKeys(adminCtx(other.id), product.id, 'X-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('download links and the DM', () => {
  it('a download link is delivered with the payment; the DM lists keys and links', async () => {
    const tenant = await f.tenant();
    const product = await f.product({ tenantId: tenant.id, name: 'Sound pack' });
    await db.product.update({
      where: { id: product.id },
      data: { digitalKind: 'DOWNLOAD_LINK', downloadUrl: 'https://files.example/pack.zip' },
    });
    const o = await order(tenant.id, product.id);
    await payments.confirm(adminCtx(tenant.id), { orderId: o.id });
    const items = await digital.forOrder(tenant.id, o.id);
    expect(items).toEqual([
      { productId: product.id, productName: 'Sound pack', code: null, downloadUrl: 'https://files.example/pack.zip', revoked: false },
    ]);
    const dm = digitalDeliveryDm(1042, [
      ...items,
      { productId: 'p', productName: 'Game key', code: 'KEY-1', downloadUrl: null, revoked: false },
    ]);
    expect(dm.embeds![0]!.description).toContain('**Sound pack**: https://files.example/pack.zip');
    expect(dm.embeds![0]!.description).toContain('**Game key**: `KEY-1`');
  });
});
