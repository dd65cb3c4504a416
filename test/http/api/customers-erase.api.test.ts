// POST /api/customers/:id/erase: a shop erases a customer's personal data on request (GDPR, CCPA) and keeps its
// books. Happy path (every stored copy read back), the refusal while an order still needs the address (nothing
// written), another shop's customer (404), and the body rules.
import request from 'supertest';
import { Prisma } from '../../../src/generated/prisma/index.js';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { useRowLockWatch } from '../../helpers/row-lock-watch.js';
import { f, useApiShop } from './api-fixtures.js';

const db = testDb();
const { t, shop } = useApiShop();
const locks = useRowLockWatch();

const erase = (customerId: string, auth = shop.auth) => request(t.app).post(`/api/customers/${customerId}/erase`).set(auth);

/** A customer of the API shop with a delivered order (notes, audit entry, TaxJar copy), a saved address and an open session. */
async function customerWithHistory() {
  const tenantId = shop.tenant.id;
  const customer = await f.customer({ tenantId, username: 'janeroe', displayName: 'Jane Roe' });
  const shippingAddress = {
    name: 'Jane Roe',
    line1: '1 Elm St',
    line2: 'Apt 4',
    city: 'Springfield',
    state: 'IL',
    postalCode: '62701',
    country: 'US',
  };
  const order = await f.order({
    tenantId,
    customerId: customer.id,
    status: 'SHIPPED',
    shippingStatus: 'DELIVERED',
    paidAt: new Date(),
    notes: 'Call Jane on 555-0100',
    shippingAddress,
    paymentStatus: 'paid',
  });
  const saved = await f.address({ tenantId, customerId: customer.id, name: 'Jane Roe', line1: '1 Elm St' });
  const session = await f.orderSession({
    tenantId,
    customerId: customer.id,
    addressId: saved.id,
    reviewedQuote: { address: shippingAddress },
  });
  await f.auditLog({
    tenantId,
    actorType: 'PANEL_ADMIN',
    action: 'order.updated',
    entityType: 'Order',
    entityId: order.id,
    before: { notes: null, status: 'PAID' },
    after: { notes: 'Call Jane on 555-0100', status: 'SHIPPED' },
  });
  await db.taxTransaction.create({
    data: {
      tenantId,
      orderId: order.id,
      kind: 'ORDER',
      transactionId: order.id,
      filedAt: new Date(),
      payload: {
        transaction_id: order.id,
        to_country: 'US',
        to_zip: '62701',
        to_state: 'IL',
        to_city: 'Springfield',
        to_street: '1 Elm St',
        amount: 15,
      },
    },
  });
  return { customer, order, saved, session };
}

