import request from 'supertest';
// The Orders resource end to end through the AdminJS API (as the panel's frontend calls it): list and
// detail as money, update (transitions validated, line items recompute totals), mark as paid, cancel
// (stock released), refund (preview, every mode, errors as notices, idempotent), delete.
import { Temporal } from '@js-temporal/polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { formatDateTime } from '../../src/platform/time-format.js';
import { testDb } from '../helpers/db.js';
import { ORDER_STATUS_BADGES, ORDER_STATUS_LABELS } from '../../src/surfaces/admin/presentation/labels.js';
import { loadedRow, loggedIn, paidTwoLineOrder, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';
import { PROCESSOR_REFUND_OUTCOME } from '../../src/modules/refunds/refund-money-back.js';

let app: RunningAdmin;
let a: AdminAgent;
const f = factories();
let tenantId: string;
let customerId: string;
let adminEmail: string;

beforeAll(async () => {
  app = await startAdminApp({ env: { PUBLIC_BASE_URL: 'http://shop.test' } });
  const tenant = await f.tenant({ inventoryTracking: true });
  tenantId = tenant.id;
  customerId = (await f.customer({ tenantId, displayName: 'Robin Buyer' })).id;
  const admin = await f.adminUser({ tenantId });
  adminEmail = admin.email;
  a = await loggedIn(app.baseUrl, admin.email);
});
afterAll(async () => {
  await app?.close();
});

const get = (path: string) => a.agent.get(`/admin/api${path}`).set(a.headers());
const post = (path: string) => a.agent.post(`/admin/api${path}`).set(a.headers());
/** The order as its edit form loaded it, which the form posts back (a save without it is refused as out of date). */
const loaded = async (orderId: string) => (await loadedRow(a, 'Order', orderId)).shownValuesJson;
const orderRow = (id: string) =>
  testDb().order.findUniqueOrThrow({ where: { id }, include: { items: true, payments: true, refunds: true } });

async function paidOrder() {
  const o = await paidTwoLineOrder({ tenantId, customerId, trackedName: 'Tracked Tee', otherName: 'Sticker', otherQuantity: 2 });
  return { order: o.order, tracked: o.tracked, plain: o.other };
}

async function pendingOrder() {
  const tracked = await f.product({ tenantId, unitPriceCents: 2500, trackStock: true, stock: 10 });
  const other = await f.product({ tenantId, unitPriceCents: 500 });
  const order = await f.order({ tenantId, customerId, lines: [{ productId: tracked.id, quantity: 2, unitPriceCents: 2500 }] });
  await f.reservation({ tenantId, orderId: order.id, productId: tracked.id, quantity: 2 });
  return { order, tracked, other };
}

describe('viewing orders', () => {
  it('lists number, customer name, status, total as money and date; filters by status', async () => {
    const { order } = await paidOrder();
    const res = await get('/resources/Order/actions/list?perPage=100');
    const row = res.body.records.find((r: { id: string }) => r.id === order.id);
    expect(row.params).toMatchObject({ number: order.number, customerName: 'Robin Buyer', status: 'PAID', total: '$50.00' });
    expect(row.params.createdAt).toBeTruthy();
    const pending = await get('/resources/Order/actions/list?filters.status=PENDING_PAYMENT&perPage=100');
    expect(pending.body.records.map((r: { id: string }) => r.id)).not.toContain(order.id);
    const paid = await get('/resources/Order/actions/list?filters.status=PAID&perPage=100');
    expect(paid.body.records.map((r: { id: string }) => r.id)).toContain(order.id);
  });

  it('filters by date in whole shop days (the shop keeps New York time), both ends included', async () => {
    const shop = await f.tenant({ timeZone: 'America/New_York' });
    const buyer = await f.customer({ tenantId: shop.id });
    const at = async (iso: string) => (await f.order({ tenantId: shop.id, customerId: buyer.id, createdAt: new Date(iso) })).id;
    // 1 December in New York is 05:00Z on the 1st to 04:59:59.999Z on the 2nd.
    const [lastOfNov, firstOfDec, lastOfDec1, firstOfDec2] = [
      await at('2026-12-01T04:59:59.999Z'),
      await at('2026-12-01T05:00:00.000Z'),
      await at('2026-12-02T04:59:59.999Z'),
      await at('2026-12-02T05:00:00.000Z'),
    ];
    const owner = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: shop.id })).email);
    const list = async (query: string) => {
      const res = await owner.agent.get(`/admin/api/resources/Order/actions/list?perPage=100&${query}`).set(owner.headers());
      expect(res.status).toBe(200);
      return new Set(res.body.records.map((r: { id: string }) => r.id));
    };
    const day = (d: string) => encodeURIComponent(`${d}[America/New_York]`);
    expect(await list(`filters.createdAt~~from=${day('2026-12-01')}&filters.createdAt~~to=${day('2026-12-01')}`)).toEqual(
      new Set([firstOfDec, lastOfDec1]),
    );
    expect(await list(`filters.createdAt~~from=${day('2026-12-02')}`)).toEqual(new Set([firstOfDec2]));
    expect(await list(`filters.createdAt~~to=${day('2026-11-30')}`)).toEqual(new Set([lastOfNov]));
    // An instant (an old link, AdminJS's own picker) still works; an end that is no date is left out.
    expect(await list(`filters.createdAt~~from=2026-12-02T04:59:59.999Z&filters.createdAt~~to=not-a-date`)).toEqual(
      new Set([lastOfDec1, firstOfDec2]),
    );
  });

  it('shows the detail: lines, address, payment, discount, tax, notes, refunds, audit trail, as money', async () => {
    const { order } = await paidOrder();
    await testDb().order.update({ where: { id: order.id }, data: { taxAmountCents: 412, notes: 'Gift wrap' } });
    const adminId = (await testDb().adminUser.findFirstOrThrow({ where: { email: adminEmail } })).id;
    await f.auditLog({
      tenantId,
      entityType: 'Order',
      entityId: order.id,
      action: 'payment.confirmed',
      actorType: 'PANEL_ADMIN',
      actorId: adminId,
      before: { status: 'PENDING_PAYMENT' },
      after: { status: 'PAID' },
      createdAt: new Date('2026-11-30T02:00:00Z'),
    });
    await f.auditLog({
      tenantId,
      entityType: 'Order',
      entityId: order.id,
      action: 'order.refunded',
      before: { refundedTotalCents: 0 },
      after: { refundedTotalCents: 1250 },
      createdAt: new Date('2026-11-30T03:00:00Z'),
    });
    // Dates in the shop's time zone, in the panel's one format.
    await testDb().tenant.update({ where: { id: tenantId }, data: { timeZone: 'America/New_York' } });
    await testDb().order.update({ where: { id: order.id }, data: { createdAt: new Date('2026-11-30T02:00:00Z') } });
    let res;
    try {
      res = await get(`/resources/Order/records/${order.id}/show`);
    } finally {
      await testDb().tenant.update({ where: { id: tenantId }, data: { timeZone: 'UTC' } });
    }
    const view = JSON.parse(res.body.record.params.detailJson);
    expect(view.lines).toHaveLength(2);
    expect(view.lines.find((l: { name: string }) => l.name === 'Tracked Tee')).toMatchObject({
      unitPrice: '$20.00',
      lineTotal: '$40.00',
      quantity: 2,
    });
    expect(view.totals).toMatchObject({ subtotal: '$50.00', tax: '$4.12', total: '$50.00', refunded: '$0.00' });
    expect(view.shippingAddress).toMatchObject({ line1: '123 Main St', country: 'US' });
    expect(view.payments[0]).toMatchObject({ method: 'VENMO_P2P', status: 'paid', amount: '$50.00' });
    expect(view.notes).toBe('Gift wrap');
    expect(view.createdAtShown).toBe('Nov 29, 2026, 9:00 PM EST');
    // The audit trail as the readable timeline, newest first: who, what in words, before -> after, money as money.
    expect(view.audit).toBeUndefined();
    expect(view.timeline).toHaveLength(2);
    expect(view.timeline[0]).toMatchObject({
      what: 'Refunded',
      who: expect.any(String),
      changes: [{ label: 'Refunded total', before: '$0.00', after: '$12.50' }],
    });
    expect(view.timeline[1]).toMatchObject({
      what: 'Payment confirmed',
      who: adminEmail,
      when: 'Nov 29, 2026, 9:00 PM EST',
      changes: [{ field: 'status', label: 'Status', before: 'Awaiting payment', after: 'Paid' }],
    });
  });
});

