// A shop changes its currency and re-prices everything priced in the old one in one step
// (modules/tenants/change-shop-currency.ts), against PostgreSQL: the currency and every new amount are written
// together, audited, or nothing is; what the owner was shown must still be what is priced (a colleague's new
// product or changed price refuses the change); unpaid orders, open checkouts, TaxJar and payment methods that
// cannot take the new currency refuse it as the Settings save does. The races are played with Promise.all and with
// a transaction held open.
import { afterAll, describe, expect, it } from 'vitest';
import { createAuditService } from '../../../src/modules/audit/audit.service.js';
import { createConnectionService } from '../../../src/modules/payments-processor/connections/connection.service.js';
import { changeShopCurrency, repricedAmounts, type CurrencyChangeInput } from '../../../src/modules/tenants/change-shop-currency.js';
import { systemClock } from '../../../src/platform/clock.js';
import { isAppError } from '../../../src/platform/errors.js';
import { createSecretBox, generateKeyringEntry } from '../../../src/platform/secret-box.js';
import { adminCtx } from '../../helpers/actors.js';
import { pricedCatalog } from '../../helpers/priced-catalog.js';
import { closeTestDb, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { systemResolveHost } from '../../../src/platform/outbound/guarded-lookup.js';

const db = testDb();
const f = factories(db);
afterAll(() => closeTestDb());

const audit = createAuditService({ db });
const deps = {
  db,
  audit,
  paymentMethods: createConnectionService({
    db,
    clock: systemClock,
    secrets: createSecretBox(generateKeyringEntry('c1')),
    audit,
    adapters: {},
    urls: {},
    outbound: { policy: { production: false }, resolveHost: systemResolveHost },
  }),
};

/** A USD shop that takes Venmo (a method that takes any currency). */
const shop = (data: Parameters<typeof f.tenant>[0] = {}) => f.tenant({ currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'], ...data });

/** The amounts as the page shows them, and `typed` new cents by the record's id (and field, for a discount's two). */
async function shown(tenantId: string) {
  return (await repricedAmounts(db, tenantId, 'USD')).map((a) => ({ key: a.key, cents: a.cents }));
}
const change = (tenantId: string, input: CurrencyChangeInput) => changeShopCurrency(deps, adminCtx(tenantId), input);

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isAppError(err)) throw new Error(`expected a refusal, got ${String(err)}`);
  return { code: err.code, message: err.message };
}

/** Every priced row of a shop and its currency, for "nothing was written". */
async function snapshot(tenantId: string) {
  return {
    tenant: await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { currency: true, updatedAt: true } }),
    products: await db.product.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    shippingTypes: await db.shippingType.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    discounts: await db.discount.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    audit: await db.auditLog.count({ where: { tenantId } }),
  };
}

/** A USD shop with one of each priced thing, and things that are not priced (not touched by the change). */
async function pricedShop() {
  const tenant = await shop();
  const tenantId = tenant.id;
  return { tenantId, ...(await pricedCatalog(f, tenantId)) };
}

const eur = (s: Awaited<ReturnType<typeof pricedShop>>) => ({
  [`product:${s.mug.id}:unitPriceCents`]: 1150,
  [`shippingType:${s.post.id}:priceCents`]: 450,
  [`discount:${s.fiver.id}:amountOffCents`]: 460,
  [`discount:${s.fiver.id}:minSubtotalCents`]: 2800,
});

