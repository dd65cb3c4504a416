// The Refund form's per-line quantity (components/refund-form.tsx posts `lines`, the JSON of its per-line inputs),
// through the AdminJS API as the panel's frontend calls it: a quantity that is no whole number (null is what the form
// posts for one it cannot read: blank, "1.5", "-1", "1e3", "abc"), out of bounds, or more than the line still has to
// refund is refused with its message under that line's input (record.errors["lines.<productId>"]), no units on any
// line under the lines; nothing is written (no refund, no stock back, the order's totals as they were).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, paidTwoLineOrder, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
const f = factories();
let tenantId: string;
let customerId: string;

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant({ inventoryTracking: true })).id;
  customerId = (await f.customer({ tenantId, displayName: 'Quinn Quantity' })).id;
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

const refund = (id: string, body: Record<string, string>) =>
  a.agent.post(`/admin/api/resources/Order/records/${id}/refund`).set(a.headers()).send(body);

async function paidOrder() {
  const o = await paidTwoLineOrder({ tenantId, customerId, trackedName: 'Quantity Tee', otherName: 'Quantity Cap', otherQuantity: 3 });
  return { order: o.order, tee: o.tracked, cap: o.other };
}

/** What a refund may change: the order's totals and status, its refunds, its lines' refunded units, the stock. */
async function written(orderId: string, productId: string) {
  const order = await testDb().order.findUniqueOrThrow({ where: { id: orderId }, include: { items: true, refunds: true } });
  const stock = (await testDb().product.findUniqueOrThrow({ where: { id: productId } })).stock;
  return {
    status: order.status,
    refundedTotalCents: order.refundedTotalCents,
    refunds: order.refunds.length,
    refundedUnits: order.items.map((i) => [i.productId, i.refundedQuantity]).sort(),
    stock,
  };
}

describe("the Refund form's per-line quantity", () => {
  it('refuses a quantity that is no whole number, out of bounds, or more than is left, under its line; nothing written', async () => {
    const { order, tee, cap } = await paidOrder();
    const before = await written(order.id, tee.id);
    const bad: [string, unknown][] = [
      ['unreadable (blank, "1.5", "-1", "1e3", "abc" in the form)', null],
      ['a decimal', 1.5],
      ['negative', -1],
      ['huge', 1e20],
      ['text', '2'],
      ['more than the line has left', 3],
      ['"1e3" read as a number', 1000],
    ];
    for (const mode of ['PARTIAL_ITEMS', 'BOTH'] as const)
      for (const intent of ['preview', 'refund'] as const)
        for (const [what, quantity] of bad) {
          const label = `${mode} ${intent} ${what}`;
          // The good line first, so the bad one is not the first of the list.
          const lines = JSON.stringify([
            { productId: cap.id, quantity: 1, restock: true },
            { productId: tee.id, quantity, restock: true },
          ]);
          const res = await refund(order.id, { intent, mode, amount: '1.00', lines, idempotencyKey: `${label}` });
          expect(res.status, label).toBe(200);
          expect(res.body.notice?.type, label).toBe('error');
          const errors = res.body.record?.errors ?? {};
          expect(errors[`lines.${tee.id}`]?.message, label).toBeTruthy();
          expect(errors[`lines.${cap.id}`], label).toBeUndefined();
          expect(res.body.notice.message, label).toContain(errors[`lines.${tee.id}`].message);
          // The notice names the line as the form shows it, not by its place in the list posted ("lines.1.quantity").
          expect(res.body.notice.message, label).toMatch(/Quantity Tee/);
          expect(res.body.notice.message, label).not.toMatch(/lines\.\d/);
        }
    // More than is left names the line and what is left.
    const tooMany = await refund(order.id, {
      intent: 'preview',
      mode: 'PARTIAL_ITEMS',
      lines: JSON.stringify([{ productId: tee.id, quantity: 3, restock: true }]),
    });
    expect(tooMany.body.record.errors[`lines.${tee.id}`].message).toMatch(/Only 2 of Quantity Tee can still be refunded/);
    expect(await written(order.id, tee.id)).toEqual(before);
  });

  it('refuses no units on any line under the lines; nothing written', async () => {
    const { order, tee, cap } = await paidOrder();
    const before = await written(order.id, tee.id);
    for (const lines of [
      '[]',
      JSON.stringify([
        { productId: tee.id, quantity: 0, restock: true },
        { productId: cap.id, quantity: 0, restock: true },
      ]),
    ]) {
      const res = await refund(order.id, { intent: 'refund', mode: 'PARTIAL_ITEMS', lines });
      expect(res.body.notice?.type, lines).toBe('error');
      expect(res.body.record.errors.lines.message, lines).toMatch(/at least one line/);
    }
    expect(await written(order.id, tee.id)).toEqual(before);
  });

  it('refunds the units of a good line, read back', async () => {
    const { order, tee, cap } = await paidOrder();
    const res = await refund(order.id, {
      intent: 'refund',
      mode: 'PARTIAL_ITEMS',
      lines: JSON.stringify([
        { productId: tee.id, quantity: 2, restock: true },
        { productId: cap.id, quantity: 0, restock: true },
      ]),
    });
    expect(res.body.notice?.type).toBe('success');
    expect(res.body.record.errors ?? {}).toEqual({});
    expect(await written(order.id, tee.id)).toEqual({
      status: 'PARTIALLY_REFUNDED',
      refundedTotalCents: 4000,
      refunds: 1,
      refundedUnits: [
        [tee.id, 2],
        [cap.id, 0],
      ].sort(),
      stock: 7,
    });
  });
});
