// Who may use Shop settings -> "Change currency" (resources/change-currency.action.ts), through the panel's HTTP API as
// its page calls it: a platform admin on any shop's record (the shop is the record opened, the platform admin the
// audit entries' actor on that shop's log), a shop's admin on their own shop only, staff never. A refused request
// gets no list (no amount of the shop leaves the server) and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { expectOnly, type Row } from '../helpers/expect-only.js';
import { pricedCatalog } from '../helpers/priced-catalog.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
const f = factories();
const db = () => testDb();

beforeAll(async () => {
  app = await startAdminApp();
});
afterAll(async () => {
  await app?.close();
});

/** A USD shop with the catalog Change currency reprices, its admin and its staff. */
async function shop(name: string) {
  const tenant = await f.tenant({ name, currency: 'USD', enabledPaymentMethods: ['VENMO_P2P'] });
  const catalog = await pricedCatalog(f, tenant.id);
  const admin = await f.adminUser({ tenantId: tenant.id });
  const staff = await f.adminUser({ tenantId: tenant.id, role: 'TENANT_STAFF' });
  return { tenantId: tenant.id, ...catalog, admin, staff };
}
type Shop = Awaited<ReturnType<typeof shop>>;

const keys = (s: Shop) => ({
  mug: `product:${s.mug.id}:unitPriceCents`,
  post: `shippingType:${s.post.id}:priceCents`,
  amountOff: `discount:${s.fiver.id}:amountOffCents`,
  minSubtotal: `discount:${s.fiver.id}:minSubtotalCents`,
});

/** Every row Change currency could touch, and the shop's audit log. */
async function rows(s: Shop) {
  return {
    tenant: (await db().tenant.findUniqueOrThrow({ where: { id: s.tenantId } })) as Row,
    mug: (await db().product.findUniqueOrThrow({ where: { id: s.mug.id } })) as Row,
    old: (await db().product.findUniqueOrThrow({ where: { id: s.old.id } })) as Row,
    post: (await db().shippingType.findUniqueOrThrow({ where: { id: s.post.id } })) as Row,
    pickup: (await db().shippingType.findUniqueOrThrow({ where: { id: s.pickup.id } })) as Row,
    fiver: (await db().discount.findUniqueOrThrow({ where: { id: s.fiver.id } })) as Row,
    tenPct: (await db().discount.findUniqueOrThrow({ where: { id: s.tenPct.id } })) as Row,
    audit: await db().auditLog.count({ where: { tenantId: s.tenantId } }),
  };
}
async function unchanged(s: Shop, before: Awaited<ReturnType<typeof rows>>) {
  const after = await rows(s);
  for (const k of ['tenant', 'mug', 'old', 'post', 'pickup', 'fiver', 'tenPct'] as const) expectOnly(before[k], after[k], {});
  expect(after.audit).toBe(before.audit);
}

const url = (tenantId: string) => `/admin/api/resources/Tenant/records/${tenantId}/changeCurrency`;
const open = (who: AdminAgent, tenantId: string) => who.agent.get(url(tenantId)).set(who.headers());
/** The POST the page sends: the list as shown, and a new amount typed for each. */
const change = (who: AdminAgent, s: Shop, to: string, typed: Record<string, string>) => {
  const k = keys(s);
  const shown = [
    { key: k.mug, cents: 1250 },
    { key: k.post, cents: 495 },
    { key: k.amountOff, cents: 500 },
    { key: k.minSubtotal, cents: 3000 },
  ];
  return who.agent
    .post(url(s.tenantId))
    .set(who.headers())
    .send({ from: 'USD', to, shown: JSON.stringify(shown), amounts: JSON.stringify(typed) });
};
const typedEur = (s: Shop) => {
  const k = keys(s);
  return { [k.mug]: '11.50', [k.post]: '4.50', [k.amountOff]: '4.60', [k.minSubtotal]: '28' };
};
/** Nothing of the shop's list in the answer. */
const noList = (res: { body: unknown }, s: Shop) => {
  const text = JSON.stringify(res.body ?? {});
  expect(text).not.toContain('currencyChangeJson');
  expect(text).not.toContain('currencyChange');
  for (const id of [s.mug.id, s.post.id, s.fiver.id]) expect(text).not.toContain(id);
};