describe('POST /api/customers/:id/erase', () => {
  it("erases the name, addresses, the open session and the orders' street, city and notes; keeps the books and the tax places", async () => {
    const { customer, order, session } = await customerWithHistory();
    const res = await erase(customer.id).expect(200);
    const placeholder = `Erased customer #${customer.id.slice(4, 12)}`;
    expect(res.body).toEqual({ customerId: customer.id, displayName: placeholder, ordersKept: 1, addressesDeleted: 1, sessionsDeleted: 1 });

    const after = await db.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(after).toMatchObject({ displayName: placeholder, username: null, discordUserId: customer.discordUserId });
    expect(await db.address.count({ where: { customerId: customer.id } })).toBe(0);
    expect(await db.orderSession.findUnique({ where: { id: session.id } })).toBeNull();

    const o = await db.order.findUniqueOrThrow({ where: { id: order.id }, include: { payments: true } });
    expect(o.shippingAddress).toEqual({ country: 'US', state: 'IL', postalCode: '62701' });
    expect(o.notes).toBeNull();
    expect(o).toMatchObject({ totalCents: order.totalCents, status: 'SHIPPED', number: order.number });
    expect(o.payments).toHaveLength(1);

    const tax = await db.taxTransaction.findFirstOrThrow({ where: { orderId: order.id } });
    expect(tax.payload).toEqual({ transaction_id: order.id, to_country: 'US', to_zip: '62701', to_state: 'IL', amount: 15 });

    // The audit trail: the erasure recorded, and no entry of the customer or their orders holds the values.
    const entries = await db.auditLog.findMany({ where: { tenantId: shop.tenant.id, entityId: { in: [customer.id, order.id] } } });
    expect(entries.map((e) => e.action).sort()).toEqual(['customer.erased', 'order.updated']);
    const text = JSON.stringify(entries);
    for (const personal of ['Jane', 'janeroe', 'Elm St', 'Springfield', '555-0100']) expect(text).not.toContain(personal);
    expect(entries.find((e) => e.action === 'customer.erased')).toMatchObject({ actorType: 'API_KEY', actorId: shop.keyRecord.id });

    // The REST order reads back erased.
    const got = await request(t.app).get(`/api/orders/${order.id}`).set(shop.auth).expect(200);
    expect(got.body.customer).toMatchObject({ displayName: placeholder, username: null });
    expect(got.body.shippingAddress).toEqual({ country: 'US', state: 'IL', postalCode: '62701' });

    // The bookkeeping export names the order's customer by the placeholder (its customer column was blank).
    const day = o.createdAt.toISOString().slice(0, 10);
    const csv = (await request(t.app).get(`/api/exports/orders?from=${day}&to=${day}`).set(shop.auth).buffer(true).expect(200)).text;
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    const line = rows.find((r) => r.includes(order.id))!;
    expect(line.split(',')[header!.split(',').indexOf('customer')]).toBe(placeholder);
    for (const personal of ['Jane', 'janeroe', 'Elm St', 'Springfield']) expect(csv).not.toContain(personal);
  });

  it("erases the Discord name they acted under as one of the shop's admins, and no other admin's", async () => {
    const { customer } = await customerWithHistory();
    const other = await f.customer({ tenantId: shop.tenant.id });
    // As audit.service.ts keeps them with an admin's action (the owner who also orders from the shop, and another admin).
    await db.discordAdminName.createMany({
      data: [
        { tenantId: shop.tenant.id, discordUserId: customer.discordUserId, name: 'Jane Roe' },
        { tenantId: shop.tenant.id, discordUserId: other.discordUserId, name: 'Morgan' },
      ],
    });
    await erase(customer.id).expect(200);
    expect(await db.discordAdminName.findMany({ where: { tenantId: shop.tenant.id }, select: { name: true } })).toEqual([
      { name: 'Morgan' },
    ]);
  });

  it("scrubs the trail of an order of theirs deleted before: the delete's snapshot and the edits before it", async () => {
    const { customer, order } = await customerWithHistory();
    await t.services.orderAdmin.delete(adminCtx(shop.tenant.id), order.id);
    const trail = () => db.auditLog.findMany({ where: { tenantId: shop.tenant.id, entityType: 'Order', entityId: order.id } });
    expect((await trail()).map((e) => e.action).sort()).toEqual(['order.deleted', 'order.updated']);
    expect(JSON.stringify(await trail())).toContain('Elm St');

    await erase(customer.id).expect(200);
    // Before: both kept the notes and the street (the order's row was gone, so its trail was not found).
    const text = JSON.stringify(await trail());
    for (const personal of ['Jane', 'Elm St', 'Springfield', '555-0100']) expect(text).not.toContain(personal);
    // What the delete recorded of the books stays: the order's number, total and payments.
    const snapshot = (await trail()).find((e) => e.action === 'order.deleted')!.before as {
      number: number;
      totalCents: number;
      payments: unknown[];
    };
    expect(snapshot).toMatchObject({ number: order.number, totalCents: order.totalCents });
    expect(snapshot.payments).toHaveLength(1);
  });

  it('refuses while an order still needs the address, names the order, and writes nothing', async () => {
    const tenantId = shop.tenant.id;
    const customer = await f.customer({ tenantId, username: 'waiting', displayName: 'Wai Ting' });
    await f.address({ tenantId, customerId: customer.id });
    const delivered = await f.order({ tenantId, customerId: customer.id, status: 'COMPLETE', shippingStatus: 'DELIVERED', notes: 'kept' });
    const unpaid = await f.order({ tenantId, customerId: customer.id, status: 'PENDING_PAYMENT' });
    const res = await erase(customer.id).expect(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(res.body.error.message).toContain(`#${unpaid.number} (${unpaid.id})`);
    expect(res.body.error.message).toContain('waiting for payment');

    expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({
      username: 'waiting',
      displayName: 'Wai Ting',
    });
    expect(await db.address.count({ where: { customerId: customer.id } })).toBe(1);
    expect(await db.order.findUniqueOrThrow({ where: { id: delivered.id } })).toMatchObject({ notes: 'kept' });
    expect(await db.auditLog.count({ where: { entityId: customer.id } })).toBe(0);

    // Paid and not shipped: refused too, naming that order.
    await db.order.update({ where: { id: unpaid.id }, data: { status: 'CANCELLED' } });
    const paid = await f.order({ tenantId, customerId: customer.id, status: 'PAID', shippingStatus: 'LABEL_CREATED' });
    const again = await erase(customer.id).expect(409);
    expect(again.body.error.message).toContain(`#${paid.number} (${paid.id}) is paid and not shipped yet`);

    // Shipped: erased.
    await db.order.update({ where: { id: paid.id }, data: { status: 'SHIPPED', shippingStatus: 'SHIPPED' } });
    await erase(customer.id).expect(200);
  });

  it('refuses while a parcel that came back is to be sent again: shipping FAILED on a shipped or completed order', async () => {
    const tenantId = shop.tenant.id;
    const customer = await f.customer({ tenantId, username: 'returned', displayName: 'Re Turned' });
    const address = { name: 'Re Turned', line1: '9 Oak Rd', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };
    // A parcel marked SHIPPED, then returned: the order stays SHIPPED (orderStatusAfterShipping), or COMPLETE once delivered.
    const shipped = await f.order({
      tenantId,
      customerId: customer.id,
      status: 'SHIPPED',
      shippingStatus: 'FAILED',
      shippingAddress: address,
    });
    const res = await erase(customer.id).expect(409);
    expect(res.body.error.message).toContain(`#${shipped.number} (${shipped.id}) has a parcel that did not arrive (shipping FAILED)`);
    expect(await db.order.findUniqueOrThrow({ where: { id: shipped.id } })).toMatchObject({ shippingAddress: address });

    await db.order.update({ where: { id: shipped.id }, data: { status: 'COMPLETE' } });
    expect((await erase(customer.id).expect(409)).body.error.message).toContain('(shipping FAILED)');
    expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ displayName: 'Re Turned' });

    // Sent again: nothing left to send, erased.
    await db.order.update({ where: { id: shipped.id }, data: { shippingStatus: 'SHIPPED' } });
    await erase(customer.id).expect(200);
    expect(await db.order.findUniqueOrThrow({ where: { id: shipped.id } })).toMatchObject({
      shippingAddress: { country: 'US', state: 'IL', postalCode: '62701' },
    });
  });

  it('a finished order whose shipping was never set, and a paid order with no address, block nothing', async () => {
    const tenantId = shop.tenant.id;
    const customer = await f.customer({ tenantId, username: 'digital', displayName: 'Dee Gital' });
    const address = { name: 'Dee Gital', line1: '5 Fir Ct', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };
    // Marked COMPLETE by hand (shipping stays PENDING: only SHIPPED moves it), with and without an address; a role paid for.
    await f.order({ tenantId, customerId: customer.id, status: 'COMPLETE', shippingStatus: 'PENDING', shippingAddress: address });
    await f.order({ tenantId, customerId: customer.id, status: 'COMPLETE', shippingStatus: 'PENDING', shippingAddress: Prisma.DbNull });
    await f.order({ tenantId, customerId: customer.id, status: 'PAID', shippingStatus: 'PENDING', shippingAddress: Prisma.DbNull });
    await f.order({ tenantId, customerId: customer.id, status: 'SHIPPED', shippingStatus: 'LABEL_CREATED', shippingAddress: address });
    await erase(customer.id).expect(200);
  });

  it('waits for a parcel being marked returned and keeps its address: the orders are read under their lock', async () => {
    const tenantId = shop.tenant.id;
    const customer = await f.customer({ tenantId, username: 'racing', displayName: 'Ray Sing' });
    const address = { name: 'Ray Sing', line1: '3 Ash Ln', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' };
    const order = await f.order({
      tenantId,
      customerId: customer.id,
      status: 'PARTIALLY_REFUNDED',
      shippingStatus: 'SHIPPED',
      shippingAddress: address,
    });
    // An admin's save marking the parcel returned, written and not yet committed when the erasure reads the orders.
    const saving = await locks.holdRow(`UPDATE orders SET "shippingStatus" = 'FAILED' WHERE id = $1`, [order.id]);
    const erasing = erase(customer.id).then((r) => r);
    await locks.oneWaitingOn('the erasure queued behind the shipping save', [saving]);
    await locks.release();

    const res = await erasing;
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain(`#${order.number} (${order.id}) has a parcel that did not arrive`);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      shippingStatus: 'FAILED',
      shippingAddress: address,
    });
    expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ displayName: 'Ray Sing' });
  });

  it("answers 404 for another shop's customer and changes nothing", async () => {
    const other = await f.tenant();
    const theirs = await f.customer({ tenantId: other.id, username: 'someoneelse' });
    await f.address({ tenantId: other.id, customerId: theirs.id });
    const res = await erase(theirs.id).expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(await db.customer.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ username: 'someoneelse' });
    expect(await db.address.count({ where: { customerId: theirs.id } })).toBe(1);
  });

  it('refuses a body with options it does not have, and a request without an API key', async () => {
    const customer = await f.customer({ tenantId: shop.tenant.id });
    await erase(customer.id).send({ keepAddresses: true }).expect(400);
    await request(t.app).post(`/api/customers/${customer.id}/erase`).expect(401);
    expect(await db.customer.findUniqueOrThrow({ where: { id: customer.id } })).toMatchObject({ username: customer.username });
  });
});