describe('finding orders', () => {
  const ids = (res: { body: { records: { id: string }[] } }) => res.body.records.map((r) => r.id);
  const list = (query: string) => get(`/resources/Order/actions/list?perPage=500&${query}`);

  it('searches by customer name (any case, part of it), Discord username or user id, and order number', async () => {
    const customer = await f.customer({ tenantId, displayName: 'Quinn Zephyrine', username: 'qzeph_99' });
    const order = await f.order({
      tenantId,
      customerId: customer.id,
      lines: [{ productId: (await f.product({ tenantId })).id, quantity: 1, unitPriceCents: 100 }],
    });
    const { order: someoneElse } = await pendingOrder();
    for (const term of ['zephyr', 'QUINN ZEPH', 'qzeph_99', customer.discordUserId, `#${order.number}`, String(order.number)]) {
      const found = ids(await list(`filters.q=${encodeURIComponent(term)}`));
      expect(found, term).toContain(order.id);
      expect(found, term).not.toContain(someoneElse.id);
    }
    expect(ids(await list('filters.q=nobody-by-this-name'))).toEqual([]);
  });

  it("never finds another shop's orders, whatever the search", async () => {
    const other = await f.tenant();
    const stranger = await f.customer({ tenantId: other.id, displayName: 'Robin Buyer' });
    const theirs = await f.order({
      tenantId: other.id,
      customerId: stranger.id,
      lines: [{ productId: (await f.product({ tenantId: other.id })).id, quantity: 1, unitPriceCents: 100 }],
    });
    const found = ids(await list('filters.q=Robin'));
    expect(found).not.toContain(theirs.id);
    expect(found.length).toBeGreaterThan(0);
  });

  it('filters by payment method and status together, and shows them in words', async () => {
    const product = await f.product({ tenantId });
    const zelle = await f.order({
      tenantId,
      customerId,
      paymentMethod: 'ZELLE',
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 100 }],
    });
    const venmo = await f.order({ tenantId, customerId, lines: [{ productId: product.id, quantity: 1, unitPriceCents: 100 }] });
    const res = await list('filters.paymentMethod=ZELLE');
    expect(ids(res)).toContain(zelle.id);
    expect(ids(res)).not.toContain(venmo.id);
    expect(res.body.records.find((r: { id: string }) => r.id === zelle.id).params).toMatchObject({
      paymentMethodLabel: 'Zelle',
      statusLabel: 'Awaiting payment',
    });
    expect(ids(await list('filters.paymentMethod=ZELLE&filters.status=PAID'))).not.toContain(zelle.id);
  });

  it('sorts by total (the money column), both ways', async () => {
    const asc = await list('sortBy=total&direction=asc');
    const totals = asc.body.records.map((r: { params: { totalCents: number } }) => Number(r.params.totalCents));
    expect(totals.length).toBeGreaterThan(2);
    expect(totals).toEqual([...totals].sort((x, y) => x - y));
    expect(asc.body.meta).toMatchObject({ sortBy: 'total', direction: 'asc' });
    const desc = await list('sortBy=total&direction=desc');
    const down = desc.body.records.map((r: { params: { totalCents: number } }) => Number(r.params.totalCents));
    expect(down).toEqual([...down].sort((x, y) => y - x));
  });
});

