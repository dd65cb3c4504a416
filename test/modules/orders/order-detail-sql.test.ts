// The order detail read in one statement (src/modules/orders/order-detail.sql.ts) gives exactly what Prisma's
// include gives: every field of the order and of each nested row, the same types (Dates, JSON, enums as text,
// nulls) and the same order, on the plain-SQL client and through Prisma's raw query alike. Likewise the order row
// lockOrder (orders/order-lock.ts) reads with its lock, in one raw statement.
import { describe, expect, it } from 'vitest';
import { orderDetailInclude, readOrderDetail } from '../../../src/modules/orders/index.js';
import { createOrderQueryService } from '../../../src/modules/orders/order-query.service.js';
import { lockOrder } from '../../../src/modules/orders/order-lock.js';
import { withTransaction } from '../../../src/platform/db/prisma.js';
import { testDb, testSql } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { factories, snowflake } from '../../helpers/factories.js';

const db = testDb(10);
const f = factories(db);

/** An order with every nested kind, several of each (ties in the sort keys included), and every nullable field set somewhere. */
async function populatedOrder() {
  const tenant = await f.tenant();
  const customer = await f.customer({
    tenantId: tenant.id,
    username: 'pat',
    displayName: 'Pat C',
    displayNameSetByAdminAt: new Date('2026-11-01T10:00:00.123Z'),
    dmClosedAt: new Date('2026-11-02T11:00:00Z'),
  });
  const [a, b, c] = [
    await f.product({ tenantId: tenant.id }),
    await f.product({ tenantId: tenant.id }),
    await f.product({ tenantId: tenant.id }),
  ];
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    guildId: snowflake(),
    lines: [
      { productId: a.id, sku: 'A-1', name: 'Hoodie', quantity: 2, unitPriceCents: 4000 },
      { productId: b.id, sku: 'B-1', name: 'Hoodie', quantity: 1, unitPriceCents: 4000 },
      { productId: c.id, sku: 'C-1', name: 'Cap', quantity: 1, unitPriceCents: 1500 },
    ],
    status: 'PARTIALLY_REFUNDED',
    shippingStatus: 'SHIPPED',
    trackingNumber: '1Z999',
    shippingCarrier: 'UPS',
    notes: 'leave at the door',
    discountCents: 500,
    shippingCents: 700,
    taxAmountCents: 812,
    totalCents: 13512,
    refundedTotalCents: 2000,
    amountReceivedCents: 13512,
    paymentReference: 'K7QX2M',
    discountName: 'Launch',
    shippingTypeName: 'Ground',
    customerDmFailedAt: new Date('2026-11-03T12:00:00Z'),
    adminMessageChannelId: snowflake(),
    adminMessageId: snowflake(),
    paidAt: new Date('2026-11-04T13:00:00.5Z'),
    paymentDueAt: new Date('2026-11-05T14:00:00Z'),
    paymentStatus: 'partially_refunded',
  });
  const at = new Date('2026-11-06T15:00:00.250Z');
  const p2 = await f.payment({
    tenantId: tenant.id,
    orderId: order.id,
    status: 'paid',
    providerReference: 'PAYID-1',
    confirmedByType: 'DISCORD_ADMIN',
    confirmedById: snowflake(),
    confirmedAt: at,
    createdAt: at,
  });
  await f.payment({ tenantId: tenant.id, orderId: order.id, status: 'rejected', rejectedReason: 'wrong amount', createdAt: at });
  await f.refund({
    tenantId: tenant.id,
    orderId: order.id,
    paymentId: p2.id,
    mode: 'BOTH',
    amountCents: 1500,
    items: [{ productId: a.id, quantity: 1 }],
    discountCents: 100,
    shippingCents: 200,
    taxCents: 90,
    idempotencyKey: 'idem-1',
    manualReturnMethod: 'VENMO_P2P',
    manualReturnDoneAt: at,
    manualReturnDoneByType: 'PANEL_ADMIN',
    manualReturnDoneById: 'adm_1',
    createdAt: at,
  });
  await f.refund({ tenantId: tenant.id, orderId: order.id, mode: 'PARTIAL_AMOUNT', amountCents: 500, createdAt: at });
  for (const amountCents of [5000, 8512]) {
    await db.paymentReceipt.create({
      data: {
        tenantId: tenant.id,
        orderId: order.id,
        paymentId: p2.id,
        amountCents,
        currency: 'USD',
        note: 'cash',
        actorType: 'API_KEY',
        createdAt: at,
      },
    });
  }
  for (const [kind, shownAt] of [
    ['shipped', null],
    ['cancelled', new Date('2026-11-07T16:00:00Z')],
  ] as const) {
    await db.missedNotice.create({
      data: {
        tenantId: tenant.id,
        customerId: customer.id,
        orderId: order.id,
        kind,
        deliveryKey: `k-${kind}-${order.id}`,
        message: { content: kind },
        shownAt,
        createdAt: at,
      },
    });
  }
  return { tenant, order };
}