describe('Change currency: who may use it', () => {
  it("a platform admin, on a shop's record: lists that shop's amounts, then changes them, audited as the platform admin", async () => {
    const s = await shop('Platform-run shop');
    const other = await shop('Bystander shop');
    const platformUser = await f.adminUser({ role: 'PLATFORM_ADMIN', tenantId: null });
    const platform = await loggedIn(app.baseUrl, platformUser.email);
    const before = await rows(s);
    const otherBefore = await rows(other);

    // The shop's page offers the step (the button at the top of Shop settings and of its edit form).
    const show = await platform.agent.get(`/admin/api/resources/Tenant/records/${s.tenantId}/show`).set(platform.headers());
    expect(show.body.record.recordActions.map((a: { name: string }) => a.name)).toContain('changeCurrency');
    const page = await open(platform, s.tenantId);
    expect(page.status).toBe(200);
    const listed = JSON.parse(String(page.body.record.params.currencyChangeJson)) as {
      currency: string;
      amounts: { key: string; cents: number }[];
    };
    expect(listed.currency).toBe('USD');
    const k = keys(s);
    expect(listed.amounts.map((a) => [a.key, a.cents])).toEqual([
      [k.mug, 1250],
      [k.post, 495],
      [k.amountOff, 500],
      [k.minSubtotal, 3000],
    ]);

    const saved = await change(platform, s, 'EUR', typedEur(s));
    expect(saved.body.notice).toEqual({ type: 'success', message: 'The shop now sells in EUR: 4 amounts re-priced.' });
    const after = await rows(s);
    expectOnly(before.tenant, after.tenant, { currency: 'EUR' });
    expectOnly(before.mug, after.mug, { currency: 'EUR', unitPriceCents: 1150 });
    expectOnly(before.old, after.old, {});
    expectOnly(before.post, after.post, { priceCents: 450 });
    expectOnly(before.pickup, after.pickup, {});
    expectOnly(before.fiver, after.fiver, { amountOffCents: 460, minSubtotalCents: 2800 });
    expectOnly(before.tenPct, after.tenPct, {});
    const entries = await db().auditLog.findMany({ where: { tenantId: s.tenantId }, orderBy: { action: 'asc' } });
    expect(entries.map((e) => [e.action, e.entityId, e.actorType, e.actorId])).toEqual([
      ['discount.updated', s.fiver.id, 'PANEL_ADMIN', platformUser.id],
      ['product.updated', s.mug.id, 'PANEL_ADMIN', platformUser.id],
      ['shipping_type.updated', s.post.id, 'PANEL_ADMIN', platformUser.id],
      ['tenant.updated', s.tenantId, 'PANEL_ADMIN', platformUser.id],
    ]);
    expect(entries.find((e) => e.action === 'tenant.updated')).toMatchObject({ before: { currency: 'USD' }, after: { currency: 'EUR' } });
    // The shop the platform admin opened, and no other.
    await unchanged(other, otherBefore);
  });

  it("a shop's admin, on another shop's record: no list, nothing written", async () => {
    const mine = await shop('Own shop');
    const theirs = await shop('Their shop');
    const admin = await loggedIn(app.baseUrl, mine.admin.email);
    const mineBefore = await rows(mine);
    const theirsBefore = await rows(theirs);

    // The record is looked up within the admin's shop (adapter/scoped-resource.ts): another shop's is not found.
    const notFound = { type: 'error', message: `Record with given id: "${theirs.tenantId}" cannot be found in resource "Tenant"` };
    const page = await open(admin, theirs.tenantId);
    expect(page.body.notice).toEqual(notFound);
    noList(page, theirs);
    const post = await change(admin, theirs, 'EUR', typedEur(theirs));
    expect(post.body.notice).toEqual(notFound);
    noList(post, theirs);
    await unchanged(theirs, theirsBefore);
    await unchanged(mine, mineBefore);

    // Their own shop's record works (the same request, their shop).
    const own = await change(admin, mine, 'EUR', typedEur(mine));
    expect(own.body.notice?.type).toBe('success');
    expect((await db().tenant.findUniqueOrThrow({ where: { id: mine.tenantId } })).currency).toBe('EUR');
    await unchanged(theirs, theirsBefore);
  });

  it("a shop's staff, on their own shop's record: no list, nothing written", async () => {
    const s = await shop('Staffed shop');
    const staff = await loggedIn(app.baseUrl, s.staff.email);
    const before = await rows(s);
    // AdminJS answers an action the admin may not use without running it (isAccessible).
    const page = await open(staff, s.tenantId);
    expect(page.body.record.baseError).toMatchObject({ type: 'ForbiddenError' });
    noList(page, s);
    const post = await change(staff, s, 'EUR', typedEur(s));
    expect(post.body.record.baseError).toMatchObject({ type: 'ForbiddenError' });
    noList(post, s);
    await unchanged(s, before);
  });
});