describe('updating an order', () => {
  it('saves tracking, shipping status and notes; the change is in the audit trail', async () => {
    const { order } = await paidOrder();
    const res = await post(`/resources/Order/records/${order.id}/edit`)
      .field('shownValuesJson', await loaded(order.id))
      .field('status', 'PAID')
      .field('shippingStatus', 'SHIPPED')
      .field('trackingNumber', '1Z999')
      .field('notes', 'Left at door')
      .field('lineItems', '');
    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect(res.body.redirectUrl).toBe(`/admin/resources/Order/records/${order.id}/show`);
    const row = await orderRow(order.id);
    expect(row).toMatchObject({ shippingStatus: 'SHIPPED', status: 'SHIPPED', trackingNumber: '1Z999', notes: 'Left at door' });
    const show = await get(`/resources/Order/records/${order.id}/show`);
    const entry = JSON.parse(show.body.record.params.detailJson).timeline.find((e: { what: string }) => e.what === 'Changed the order');
    expect(entry).toMatchObject({ who: adminEmail });
    expect(entry.changes).toContainEqual(expect.objectContaining({ label: 'Tracking number', before: '—', after: '1Z999' }));
  });

  it('offers in the edit form only the statuses the order can move to (refunds excluded), and shipping steps that can follow', async () => {
    const { order } = await paidOrder();
    const form = await get(`/resources/Order/records/${order.id}/edit`);
    // A paid order can still be cancelled before fulfilment (with a full refund: issue 10).
    expect(JSON.parse(form.body.record.params.statusOptions)).toEqual(['PAID', 'FULFILLING', 'SHIPPED', 'COMPLETE', 'CANCELLED']);
    expect(JSON.parse(form.body.record.params.shippingStatusOptions)).toEqual(['PENDING', 'LABEL_CREATED', 'SHIPPED', 'FAILED']);
    const { order: pending } = await pendingOrder();
    const pendingForm = await get(`/resources/Order/records/${pending.id}/edit`);
    expect(JSON.parse(pendingForm.body.record.params.statusOptions)).toEqual(['PENDING_PAYMENT', 'PAID', 'CANCELLED']);
    // Posting the form back with the option lists in it changes nothing they would name.
    const saved = await post(`/resources/Order/records/${order.id}/edit`)
      .field('shownValuesJson', await loaded(order.id))
      .field('status', 'FULFILLING')
      .field('statusOptions', '["PAID"]')
      .field('shippingStatusOptions', '[]');
    expect(saved.body.notice).toMatchObject({ type: 'success' });
    expect((await orderRow(order.id)).status).toBe('FULFILLING');
  });

  it("refuses an invalid transition with the service's message and changes nothing", async () => {
    const { order } = await pendingOrder();
    const res = await post(`/resources/Order/records/${order.id}/edit`)
      .field('shownValuesJson', await loaded(order.id))
      .field('status', 'SHIPPED')
      .field('notes', 'should not stick');
    expect(res.body.notice.type).toBe('error');
    expect(res.body.notice.message).toMatch(/cannot go from PENDING_PAYMENT to SHIPPED/);
    const row = await orderRow(order.id);
    expect(row.status).toBe('PENDING_PAYMENT');
    expect(row.notes).toBeNull();
  });

  it('fills the line-items field and recomputes totals when it changes', async () => {
    const { order, tracked, other } = await pendingOrder();
    const form = await get(`/resources/Order/records/${order.id}/edit`);
    expect(form.body.record.params.lineItems).toBe('');
    const linesCtx = JSON.parse(form.body.record.params.lineItemsContextJson);
    expect(linesCtx).toMatchObject({ editable: true, lines: [{ productId: tracked.id, quantity: 2, unitPrice: '$25.00' }] });
    expect(linesCtx.products.map((p: { productId: string }) => p.productId)).toEqual(expect.arrayContaining([tracked.id, other.id]));
    const res = await post(`/resources/Order/records/${order.id}/edit`)
      .field('shownValuesJson', await loaded(order.id))
      .field('status', 'PENDING_PAYMENT')
      .field(
        'lineItems',
        JSON.stringify([
          { productId: tracked.id, quantity: 1 },
          { productId: other.id, quantity: 3 },
        ]),
      );
    expect(res.body.notice).toMatchObject({ type: 'success' });
    const row = await orderRow(order.id);
    expect(row.items.map((i) => [i.productId, i.quantity]).sort()).toEqual(
      [
        [tracked.id, 1],
        [other.id, 3],
      ].sort(),
    );
    expect(row.subtotalCents).toBe(2500 + 1500);
    expect(row.totalCents).toBe(4000);
    expect(row.payments[0]!.amountCents).toBe(4000);
  });

  it('reports a malformed line-items field as a validation error', async () => {
    const { order } = await pendingOrder();
    const res = await post(`/resources/Order/records/${order.id}/edit`).field('lineItems', 'prod_x:zero');
    expect(res.body.notice.type).toBe('error');
    expect(res.body.notice.message).toMatch(/line items could not be read/);
    const negative = await post(`/resources/Order/records/${order.id}/edit`).field(
      'lineItems',
      JSON.stringify([{ productId: 'prod_x', quantity: -1 }]),
    );
    expect(negative.body.notice.type).toBe('error');
    expect(negative.body.record.errors.lineItems.message).toBeTruthy();
  });

  it('a quantity of 0 removes a line; all lines at 0 is refused (cancel instead); a paid order shows its lines read-only', async () => {
    const { order, tracked, other } = await pendingOrder();
    const res = await post(`/resources/Order/records/${order.id}/edit`)
      .field('shownValuesJson', await loaded(order.id))
      .field(
        'lineItems',
        JSON.stringify([
          { productId: tracked.id, quantity: 0 },
          { productId: other.id, quantity: 2 },
        ]),
      );
    expect(res.body.notice).toMatchObject({ type: 'success', message: `Order #${order.number} saved.` });
    expect((await orderRow(order.id)).items.map((i) => [i.productId, i.quantity])).toEqual([[other.id, 2]]);
    expect((await testDb().product.findUniqueOrThrow({ where: { id: tracked.id } })).stock).toBe(12); // its reservation went back
    const none = await post(`/resources/Order/records/${order.id}/edit`).field(
      'lineItems',
      JSON.stringify([{ productId: other.id, quantity: 0 }]),
    );
    expect(none.body.notice.message).toMatch(/at least one item/);
    // Under the field too, where the admin looks after pressing Save.
    expect(none.body.record.errors.lineItems.message).toMatch(/at least one item; to stop it, cancel the order instead/);
    expect((await orderRow(order.id)).items).toHaveLength(1);
    const { order: paid } = await paidOrder();
    const form = await get(`/resources/Order/records/${paid.id}/edit`);
    expect(JSON.parse(form.body.record.params.lineItemsContextJson)).toMatchObject({ editable: false, products: [] });
  });

  it('cancelling through the form releases reserved stock', async () => {
    const { order, tracked } = await pendingOrder();
    const res = await post(`/resources/Order/records/${order.id}/edit`)
      .field('shownValuesJson', await loaded(order.id))
      .field('status', 'CANCELLED');
    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect((await orderRow(order.id)).status).toBe('CANCELLED');
    expect((await testDb().product.findUniqueOrThrow({ where: { id: tracked.id } })).stock).toBe(12);
  });
});