describe("changing a shop's currency with its prices", () => {
  it('lists every amount held in the old currency, and writes the currency and every new amount at once, audited', async () => {
    const s = await pricedShop();
    const amounts = await repricedAmounts(db, s.tenantId, 'USD');
    expect(amounts.map((a) => [a.kind, a.name, a.label, a.cents])).toEqual([
      ['product', 'Mug (MUG)', 'Price', 1250],
      ['shippingType', 'Post', 'Price', 495],
      ['discount', 'Fiver', 'Amount off', 500],
      ['discount', 'Fiver', 'Minimum subtotal', 3000],
    ]);
    const before = await snapshot(s.tenantId);

    const done = await change(s.tenantId, { from: 'USD', to: 'EUR', shown: await shown(s.tenantId), newCents: eur(s) });
    // The answer's list is the shop's as the change left it: every amount, now in euros.
    expect(done).toEqual({ repriced: 4, currency: 'EUR', amounts: await repricedAmounts(db, s.tenantId, 'EUR') });
    expect(done.amounts).toHaveLength(4);

    const after = await snapshot(s.tenantId);
    expect(after.tenant.currency).toBe('EUR');
    const byId = <T extends { id: string }>(rows: T[], id: string) => rows.find((r) => r.id === id)!;
    const only = (b: Record<string, unknown>, a: Record<string, unknown>, changed: Record<string, unknown>) => {
      for (const k of Object.keys(b)) if (k !== 'updatedAt') expect(a[k], k).toEqual(k in changed ? changed[k] : b[k]);
    };
    only(byId(before.products, s.mug.id), byId(after.products, s.mug.id), { unitPriceCents: 1150, currency: 'EUR' });
    only(byId(before.products, s.old.id), byId(after.products, s.old.id), {}); // inactive: keeps its USD until saved
    only(byId(before.shippingTypes, s.post.id), byId(after.shippingTypes, s.post.id), { priceCents: 450 });
    only(byId(before.shippingTypes, s.pickup.id), byId(after.shippingTypes, s.pickup.id), {});
    only(byId(before.discounts, s.fiver.id), byId(after.discounts, s.fiver.id), { amountOffCents: 460, minSubtotalCents: 2800 });
    only(byId(before.discounts, s.tenPct.id), byId(after.discounts, s.tenPct.id), {});

    // One transaction's entries: in no particular order among themselves.
    const entries = await db.auditLog.findMany({ where: { tenantId: s.tenantId }, orderBy: { action: 'desc' } });
    expect(entries.map((e) => [e.action, e.entityId, e.before, e.after, e.actorType, e.actorId])).toEqual([
      ['tenant.updated', s.tenantId, { currency: 'USD' }, { currency: 'EUR' }, 'PANEL_ADMIN', 'adm_test'],
      ['shipping_type.updated', s.post.id, { priceCents: 495 }, { priceCents: 450 }, 'PANEL_ADMIN', 'adm_test'],
      [
        'product.updated',
        s.mug.id,
        { unitPriceCents: 1250, currency: 'USD' },
        { unitPriceCents: 1150, currency: 'EUR' },
        'PANEL_ADMIN',
        'adm_test',
      ],
      [
        'discount.updated',
        s.fiver.id,
        { amountOffCents: 500, minSubtotalCents: 3000 },
        { amountOffCents: 460, minSubtotalCents: 2800 },
        'PANEL_ADMIN',
        'adm_test',
      ],
    ]);
  });

  it('takes yen as whole units; a shop with nothing priced changes only its currency', async () => {
    const s = await pricedShop();
    const yen = {
      [`product:${s.mug.id}:unitPriceCents`]: 1980,
      [`shippingType:${s.post.id}:priceCents`]: 700,
      [`discount:${s.fiver.id}:amountOffCents`]: 800,
      [`discount:${s.fiver.id}:minSubtotalCents`]: 5000,
    };
    await change(s.tenantId, { from: 'USD', to: 'JPY', shown: await shown(s.tenantId), newCents: yen });
    expect(await db.product.findUniqueOrThrow({ where: { id: s.mug.id } })).toMatchObject({ currency: 'JPY', unitPriceCents: 1980 });
    const bare = await shop();
    expect(await change(bare.id, { from: 'USD', to: 'GBP', shown: [], newCents: {} })).toEqual({
      repriced: 0,
      currency: 'GBP',
      amounts: [],
    });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: bare.id } })).currency).toBe('GBP');
  });

  it('is refused, with nothing written, without every new amount, or with one out of bounds, or to the same currency', async () => {
    const s = await pricedShop();
    const before = await snapshot(s.tenantId);
    const { [`shippingType:${s.post.id}:priceCents`]: _, ...withoutPost } = eur(s);
    expect(await refusal(change(s.tenantId, { from: 'USD', to: 'EUR', shown: await shown(s.tenantId), newCents: withoutPost }))).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Give every amount in EUR: Post (price).',
    });
    const zeroOff = { ...eur(s), [`discount:${s.fiver.id}:amountOffCents`]: 0 };
    expect((await refusal(change(s.tenantId, { from: 'USD', to: 'EUR', shown: await shown(s.tenantId), newCents: zeroOff }))).code).toBe(
      'VALIDATION_FAILED',
    );
    expect(await refusal(change(s.tenantId, { from: 'USD', to: 'usd', shown: [], newCents: {} }))).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'The shop already sells in USD: pick another currency.',
    });
    expect(await snapshot(s.tenantId)).toEqual(before);
  });

  it('is refused while an order waits for payment, or a checkout is open, in the old currency', async () => {
    const s = await pricedShop();
    const customer = await f.customer({ tenantId: s.tenantId });
    const unpaid = await f.order({
      tenantId: s.tenantId,
      customerId: customer.id,
      lines: [{ productId: s.mug.id, quantity: 1, unitPriceCents: 1250 }],
    });
    const before = await snapshot(s.tenantId);
    expect(await refusal(change(s.tenantId, { from: 'USD', to: 'EUR', shown: await shown(s.tenantId), newCents: eur(s) }))).toEqual({
      code: 'CURRENCY_MISMATCH',
      message:
        'The currency cannot change from USD to EUR: 1 unpaid order is in USD. Amounts are not converted. First wait until the unpaid orders are paid, or cancel them.',
    });
    expect(await snapshot(s.tenantId)).toEqual(before);
    await db.order.update({ where: { id: unpaid.id }, data: { status: 'CANCELLED' } });
    await change(s.tenantId, { from: 'USD', to: 'EUR', shown: await shown(s.tenantId), newCents: eur(s) });
    expect((await snapshot(s.tenantId)).tenant.currency).toBe('EUR');
  });

  it("keeps the Settings save's rules: TaxJar (US dollars only) and payment methods that cannot take the new currency", async () => {
    const taxed = await shop({ taxjarEnabled: true });
    expect(await refusal(change(taxed.id, { from: 'USD', to: 'EUR', shown: [], newCents: {} }))).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'TaxJar calculates US sales tax in US dollars, and this shop sells in EUR: switch TaxJar off, or sell in USD.',
    });
    const cashApp = await shop({ enabledPaymentMethods: ['VENMO_P2P', 'CASHAPP_PAY'] });
    await db.paymentConnection.create({
      data: { tenantId: cashApp.id, provider: 'SQUARE', environment: 'production', status: 'CONNECTED', secrets: 'sealed' },
    });
    expect(await refusal(change(cashApp.id, { from: 'USD', to: 'EUR', shown: [], newCents: {} }))).toEqual({
      code: 'PAYMENT_METHOD_NOT_ENABLED',
      message: 'Cash App Pay takes USD only, and this shop sells in EUR. Switch Cash App Pay off, or sell in a currency it takes.',
    });
    for (const id of [taxed.id, cashApp.id]) expect((await db.tenant.findUniqueOrThrow({ where: { id } })).currency).toBe('USD');
  });

  it('is refused when what is priced is no longer what the page showed (a new product, a changed price), naming it', async () => {
    const s = await pricedShop();
    const page = await shown(s.tenantId);
    await f.product({ tenantId: s.tenantId, sku: 'HAT', name: 'Hat', unitPriceCents: 2000 });
    await db.shippingType.update({ where: { id: s.post.id }, data: { priceCents: 595 } });
    const before = await snapshot(s.tenantId);
    expect(await refusal(change(s.tenantId, { from: 'USD', to: 'EUR', shown: page, newCents: eur(s) }))).toEqual({
      code: 'CONFLICT',
      message:
        "Prices changed since this page was opened: Hat (HAT) is new, price $20.00; Post's price is now $5.95, not $4.95. " +
        'Nothing was changed: the list below is as it is now; check the new amounts and save again.',
    });
    expect(await snapshot(s.tenantId)).toEqual(before);
    expect(await repricedAmounts(db, s.tenantId, 'USD')).toHaveLength(5);
  });

  it('two changes at once (Promise.all): one is written whole, the other refused; never a mix', async () => {
    const s = await pricedShop();
    const page = await shown(s.tenantId);
    const gbp = Object.fromEntries(Object.entries(eur(s)).map(([k, v]) => [k, v - 100]));
    const results = await Promise.allSettled([
      change(s.tenantId, { from: 'USD', to: 'EUR', shown: page, newCents: eur(s) }),
      change(s.tenantId, { from: 'USD', to: 'GBP', shown: page, newCents: gbp }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    const won = results[0]!.status === 'fulfilled' ? { to: 'EUR', cents: eur(s) } : { to: 'GBP', cents: gbp };
    expect(lost.reason).toMatchObject({
      code: 'CONFLICT',
      message: `The shop's currency was changed to ${won.to} since this page was opened. Nothing was changed.`,
    });
    const after = await snapshot(s.tenantId);
    expect(after.tenant.currency).toBe(won.to);
    expect(after.products.find((p) => p.id === s.mug.id)).toMatchObject({
      currency: won.to,
      unitPriceCents: won.cents[`product:${s.mug.id}:unitPriceCents`],
    });
    expect(after.shippingTypes.find((p) => p.id === s.post.id)?.priceCents).toBe(won.cents[`shippingType:${s.post.id}:priceCents`]);
    expect(after.discounts.find((p) => p.id === s.fiver.id)).toMatchObject({
      amountOffCents: won.cents[`discount:${s.fiver.id}:amountOffCents`],
      minSubtotalCents: won.cents[`discount:${s.fiver.id}:minSubtotalCents`],
    });
    expect(await db.auditLog.count({ where: { tenantId: s.tenantId, action: 'tenant.updated' } })).toBe(1);
  });

  it("waits for a product save in progress (held open, as the panel's: its row, then the shop's FOR KEY SHARE), then names its new price", async () => {
    const s = await pricedShop();
    const page = await shown(s.tenantId);
    const { release, done } = await holdOpen(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM products WHERE id = ${s.mug.id} FOR UPDATE`;
      await tx.product.update({ where: { id: s.mug.id }, data: { unitPriceCents: 1300 } });
      await tx.$queryRaw`SELECT currency FROM tenants WHERE id = ${s.tenantId} FOR KEY SHARE`;
    });
    const changing = refusal(change(s.tenantId, { from: 'USD', to: 'EUR', shown: page, newCents: eur(s) }));
    await waitFor('the currency change waits for the product save', () => waitingOnLock());
    release();
    await done;
    expect(await changing).toEqual({
      code: 'CONFLICT',
      message:
        "Prices changed since this page was opened: Mug (MUG)'s price is now $13.00, not $12.50. Nothing was changed: the list below is as it is now; check the new amounts and save again.",
    });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: s.tenantId } })).currency).toBe('USD');
  });

  it('waits for a product being created (its foreign key holds the shop row), then names it', async () => {
    const s = await pricedShop();
    const page = await shown(s.tenantId);
    const { release, done } = await holdOpen(async (tx) => {
      await tx.product.create({ data: { tenantId: s.tenantId, sku: 'RACE', name: 'Race', unitPriceCents: 700, currency: 'USD' } });
    });
    const changing = refusal(change(s.tenantId, { from: 'USD', to: 'EUR', shown: page, newCents: eur(s) }));
    await waitFor('the currency change waits for the shop row', () => waitingOnLock());
    release();
    await done;
    expect((await changing).message).toMatch(/^Prices changed since this page was opened: Race \(RACE\) is new, price \$7\.00\./);
    expect((await db.tenant.findUniqueOrThrow({ where: { id: s.tenantId } })).currency).toBe('USD');
  });
});

/** Runs `fn` in a transaction kept open until `release` (a colleague's save in progress). */
async function holdOpen(fn: (tx: Parameters<Parameters<typeof db.$transaction>[0]>[0]) => Promise<void>) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let ready!: () => void;
  const readyNow = new Promise<void>((resolve) => (ready = resolve));
  const done = db.$transaction(
    async (tx) => {
      await fn(tx);
      ready();
      await held;
    },
    { timeout: 120_000 },
  );
  await readyNow;
  return { release, done };
}

/** Whether a session of this database waits for a row lock (the change under test: nothing else runs here). */
async function waitingOnLock(): Promise<boolean> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return (row?.n ?? 0) > 0;
}
