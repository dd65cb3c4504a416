// "Mark overpayment returned" on the order page, through the AdminJS API as components/order-show.tsx posts it:
// a customer paid more than the total (recorded with the page's "Record money received"), the shop sends the
// excess back and records it here. The amount defaults to all of it and may not exceed it; who and when are in
// the audit trail; the order then shows no overpayment still to return. Two admins pressing at once record it
// once (the second is refused, clearly); an order that was not overpaid refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
let b: AdminAgent;
const f = factories();
let tenantId: string;
let customerId: string;
let emailA: string;
let emailB: string;

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant()).id;
  customerId = (await f.customer({ tenantId, displayName: 'Robin Buyer' })).id;
  emailA = (await f.adminUser({ tenantId })).email;
  emailB = (await f.adminUser({ tenantId, role: 'TENANT_STAFF' })).email;
  a = await loggedIn(app.baseUrl, emailA);
  b = await loggedIn(app.baseUrl, emailB);
});
afterAll(async () => {
  await app?.close();
});

const action = (who: AdminAgent, id: string, name: string, body: Record<string, string>) =>
  who.agent.post(`/admin/api/resources/Order/records/${id}/${name}`).set(who.headers()).send(body);
const detailOf = (res: { body: { record: { params: { detailJson: string } } } }) => JSON.parse(res.body.record.params.detailJson);
const show = async (id: string) => detailOf(await a.agent.get(`/admin/api/resources/Order/records/${id}/show`).set(a.headers()));

/** A $15.00 Venmo order the customer paid $25.00 for, recorded through the panel: $10.00 overpaid. */
async function overpaidOrder() {
  const order = await f.order({ tenantId, customerId });
  const paid = await action(a, order.id, 'recordReceipt', { amount: '25.00' });
  expect(paid.body.notice).toMatchObject({ type: 'success' });
  expect(detailOf(paid).received.overpaid).toBe('$10.00');
  return order;
}

describe('Mark overpayment returned', () => {
  it('records all of the overpayment by default, with who in the audit trail, and the order no longer shows it', async () => {
    const order = await overpaidOrder();
    const before = await show(order.id);
    expect(before.received).toMatchObject({ overpaid: '$10.00', overpaidInput: '10.00', overpaymentReturned: null });

    const res = await action(b, order.id, 'returnOverpayment', { amount: '', note: 'Sent back by Venmo' });
    expect(res.body.notice).toEqual({
      type: 'success',
      message: `Marked $10.00 of the overpayment as returned on order #${order.number}; nothing is left to return.`,
    });
    const view = detailOf(res);
    expect(view.received).toMatchObject({ amount: '$25.00', overpaid: null, overpaidInput: null, overpaymentReturned: '$10.00' });
    const entry = view.timeline.find((e: { what: string }) => e.what === 'Marked the overpayment as returned to the customer');
    expect(entry).toMatchObject({ who: emailB });
    expect(entry.when).toBeTruthy();

    const row = await testDb().order.findUniqueOrThrow({ where: { id: order.id } });
    expect(row).toMatchObject({ amountReceivedCents: 2500, overpaymentReturnedCents: 1000 });
    const audit = await testDb().auditLog.findMany({ where: { entityId: order.id, action: 'payment.overpayment_returned' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ amountCents: 1000, overpaidCents: 0, note: 'Sent back by Venmo' });
  });

  it('takes a part typed as money (a decimal comma too), and refuses more than is left under the field', async () => {
    const order = await overpaidOrder();
    const part = await action(a, order.id, 'returnOverpayment', { amount: '4,50' });
    expect(part.body.notice.message).toBe(
      `Marked $4.50 of the overpayment as returned on order #${order.number}; $5.50 is still to return.`,
    );
    expect(detailOf(part).received).toMatchObject({ overpaid: '$5.50', overpaidInput: '5.50', overpaymentReturned: '$4.50' });

    const tooMuch = await action(a, order.id, 'returnOverpayment', { amount: '6.00' });
    expect(tooMuch.body.notice.type).toBe('error');
    expect(tooMuch.body.record.errors.amount.message).toBe(`at most $5.50, the overpayment still to return on order #${order.number}`);
    const notMoney = await action(a, order.id, 'returnOverpayment', { amount: 'ten' });
    expect(notMoney.body.record.errors.amount.message).toBe('Type the amount sent back like 12.50 (USD), or leave it empty for all of it.');
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).overpaymentReturnedCents).toBe(450);
  });

  it('two admins pressing at once record it once; the other is told nothing is left to return', async () => {
    const order = await overpaidOrder();
    const both = await Promise.all([
      action(a, order.id, 'returnOverpayment', { amount: '10.00' }),
      action(b, order.id, 'returnOverpayment', { amount: '10.00' }),
    ]);
    const notices = both.map((r) => r.body.notice);
    expect(notices.filter((n) => n.type === 'success')).toHaveLength(1);
    expect(notices.filter((n) => n.type === 'error')).toEqual([
      {
        type: 'error',
        message: `Order #${order.number} has no overpayment left to return: $10.00 was already marked returned. Nothing was recorded.`,
      },
    ]);
    expect((await testDb().order.findUniqueOrThrow({ where: { id: order.id } })).overpaymentReturnedCents).toBe(1000);
    expect(await testDb().auditLog.count({ where: { entityId: order.id, action: 'payment.overpayment_returned' } })).toBe(1);
  });

  it('an order that was not overpaid refuses, and a GET changes nothing', async () => {
    const order = await f.order({ tenantId, customerId });
    await action(a, order.id, 'recordReceipt', { amount: '15.00' });
    const res = await action(a, order.id, 'returnOverpayment', {});
    expect(res.body.notice).toEqual({
      type: 'error',
      message: `Order #${order.number} was not overpaid ($15.00 received for a total of $15.00): there is nothing to return.`,
    });
    const over = await overpaidOrder();
    await a.agent.get(`/admin/api/resources/Order/records/${over.id}/returnOverpayment?amount=10.00`).set(a.headers());
    expect((await testDb().order.findUniqueOrThrow({ where: { id: over.id } })).overpaymentReturnedCents).toBe(0);
  });
});
