// GET and POST /api/shop/currency: a shop that scripts its catalog changes its currency and every price at once
// through the REST API, as the panel's "Change currency" does (modules/tenants/change-shop-currency.ts), against
// PostgreSQL through the HTTP surface. Happy path (every column of the shop and of each re-priced record read back,
// the audit entries with the API key as the actor), yen in minor units, every refusal with nothing written, the
// malformed bodies, a read-only key, another shop's key, and two changes at once.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { pricedCatalog } from '../../helpers/priced-catalog.js';
import { testDb } from '../../helpers/db.js';
import { apiTenant, f, useApiShop } from './api-fixtures.js';

const db = testDb();
const { t } = useApiShop();

const read = (auth: Record<string, string>) => request(t.app).get('/api/v1/shop/currency').set(auth);
const post = (auth: Record<string, string>, body: unknown) =>
  request(t.app)
    .post('/api/v1/shop/currency')
    .set(auth)
    .send(body as object);

/** A USD shop (with an API key) with one of each priced thing, and things that are not priced. */
async function pricedShop(tenant: Record<string, unknown> = {}) {
  const s = await apiTenant(t, { currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'], ...tenant });
  const tenantId = s.tenant.id;
  // apiTenant's Alpha (2000) and Beta (500) are priced too.
  return { ...s, tenantId, ...(await pricedCatalog(f, tenantId)) };
}
type Shop = Awaited<ReturnType<typeof pricedShop>>;

interface Entry {
  kind: string;
  id: string;
  field: string;
  amountCents: number;
}

/** What GET answers, as entries to send back: each with its new amount (`newOf`: by the entry). */
async function entries(s: Shop, newOf: (e: Entry) => number = (e) => e.amountCents - 10) {
  const res = await read(s.auth).expect(200);
  return (res.body.amounts as Entry[]).map(({ kind, id, field, amountCents }) => ({
    kind,
    id,
    field,
    amountCents,
    newAmountCents: newOf({ kind, id, field, amountCents }),
  }));
}

/** Every row a change may write, for "nothing was written" and for "only these columns changed". */
async function snapshot(tenantId: string) {
  return {
    tenant: await db.tenant.findUniqueOrThrow({ where: { id: tenantId } }),
    products: await db.product.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    shippingTypes: await db.shippingType.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    discounts: await db.discount.findMany({ where: { tenantId }, orderBy: { id: 'asc' } }),
    audit: await db.auditLog.count({ where: { tenantId } }),
  };
}

/** Every column of `after` is `before`'s, except those in `changed` (and updatedAt). */
function only(before: Record<string, unknown>, after: Record<string, unknown>, changed: Record<string, unknown>) {
  expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  for (const k of Object.keys(before)) if (k !== 'updatedAt') expect(after[k], k).toEqual(k in changed ? changed[k] : before[k]);
}

const byId = <T extends { id: string }>(rows: T[], id: string) => rows.find((r) => r.id === id)!;

describe('GET /api/shop/currency', () => {
  it("lists the shop's currency and every amount held in it: kind, id, field, name, label and amount in minor units", async () => {
    const s = await pricedShop();
    const [alpha, beta] = s.products;
    const res = await read(s.auth).expect(200);
    expect(res.body).toEqual({
      currency: 'USD',
      amounts: [
        { kind: 'product', id: alpha!.id, field: 'unitPriceCents', name: `Alpha (${alpha!.sku})`, label: 'Price', amountCents: 2000 },
        { kind: 'product', id: beta!.id, field: 'unitPriceCents', name: `Beta (${beta!.sku})`, label: 'Price', amountCents: 500 },
        { kind: 'product', id: s.mug.id, field: 'unitPriceCents', name: 'Mug (MUG)', label: 'Price', amountCents: 1250 },
        { kind: 'shippingType', id: s.post.id, field: 'priceCents', name: 'Post', label: 'Price', amountCents: 495 },
        { kind: 'discount', id: s.fiver.id, field: 'amountOffCents', name: 'Fiver', label: 'Amount off', amountCents: 500 },
        { kind: 'discount', id: s.fiver.id, field: 'minSubtotalCents', name: 'Fiver', label: 'Minimum subtotal', amountCents: 3000 },
      ],
    });
  });
});

describe('POST /api/shop/currency', () => {
  it('changes the currency and every amount in one step: every column of the shop and of each record read back, audited as the API key', async () => {
    const s = await pricedShop();
    const [alpha, beta] = s.products;
    const before = await snapshot(s.tenantId);
    const body = { from: 'USD', to: 'EUR', amounts: await entries(s, (e) => e.amountCents - 50) };

    const res = await post(s.auth, body).expect(200);

    expect(res.body).toEqual({
      currency: 'EUR',
      repriced: 6,
      amounts: body.amounts.map((e) => expect.objectContaining({ kind: e.kind, id: e.id, field: e.field, amountCents: e.newAmountCents })),
    });
    const after = await snapshot(s.tenantId);
    only(before.tenant, after.tenant, { currency: 'EUR' });
    only(byId(before.products, alpha!.id), byId(after.products, alpha!.id), { unitPriceCents: 1950, currency: 'EUR' });
    only(byId(before.products, beta!.id), byId(after.products, beta!.id), { unitPriceCents: 450, currency: 'EUR' });
    only(byId(before.products, s.mug.id), byId(after.products, s.mug.id), { unitPriceCents: 1200, currency: 'EUR' });
    only(byId(before.products, s.old.id), byId(after.products, s.old.id), {}); // inactive: keeps its USD until saved
    only(byId(before.shippingTypes, s.post.id), byId(after.shippingTypes, s.post.id), { priceCents: 445 });
    only(byId(before.shippingTypes, s.pickup.id), byId(after.shippingTypes, s.pickup.id), {});
    only(byId(before.discounts, s.fiver.id), byId(after.discounts, s.fiver.id), { amountOffCents: 450, minSubtotalCents: 2950 });
    only(byId(before.discounts, s.tenPct.id), byId(after.discounts, s.tenPct.id), {});
    expect(after.products).toHaveLength(before.products.length);

    const audit = await db.auditLog.findMany({ where: { tenantId: s.tenantId, action: { endsWith: '.updated' } } });
    const entry = (entityId: string) => audit.find((a) => a.entityId === entityId);
    expect(audit).toHaveLength(6);
    for (const a of audit) expect([a.actorType, a.actorId]).toEqual(['API_KEY', s.keyRecord.id]);
    expect([entry(s.tenantId)?.action, entry(s.tenantId)?.before, entry(s.tenantId)?.after]).toEqual([
      'tenant.updated',
      { currency: 'USD' },
      { currency: 'EUR' },
    ]);
    expect([entry(s.mug.id)?.before, entry(s.mug.id)?.after]).toEqual([
      { unitPriceCents: 1250, currency: 'USD' },
      { unitPriceCents: 1200, currency: 'EUR' },
    ]);
    expect([entry(s.post.id)?.action, entry(s.post.id)?.after]).toEqual(['shipping_type.updated', { priceCents: 445 }]);
    expect([entry(s.fiver.id)?.action, entry(s.fiver.id)?.after]).toEqual([
      'discount.updated',
      { amountOffCents: 450, minSubtotalCents: 2950 },
    ]);

    // What GET answers now: the new currency and the new amounts.
    expect((await read(s.auth).expect(200)).body).toEqual({ currency: 'EUR', amounts: res.body.amounts });
  });

  it('takes amounts in minor units: whole yen for JPY (1980 is ¥1,980; 19.8 is refused); a shop with nothing priced sends []', async () => {
    const s = await pricedShop();
    const before = await snapshot(s.tenantId);
    const fractional = await entries(s, () => 19.8);
    const refused = await post(s.auth, { from: 'USD', to: 'JPY', amounts: fractional }).expect(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(refused.body.error.details.fields).toContainEqual({ path: 'amounts.0.newAmountCents', message: 'whole minor units' });
    expect(await snapshot(s.tenantId)).toEqual(before);

    await post(s.auth, { from: 'USD', to: 'jpy', amounts: await entries(s, () => 1980) }).expect(200);
    expect(await db.product.findUniqueOrThrow({ where: { id: s.mug.id } })).toMatchObject({ currency: 'JPY', unitPriceCents: 1980 });
    expect((await db.tenant.findUniqueOrThrow({ where: { id: s.tenantId } })).currency).toBe('JPY');

    const bare = await apiTenant(t, { currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'] });
    await db.product.updateMany({ where: { tenantId: bare.tenant.id }, data: { active: false } });
    expect((await read(bare.auth).expect(200)).body).toEqual({ currency: 'USD', amounts: [] });
    expect((await post(bare.auth, { from: 'USD', to: 'GBP', amounts: [] }).expect(200)).body).toEqual({
      currency: 'GBP',
      amounts: [],
      repriced: 0,
    });
  });
});

describe('POST /api/shop/currency with an Idempotency-Key', () => {
  it('a retry with the same key gets the first answer again and changes nothing more', async () => {
    const s = await pricedShop();
    const body = { from: 'USD', to: 'EUR', amounts: await entries(s) };
    const first = await post({ ...s.auth, 'idempotency-key': 'currency-eur-1' }, body).expect(200);
    const after = await snapshot(s.tenantId);
    const again = await post({ ...s.auth, 'idempotency-key': 'currency-eur-1' }, body).expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await snapshot(s.tenantId)).toEqual(after);
  });
});

describe('POST /api/shop/currency refusals (nothing written)', () => {
  it('409 CONFLICT naming what changed since the list was read: a new product, a changed price, an entry not sent, one no longer priced', async () => {
    const s = await pricedShop();
    const body = { from: 'USD', to: 'EUR', amounts: await entries(s) };
    const hat = await f.product({ tenantId: s.tenantId, sku: 'HAT', name: 'Hat', unitPriceCents: 2000 });
    await db.shippingType.update({ where: { id: s.post.id }, data: { priceCents: 595 } });
    const before = await snapshot(s.tenantId);

    const res = await post(s.auth, body).expect(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(res.body.error.message).toMatch(/^What is priced differs from the amounts sent \(2 entries/);
    expect(res.body.error.details.changes).toEqual([
      { kind: 'product', id: hat.id, field: 'unitPriceCents', name: 'Hat (HAT)', amountCentsSent: null, amountCentsNow: 2000 },
      { kind: 'shippingType', id: s.post.id, field: 'priceCents', name: 'Post', amountCentsSent: 495, amountCentsNow: 595 },
    ]);
    expect(await snapshot(s.tenantId)).toEqual(before);

    // An entry left out, and one that is not priced (the inactive product).
    const fresh = await entries(s);
    const withoutMug = fresh.filter((e) => e.id !== s.mug.id);
    const missing = await post(s.auth, { from: 'USD', to: 'EUR', amounts: withoutMug }).expect(409);
    expect(missing.body.error.details.changes).toEqual([
      { kind: 'product', id: s.mug.id, field: 'unitPriceCents', name: 'Mug (MUG)', amountCentsSent: null, amountCentsNow: 1250 },
    ]);
    const extra = { kind: 'product', id: s.old.id, field: 'unitPriceCents', amountCents: 900, newAmountCents: 800 };
    const extraRes = await post(s.auth, { from: 'USD', to: 'EUR', amounts: [...fresh, extra] }).expect(409);
    expect(extraRes.body.error.details.changes).toEqual([
      { kind: 'product', id: s.old.id, field: 'unitPriceCents', name: null, amountCentsSent: 900, amountCentsNow: null },
    ]);
    // "from" that is no longer the shop's currency.
    const wrongFrom = await post(s.auth, { from: 'GBP', to: 'EUR', amounts: fresh }).expect(409);
    expect(wrongFrom.body.error).toMatchObject({ code: 'CONFLICT', details: { currency: 'USD' } });
    expect(await snapshot(s.tenantId)).toEqual(before);
  });

  it('409 CURRENCY_MISMATCH while an order waits for payment, or a checkout is open, in the old currency', async () => {
    const s = await pricedShop();
    const unpaid = await f.order({
      tenantId: s.tenantId,
      customerId: s.customer.id,
      lines: [{ productId: s.mug.id, quantity: 1, unitPriceCents: 1250 }],
    });
    const body = { from: 'USD', to: 'EUR', amounts: await entries(s) };
    const before = await snapshot(s.tenantId);
    const res = await post(s.auth, body).expect(409);
    expect(res.body.error).toMatchObject({
      code: 'CURRENCY_MISMATCH',
      message:
        'The currency cannot change from USD to EUR: 1 unpaid order is in USD. Amounts are not converted. First wait until the unpaid orders are paid, or cancel them.',
    });
    expect(await snapshot(s.tenantId)).toEqual(before);

    // Paid, but its online checkout is still open.
    await db.order.update({ where: { id: unpaid.id }, data: { status: 'PAID', paidAt: new Date() } });
    const connection = await db.paymentConnection.create({
      data: { tenantId: s.tenantId, provider: 'PAYPAL', environment: 'sandbox', status: 'CONNECTED', secrets: 'sealed' },
    });
    await db.paymentCheckout.create({
      data: {
        tenantId: s.tenantId,
        orderId: unpaid.id,
        connectionId: connection.id,
        provider: 'PAYPAL',
        method: 'PAYPAL',
        amountCents: 1250,
        currency: 'USD',
        orderVersion: 1,
        state: 'OPEN',
      },
    });
    const open = await post(s.auth, body).expect(409);
    expect(open.body.error.code).toBe('CURRENCY_MISMATCH');
    expect(open.body.error.message).toContain('1 open checkout is in USD');
    expect((await db.tenant.findUniqueOrThrow({ where: { id: s.tenantId } })).currency).toBe('USD');
  });

  it('400 for TaxJar on (US dollars only); 409 PAYMENT_METHOD_NOT_ENABLED for a method that cannot take the currency', async () => {
    const taxed = await pricedShop({ taxjarEnabled: true });
    const taxedBefore = await snapshot(taxed.tenantId);
    const res = await post(taxed.auth, { from: 'USD', to: 'EUR', amounts: await entries(taxed) }).expect(400);
    expect(res.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'TaxJar calculates US sales tax in US dollars, and this shop sells in EUR: switch TaxJar off, or sell in USD.',
    });
    // details.fields names a field of the body (the new currency), not Shop settings' TaxJar switch.
    expect(res.body.error.details).toEqual({
      fields: [{ path: 'to', message: 'TaxJar is on for this shop and taxes US dollars only: switch it off in Shop settings first' }],
    });
    expect(await snapshot(taxed.tenantId)).toEqual(taxedBefore);

    const cashApp = await pricedShop({ enabledPaymentMethods: ['VENMO_P2P', 'CASHAPP_PAY'] });
    await db.paymentConnection.create({
      data: { tenantId: cashApp.tenantId, provider: 'SQUARE', environment: 'production', status: 'CONNECTED', secrets: 'sealed' },
    });
    const cashBefore = await snapshot(cashApp.tenantId);
    const refused = await post(cashApp.auth, { from: 'USD', to: 'EUR', amounts: await entries(cashApp) }).expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'PAYMENT_METHOD_NOT_ENABLED',
      message: 'Cash App Pay takes USD only, and this shop sells in EUR. Switch Cash App Pay off, or sell in a currency it takes.',
    });
    expect(await snapshot(cashApp.tenantId)).toEqual(cashBefore);
  });

  it("400 for an amount out of its field's bounds (a discount's amount off of 0, a price over the maximum), or the same currency", async () => {
    const s = await pricedShop();
    const before = await snapshot(s.tenantId);
    const amounts = await entries(s);
    const off = amounts.findIndex((e) => e.field === 'amountOffCents');
    const price = amounts.findIndex((e) => e.id === s.mug.id);
    amounts[off]!.newAmountCents = 0;
    amounts[price]!.newAmountCents = 100_000_001;
    const res = await post(s.auth, { from: 'USD', to: 'EUR', amounts }).expect(400);
    expect(res.body.error.details.fields).toEqual([
      { path: `amounts.${price}.newAmountCents`, message: 'from 0 to 100000000 (minor units)' },
      { path: `amounts.${off}.newAmountCents`, message: 'from 1 to 100000000 (minor units)' },
    ]);
    const same = await post(s.auth, { from: 'USD', to: 'usd', amounts: await entries(s) }).expect(400);
    expect(same.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The shop already sells in USD: pick another currency.',
      details: { fields: [{ path: 'to', message: 'the shop already sells in USD' }] },
    });
    expect(await snapshot(s.tenantId)).toEqual(before);
  });

  it('400 for malformed bodies: wrong types, unknown currency, missing or unknown properties, a field of another kind, an entry twice', async () => {
    const s = await pricedShop();
    const before = await snapshot(s.tenantId);
    const amounts = await entries(s);
    const bad: [unknown, string][] = [
      [{ from: 'USD', to: 'EUR' }, 'amounts'],
      [{ from: 'USD', to: 'EUR', amounts: 'all of them' }, 'amounts'],
      [{ from: 'USD', amounts }, 'to'],
      [{ to: 'EUR', amounts }, 'from'],
      [{ from: 'USD', to: 'USS', amounts }, 'to'],
      [{ from: 'USD', to: 'EURO', amounts }, 'to'],
      [{ from: 'USD', to: 42, amounts }, 'to'],
      [{ from: 'USD', to: 'EUR', amounts, dryRun: true }, 'dryRun'],
      [{ from: 'USD', to: 'EUR', amounts: [{ ...amounts[0]!, newAmountCents: '1950' }, ...amounts.slice(1)] }, 'amounts.0.newAmountCents'],
      [
        { from: 'USD', to: 'EUR', amounts: [{ ...amounts[0]!, newAmountCents: undefined }, ...amounts.slice(1)] },
        'amounts.0.newAmountCents',
      ],
      [{ from: 'USD', to: 'EUR', amounts: [{ ...amounts[0]!, amountCents: 20.5 }, ...amounts.slice(1)] }, 'amounts.0.amountCents'],
      [{ from: 'USD', to: 'EUR', amounts: [{ ...amounts[0]!, kind: 'coupon' }, ...amounts.slice(1)] }, 'amounts.0.kind'],
      [{ from: 'USD', to: 'EUR', amounts: [{ ...amounts[0]!, field: 'priceCents' }, ...amounts.slice(1)] }, 'amounts.0.field'],
      [{ from: 'USD', to: 'EUR', amounts: [{ ...amounts[0]!, note: 'x' }, ...amounts.slice(1)] }, 'amounts.0.note'],
      [{ from: 'USD', to: 'EUR', amounts: [{ ...amounts[0]!, id: `${amounts[0]!.id}:priceCents` }, ...amounts.slice(1)] }, 'amounts.0.id'],
      [{ from: 'USD', to: 'EUR', amounts: [...amounts, amounts[0]!] }, `amounts.${amounts.length}`],
      [[], '(root)'],
    ];
    for (const [body, path] of bad) {
      const res = await post(s.auth, body);
      expect([res.status, res.body.error?.code], JSON.stringify(body)).toEqual([400, 'VALIDATION_FAILED']);
      expect(
        (res.body.error.details.fields as { path: string }[]).map((x) => x.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    const text = await request(t.app)
      .post('/api/v1/shop/currency')
      .set(s.auth)
      .set('content-type', 'text/plain')
      .send('to=EUR')
      .expect(400);
    expect(text.body.error.message).toMatch(/Send the request body as JSON/);
    expect(await snapshot(s.tenantId)).toEqual(before);
  });
});

describe('POST /api/shop/currency: who may call it', () => {
  it('a read-only key reads the list and is refused the change (403 API_KEY_READ_ONLY), nothing written', async () => {
    const s = await pricedShop();
    const { key } = await t.services.apiKeys.create(adminCtx(s.tenantId), 'Bookkeeping', 'READ_ONLY');
    const ro = { authorization: `Bearer ${key}` };
    const amounts = await entries(s);
    expect((await read(ro).expect(200)).body).toEqual((await read(s.auth).expect(200)).body);
    const before = await snapshot(s.tenantId);
    const res = await post(ro, { from: 'USD', to: 'EUR', amounts }).expect(403);
    expect(res.body.error).toMatchObject({ code: 'API_KEY_READ_ONLY', details: { access: 'READ_ONLY', method: 'POST' } });
    expect(await snapshot(s.tenantId)).toEqual(before);
  });

  it("another shop's key neither reads nor changes this shop: it sees its own list, and this shop's entries are not priced in it", async () => {
    const a = await pricedShop();
    const b = await pricedShop();
    const bBefore = await snapshot(b.tenantId);
    const aList = (await read(a.auth).expect(200)).body as { amounts: { id: string }[] };
    const bIds = new Set([...bBefore.products, ...bBefore.shippingTypes, ...bBefore.discounts].map((r) => r.id));
    expect(aList.amounts.some((x) => bIds.has(x.id))).toBe(false);

    // A's key sends B's entries (as B's key would read them): refused, B untouched, A untouched.
    const aBefore = await snapshot(a.tenantId);
    const res = await post(a.auth, { from: 'USD', to: 'EUR', amounts: await entries(b) }).expect(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(await snapshot(b.tenantId)).toEqual(bBefore);
    expect(await snapshot(a.tenantId)).toEqual(aBefore);
    // A's own change writes A only.
    await post(a.auth, { from: 'USD', to: 'EUR', amounts: await entries(a) }).expect(200);
    expect(await snapshot(b.tenantId)).toEqual(bBefore);
  });

  it('two changes at once (Promise.all): exactly one is applied whole, the other refused with 409 and nothing of it written', async () => {
    const s = await pricedShop();
    const toEur = { from: 'USD', to: 'EUR', amounts: await entries(s, (e) => e.amountCents - 10) };
    const toGbp = { from: 'USD', to: 'GBP', amounts: await entries(s, (e) => e.amountCents - 20) };
    const [eur, gbp] = await Promise.all([post(s.auth, toEur), post(s.auth, toGbp)]);
    expect([eur.status, gbp.status].sort()).toEqual([200, 409]);
    const won = eur.status === 200 ? toEur : toGbp;
    const lost = eur.status === 200 ? gbp : eur;
    expect(lost.body.error).toMatchObject({ code: 'CONFLICT', details: { currency: won.to } });
    const after = await snapshot(s.tenantId);
    expect(after.tenant.currency).toBe(won.to);
    for (const e of won.amounts) {
      const rows = e.kind === 'product' ? after.products : e.kind === 'shippingType' ? after.shippingTypes : after.discounts;
      expect((byId(rows as { id: string }[], e.id) as unknown as Record<string, unknown>)[e.field], `${e.kind} ${e.field}`).toBe(
        e.newAmountCents,
      );
    }
    for (const p of after.products.filter((x) => x.active)) expect(p.currency).toBe(won.to);
    expect(await db.auditLog.count({ where: { tenantId: s.tenantId, action: 'tenant.updated' } })).toBe(1);
  });
});