describe('the order detail in one statement', () => {
  it('equals Prisma include read, field by field, on plain SQL and through Prisma', async () => {
    const { tenant, order } = await populatedOrder();
    const viaInclude = await db.order.findFirstOrThrow({ where: { id: order.id, tenantId: tenant.id }, include: orderDetailInclude });
    expect(viaInclude.items).toHaveLength(3);
    expect(viaInclude.payments).toHaveLength(3);
    expect(viaInclude.refunds).toHaveLength(2);
    expect(viaInclude.receipts).toHaveLength(2);
    expect(viaInclude.missedNotices).toHaveLength(2);

    expect(await readOrderDetail(testSql(), tenant.id, order.id)).toEqual(viaInclude);
    expect(await readOrderDetail(db, tenant.id, order.id)).toEqual(viaInclude);
    expect(await createOrderQueryService({ db, sql: testSql() }).get(tenant.id, order.id)).toEqual(viaInclude);
  });

  it("an order with nothing nested, another shop's order and a missing one", async () => {
    const tenant = await f.tenant();
    const other = await f.tenant();
    const customer = await f.customer({ tenantId: tenant.id });
    const order = await f.order({ tenantId: tenant.id, customerId: customer.id, shippingAddress: undefined });
    await db.payment.deleteMany({ where: { orderId: order.id } });
    await db.orderItem.deleteMany({ where: { orderId: order.id } });
    const viaInclude = await db.order.findFirstOrThrow({ where: { id: order.id }, include: orderDetailInclude });
    expect(await readOrderDetail(testSql(), tenant.id, order.id)).toEqual(viaInclude);

    expect(await readOrderDetail(testSql(), other.id, order.id)).toBeNull();
    expect(await readOrderDetail(testSql(), tenant.id, 'ord_missing')).toBeNull();
    await expect(createOrderQueryService({ db, sql: testSql() }).get(other.id, order.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lockOrder returns the locked row exactly as Prisma reads it, and NOT_FOUND for another shop', async () => {
    const { tenant, order } = await populatedOrder();
    const other = await f.tenant();
    const viaPrisma = await db.order.findUniqueOrThrow({ where: { id: order.id } });
    expect(viaPrisma.paidAt).toBeInstanceOf(Date);
    expect(viaPrisma.shippingAddress).not.toBeNull();
    await withTransaction(db, async (tx) => expect(await lockOrder(tx, tenant.id, order.id)).toEqual(viaPrisma));
    await expect(withTransaction(db, (tx) => lockOrder(tx, other.id, order.id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lockOrder waits for a transaction holding the row and returns what it committed', async () => {
    const { tenant, order } = await populatedOrder();
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const holder = withTransaction(db, async (tx) => {
      await lockOrder(tx, tenant.id, order.id);
      await tx.order.update({ where: { id: order.id }, data: { notes: 'changed while locked' } });
      locked();
      await released;
    });
    await holding;
    const waiter = withTransaction(db, (tx) => lockOrder(tx, tenant.id, order.id));
    // The waiter is blocked on the row lock until the holder commits.
    await waitFor('the second lock to wait on the first', async () => {
      const [row] = await db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM orders WHERE id = %FOR UPDATE%'`;
      return row!.n > 0;
    });
    release();
    await holder;
    expect((await waiter).notes).toBe('changed while locked');
  });
});