describe('record actions', () => {
  it('Mark as paid confirms the payment (offered only while PENDING_PAYMENT)', async () => {
    const { order } = await pendingOrder();
    const show = await get(`/resources/Order/records/${order.id}/show`);
    expect(show.body.record.recordActions.map((x: { name: string }) => x.name)).toEqual(
      expect.arrayContaining(['markAsPaid', 'cancelOrder']),
    );
    expect(show.body.record.recordActions.map((x: { name: string }) => x.name)).not.toContain('refund');
    const res = await get(`/resources/Order/records/${order.id}/markAsPaid`);
    expect(res.body.notice).toMatchObject({ type: 'success', message: `Order #${order.number} marked as paid.` });
    const row = await orderRow(order.id);
    expect(row.status).toBe('PAID');
    expect(row.payments[0]!.status).toBe('paid');
    const again = await get(`/resources/Order/records/${order.id}/markAsPaid`);
    expect(again.body.notice.type).toBe('error'); // no longer accessible once paid
  });

  it('Invoice link: shown to copy, or sent to the customer by DM (order.invoice_link_sent), while unpaid', async () => {
    const { order } = await pendingOrder();
    const show = await get(`/resources/Order/records/${order.id}/show`);
    expect(show.body.record.recordActions.map((x: { name: string }) => x.name)).toEqual(
      expect.arrayContaining(['invoiceLink', 'sendInvoiceLink']),
    );
    // A GET (the action's page loading) signs nothing; its component POSTs.
    const page = await get(`/resources/Order/records/${order.id}/invoiceLink`);
    expect(page.body.invoiceLink).toBeUndefined();
    expect(page.body.record.params.number).toBe(order.number);
    const res = await post(`/resources/Order/records/${order.id}/invoiceLink`).send({});
    expect(new Date(res.body.invoiceLinkExpiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(res.body.notice).toMatchObject({
      type: 'success',
      message: expect.stringMatching(/Invoice link \(valid until .+\): http.+\/invoice\/[\w-]+\.[\w-]{43}$/),
    });
    // The time in the shop's zone and the panel's one format (this shop keeps UTC), not GMT.
    expect(res.body.notice.message).toContain(`valid until ${formatDateTime(new Date(res.body.invoiceLinkExpiresAt), 'UTC')}):`);
    // The link's page shows the same words, sent with the link (components/invoice-link.tsx formats no date itself).
    expect(res.body.invoiceLinkExpiresShown).toBe(formatDateTime(new Date(res.body.invoiceLinkExpiresAt), 'UTC'));
    const path = new URL(res.body.invoiceLink).pathname;
    await request(app.app).get(path).expect(200);
    const sent = await get(`/resources/Order/records/${order.id}/sendInvoiceLink`);
    expect(sent.body.notice).toMatchObject({ type: 'success', message: expect.stringMatching(/sent to the customer by DM/) });
    const jobs = await testDb().$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'order.invoice_link_sent>discord-notify' AND j.payload->>'orderId' = ${order.id}`;
    expect(jobs[0]!.n).toBe(1);
  });

  it('Cancel order releases stock', async () => {
    const { order, tracked } = await pendingOrder();
    const res = await get(`/resources/Order/records/${order.id}/cancelOrder`);
    expect(res.body.notice.message).toMatch(/cancelled; reserved stock was released/);
    expect((await orderRow(order.id)).status).toBe('CANCELLED');
    expect((await testDb().product.findUniqueOrThrow({ where: { id: tracked.id } })).stock).toBe(12);
  });

  it('Delete removes the order on POST only, releasing its stock', async () => {
    const { order, tracked } = await pendingOrder();
    const form = await get(`/resources/Order/records/${order.id}/delete`);
    expect(form.status).toBe(200);
    expect(await testDb().order.count({ where: { id: order.id } })).toBe(1);
    const res = await post(`/resources/Order/records/${order.id}/delete`);
    expect(res.body.notice.message).toMatch(/was deleted/);
    expect(res.body.redirectUrl).toBe('/admin/resources/Order');
    expect(await testDb().order.count({ where: { id: order.id } })).toBe(0);
    expect((await testDb().product.findUniqueOrThrow({ where: { id: tracked.id } })).stock).toBe(12);
  });
});

describe('refunds', () => {
  const refund = (id: string, body: Record<string, string>) => post(`/resources/Order/records/${id}/refund`).send(body);
  /** The refund form's per-line inputs: [productId, quantity, restock?]. */
  const lines = (...l: [string, number, boolean?][]) =>
    JSON.stringify(l.map(([productId, quantity, restock = true]) => ({ productId, quantity, restock })));

  it("the form gets the order's lines; a preview writes nothing", async () => {
    const { order, tracked } = await paidOrder();
    const form = await get(`/resources/Order/records/${order.id}/refund`);
    const ctx = JSON.parse(form.body.record.params.refundContextJson);
    expect(ctx).toMatchObject({ number: order.number, total: '$50.00', remaining: '$50.00' });
    expect(ctx.lines.map((l: { productId: string }) => l.productId)).toContain(tracked.id);
    expect(ctx.lines.find((l: { productId: string }) => l.productId === tracked.id)).toMatchObject({ name: 'Tracked Tee', left: 2 });
    expect(ctx.moneyReturn).toMatch(
      /does not send money for Venmo payments: after refunding, send the amount back to Robin Buyer by Venmo yourself/,
    );
    const preview = await refund(order.id, { intent: 'preview', mode: 'PARTIAL_ITEMS', lines: lines([tracked.id, 1]) });
    expect(preview.body.preview).toMatchObject({
      mode: 'PARTIAL_ITEMS',
      amount: '$20.00',
      remainingAfter: '$30.00',
      resultingStatus: 'PARTIALLY_REFUNDED',
      resultingStatusLabel: 'Partially refunded',
    });
    expect((await orderRow(order.id)).refundedTotalCents).toBe(0);
  });

  it('partial by items restores stock; by amount does not; both lets the amount override; full finishes it', async () => {
    const { order, tracked, plain } = await paidOrder();
    const byItems = await refund(order.id, { intent: 'refund', mode: 'PARTIAL_ITEMS', lines: lines([tracked.id, 1]), reason: 'Damaged' });
    expect(byItems.body.notice).toMatchObject({ type: 'success' });
    expect(byItems.body.notice.message).toMatch(
      /Refund of \$20\.00 \(Items \$20\.00\) recorded on order #\d+ \(now Partially refunded\)\. No money was sent: Send \$20\.00 back to Robin Buyer by Venmo\./,
    );
    expect((await testDb().product.findUniqueOrThrow({ where: { id: tracked.id } })).stock).toBe(6);

    await refund(order.id, { intent: 'refund', mode: 'PARTIAL_AMOUNT', amount: '3.00' });
    expect((await testDb().product.findUniqueOrThrow({ where: { id: tracked.id } })).stock).toBe(6);

    const both = await refund(order.id, { intent: 'refund', mode: 'BOTH', amount: '1.00', lines: lines([plain.id, 1]) });
    expect(both.body.notice.type).toBe('success');
    let row = await orderRow(order.id);
    expect(row.refundedTotalCents).toBe(2000 + 300 + 100);
    expect(row.refunds.map((r) => r.mode)).toEqual(['PARTIAL_ITEMS', 'PARTIAL_AMOUNT', 'BOTH']);
    expect(row.refunds[0]!.reason).toBe('Damaged');
    expect(row.status).toBe('PARTIALLY_REFUNDED');

    const full = await refund(order.id, { intent: 'refund', mode: 'FULL' });
    expect(full.body.notice.message).toMatch(/\(now Refunded\)/);
    row = await orderRow(order.id);
    expect(row.status).toBe('REFUNDED');
    expect(row.refundedTotalCents).toBe(5000);
    expect(row.refunds[3]!.reason).toBe('Admin-initiated refund');
    expect((await testDb().product.findUniqueOrThrow({ where: { id: tracked.id } })).stock).toBe(7);
  });

  it('shows service and form errors as notices', async () => {
    const { order, tracked } = await paidOrder();
    const tooMany = await refund(order.id, { intent: 'preview', mode: 'PARTIAL_ITEMS', lines: lines([tracked.id, 9]) });
    expect(tooMany.body.notice.type).toBe('error');
    const badAmount = await refund(order.id, { intent: 'preview', mode: 'PARTIAL_AMOUNT', amount: '12.5O' });
    expect(badAmount.body.notice.message).toMatch(/not an amount/);
    const tooMuch = await refund(order.id, { intent: 'refund', mode: 'PARTIAL_AMOUNT', amount: '9999.99' });
    expect(tooMuch.body.notice.type).toBe('error');
    const badItems = await refund(order.id, { intent: 'preview', mode: 'PARTIAL_ITEMS', lines: 'not json' });
    expect(badItems.body.notice.message).toMatch(/refund lines could not be read/);
    const noUnits = await refund(order.id, { intent: 'preview', mode: 'PARTIAL_ITEMS', lines: lines([tracked.id, 0]) });
    expect(noUnits.body.notice.message).toMatch(/at least one line/);
    expect((await orderRow(order.id)).refundedTotalCents).toBe(0);
  });

  it('refunds once per idempotency key (double submit)', async () => {
    const { order } = await paidOrder();
    const body = { intent: 'refund', mode: 'PARTIAL_AMOUNT', amount: '2.50', idempotencyKey: 'form-123' };
    await Promise.all([refund(order.id, body), refund(order.id, body)]);
    const row = await orderRow(order.id);
    expect(row.refunds).toHaveLength(1);
    expect(row.refundedTotalCents).toBe(250);
  });
});

describe('refunds: restock choice and money sent back by hand', () => {
  const refund = (id: string, body: Record<string, string>) => post(`/resources/Order/records/${id}/refund`).send(body);
  const detail = async (id: string) => JSON.parse((await get(`/resources/Order/records/${id}/show`)).body.record.params.detailJson);

  it('a line refunded as not returned stays out of stock; the order page says so', async () => {
    const { order, tracked } = await paidOrder();
    const res = await refund(order.id, {
      intent: 'refund',
      mode: 'PARTIAL_ITEMS',
      lines: JSON.stringify([{ productId: tracked.id, quantity: 1, restock: false }]),
    });
    expect(res.body.notice.type).toBe('success');
    expect((await testDb().product.findUniqueOrThrow({ where: { id: tracked.id } })).stock).toBe(5);
    expect((await orderRow(order.id)).refunds[0]!.items).toEqual([
      { productId: tracked.id, quantity: 1, restockQuantity: 0, amountCents: 2000, discountCents: 0, taxCents: 0 },
    ]);
    expect((await detail(order.id)).refunds[0].items).toBe('Tracked Tee × 1 (not restocked)');
  });

  it('a Venmo refund stays on the order page as "Send $X back to <customer> by Venmo" until ticked, by staff too; the tick is audited', async () => {
    const { order } = await paidOrder();
    await refund(order.id, { intent: 'refund', mode: 'PARTIAL_AMOUNT', amount: '12.50' });
    const [r] = (await orderRow(order.id)).refunds;
    let view = await detail(order.id);
    expect(view.refunds[0].manualReturn).toMatchObject({
      method: 'VENMO_P2P',
      methodLabel: 'Venmo',
      instruction: 'Send $12.50 back to Robin Buyer by Venmo.',
      doneAt: null,
    });

    // A GET (AdminJS opening the action) changes nothing.
    await get(`/resources/Order/records/${order.id}/markRefundReturned?refundId=${r!.id}`);
    expect((await testDb().refund.findUniqueOrThrow({ where: { id: r!.id } })).manualReturnDoneAt).toBeNull();

    const staffUser = await f.adminUser({ tenantId, role: 'TENANT_STAFF' });
    const staff = await loggedIn(app.baseUrl, staffUser.email);
    const res = await staff.agent
      .post(`/admin/api/resources/Order/records/${order.id}/markRefundReturned`)
      .set(staff.headers())
      .send({ refundId: r!.id });
    expect(res.body.notice).toMatchObject({ type: 'success', message: 'Marked as sent: $12.50 returned to the customer by Venmo.' });
    view = JSON.parse(res.body.record.params.detailJson);
    expect(view.refunds[0].manualReturn.doneAt).toBeTruthy();
    expect(view.refunds[0].manualReturn.doneBy).toBe(staffUser.email);
    expect(view.timeline.find((e: { what: string }) => e.what === 'Ticked the by-hand refund as sent')).toMatchObject({
      who: staffUser.email,
    });
    const again = await post(`/resources/Order/records/${order.id}/markRefundReturned`).send({ refundId: r!.id });
    expect(again.body.notice.message).toBe('This refund was already marked as sent.');
  });

  it("refuses another order's refund, and another shop's admin cannot reach the order at all", async () => {
    const { order } = await paidOrder();
    const { order: second } = await paidOrder();
    await refund(order.id, { intent: 'refund', mode: 'PARTIAL_AMOUNT', amount: '1.00' });
    const [r] = (await orderRow(order.id)).refunds;
    const wrongOrder = await post(`/resources/Order/records/${second.id}/markRefundReturned`).send({ refundId: r!.id });
    expect(wrongOrder.body.notice.type).toBe('error');

    const otherTenant = await f.tenant();
    const outsider = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId: otherTenant.id })).email);
    const res = await outsider.agent
      .post(`/admin/api/resources/Order/records/${order.id}/markRefundReturned`)
      .set(outsider.headers())
      .send({ refundId: r!.id });
    expect(res.status === 404 || res.status === 403 || res.body.notice?.type === 'error').toBe(true);
    expect((await testDb().refund.findUniqueOrThrow({ where: { id: r!.id } })).manualReturnDoneAt).toBeNull();
  });

  // No worker runs here: the refund job has not sent it, and the notice said "The payment processor returns the
  // money" as if it had. It is being sent; the history and the admin channel tell the outcome.
  it('a processor-paid refund says the money is being sent to the processor, and leaves no to-do', async () => {
    const { order } = await paidOrder();
    await testDb().order.update({ where: { id: order.id }, data: { paymentMethod: 'PAYPAL' } });
    await testDb().payment.updateMany({ where: { orderId: order.id }, data: { method: 'PAYPAL', providerReference: 'chk_test_123' } });
    const res = await refund(order.id, { intent: 'refund', mode: 'PARTIAL_AMOUNT', amount: '5.00' });
    // It opened "Refunded $5.00 … on order #N" while saying the money was still being sent: recorded, as /refund says.
    expect(res.body.notice.message).toMatch(/^Refund of \$5\.00 \(.*\) recorded on order #\d+ /);
    expect(res.body.notice.message).not.toContain('Refunded $5.00');
    expect(res.body.notice.message).toContain(
      `(now Partially refunded). The money is being sent to the payment processor, which returns it to the customer. ${PROCESSOR_REFUND_OUTCOME}`,
    );
    expect((await detail(order.id)).refunds[0].manualReturn).toBeNull();
  });
});

describe('dashboard', () => {
  it('sums net sales per day over its 30 days and counts orders by status for the own tenant', async () => {
    // The shop keeps UTC here. A paid order a day before the 30 days is counted by status but is no sale of
    // theirs; one on the second of the days is. (Both a whole day from the window's edges, so a midnight that
    // passes during the test moves no order across.) Earlier tests' orders are dated now, or 2026-11-30 (the
    // detail test), which is inside the 30 days until 29 December 2026 and outside after it.
    const firstDay = Temporal.Now.plainDateISO('UTC').subtract({ days: 29 });
    const at = (d: Temporal.PlainDate, hours: number) => new Date(d.toZonedDateTime('UTC').epochMilliseconds + hours * 3_600_000);
    const paidAt = async (createdAt: Date) =>
      f.order({ tenantId, customerId, status: 'PAID', paymentStatus: 'paid', paidAt: createdAt, createdAt });
    const before = await paidAt(at(firstDay, -24));
    const inside = await paidAt(at(firstDay, 25));
    const res = await get('/dashboard');
    expect(res.body.kind).toBe('tenant');
    expect(res.body.salesByDay).toHaveLength(30);
    const rows = await testDb().order.groupBy({ by: ['status'], where: { tenantId }, _count: { _all: true } });
    for (const r of rows) expect(res.body.byStatus.find((s: { status: string }) => s.status === r.status).count).toBe(r._count._all);
    const shownFrom = new Date(`${res.body.salesByDay[0].day}T00:00:00Z`);
    expect(before.createdAt.getTime()).toBeLessThan(shownFrom.getTime());
    expect(inside.createdAt.getTime()).toBeGreaterThan(shownFrom.getTime());
    const net = await testDb().order.findMany({
      where: { tenantId, status: { notIn: ['PENDING_PAYMENT', 'CANCELLED'] }, createdAt: { gte: shownFrom } },
    });
    const expected = net.reduce((s, o) => s + o.totalCents - o.refundedTotalCents, 0);
    expect(net.map((o) => o.id)).toContain(inside.id);
    expect(res.body.salesByDay.reduce((s: number, d: { netCents: number }) => s + d.netCents, 0)).toBe(expected);
    // The counts in words, as the page says them (it said "1 paid order(s)").
    const paid = res.body.totals.orders as number;
    expect(paid).toBeGreaterThan(1);
    expect(res.body.words.paidOrders).toBe(`${paid} paid orders`);
    expect(res.body.words.awaitingPayment).toMatch(/^\d+ orders? awaiting payment$/);
    // The shop's admin is shown where its time zone (the days' zone) is changed; staff, who may not change it, are not.
    expect(res.body.timeZoneSettingsUrl).toBe(`/admin/resources/Tenant/records/${tenantId}/edit`);
    const staff = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId, role: 'TENANT_STAFF' })).email);
    const staffView = (await staff.agent.get('/admin/api/dashboard').set(staff.headers())).body;
    expect(staffView.kind).toBe('tenant');
    expect(staffView.timeZoneSettingsUrl).toBeUndefined();
  });

  it("shows the shop's days: a sale at 23:59 in New York is on that New York day", async () => {
    const timeZone = 'America/New_York';
    const nyToday = Temporal.Now.plainDateISO(timeZone);
    const lastMinuteOfYesterday = new Date(nyToday.toZonedDateTime({ timeZone }).epochMilliseconds - 60_000);
    await testDb().tenant.update({ where: { id: tenantId }, data: { timeZone } });
    try {
      const before = (await get('/dashboard')).body;
      await f.order({
        tenantId,
        customerId,
        status: 'PAID',
        paymentStatus: 'paid',
        createdAt: lastMinuteOfYesterday,
        lines: [{ productId: (await f.product({ tenantId })).id, quantity: 1, unitPriceCents: 4321 }],
      });
      const after = (await get('/dashboard')).body;
      const nyTodayAfter = Temporal.Now.plainDateISO(timeZone);
      expect(after.timeZone).toBe(timeZone);
      // The last day shown is New York's today (read before and after, in case its midnight passed meanwhile).
      expect([nyToday.toString(), nyTodayAfter.toString()]).toContain(after.salesByDay.at(-1).day);
      // The one day whose figures moved is New York's yesterday (in UTC the sale is on today's 04:59 or 03:59).
      // The two reads' days are matched by date, not by place: a midnight between them shifts the 30 days by one.
      type Day = { day: string; orders: number; netCents: number };
      const was = new Map((before.salesByDay as Day[]).map((d) => [d.day, d]));
      const moved = (after.salesByDay as Day[])
        .map((d) => ({ day: d.day, orders: d.orders - (was.get(d.day)?.orders ?? 0), net: d.netCents - (was.get(d.day)?.netCents ?? 0) }))
        .filter((d) => d.orders !== 0 || d.net !== 0);
      expect(moved).toEqual([{ day: nyToday.subtract({ days: 1 }).toString(), orders: 1, net: 4321 }]);
    } finally {
      await testDb().tenant.update({ where: { id: tenantId }, data: { timeZone: 'UTC' } });
    }
  });

  it('gives each status its words and badge colours, the same as the orders list', async () => {
    const res = await get('/dashboard');
    const byStatus = res.body.byStatus as { status: string; label: string; badge: { background: string; text: string } }[];
    expect(byStatus.find((r) => r.status === 'PENDING_PAYMENT')).toMatchObject({
      label: 'Awaiting payment',
      badge: ORDER_STATUS_BADGES.PENDING_PAYMENT,
    });
    for (const r of byStatus) {
      expect(r.label).toBe(ORDER_STATUS_LABELS[r.status as keyof typeof ORDER_STATUS_LABELS]);
      expect(r.badge).toEqual(ORDER_STATUS_BADGES[r.status as keyof typeof ORDER_STATUS_BADGES]);
    }
  });
});
