// "Record money received" on the order page, posted as components/order-show.tsx posts it (through the AdminJS API,
// with its hidden receivedShown: what the page showed as received), by two admins at the same moment. The same
// transfer is recorded once, and so is an extra payment on an order already paid (both pages showed nothing owed,
// so only what was received tells them apart): the second admin is told what was recorded meanwhile and by whom,
// and gets the order as it is now, from which recording again counts (another payment).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
let b: AdminAgent;
const f = factories();
const db = testDb();
let tenantId: string;
let customerId: string;
const emails: Record<string, string> = {};

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant()).id;
  customerId = (await f.customer({ tenantId })).id;
  const [ua, ub] = [await f.adminUser({ tenantId }), await f.adminUser({ tenantId, role: 'TENANT_STAFF' })];
  [emails[ua.id], emails[ub.id]] = [ua.email, ub.email];
  a = await loggedIn(app.baseUrl, ua.email);
  b = await loggedIn(app.baseUrl, ub.email);
});
afterAll(async () => {
  await app?.close();
});

const record = (who: AdminAgent, id: string, body: Record<string, string>) =>
  who.agent.post(`/admin/api/resources/Order/records/${id}/recordReceipt`).set(who.headers()).send(body);
const detailOf = (res: { body: { record: { params: { detailJson: string } } } }) => JSON.parse(res.body.record.params.detailJson);
/** The order page as an admin opens it: what its form will post back as received. */
const shownTo = async (who: AdminAgent, id: string) =>
  String(detailOf(await who.agent.get(`/admin/api/resources/Order/records/${id}/show`).set(who.headers())).received.receivedCents);

describe('two admins recording money received on one order at once', () => {
  it('the same transfer is recorded once; the other admin is told who recorded it and sees the order as it is now', async () => {
    const order = await f.order({ tenantId, customerId });
    const [seenA, seenB] = [await shownTo(a, order.id), await shownTo(b, order.id)];
    expect(seenA).toBe('0');
    const answers = await Promise.all([
      record(a, order.id, { amount: '15.00', note: 'Venmo 1', receivedShown: seenA }),
      record(b, order.id, { amount: '15.00', note: 'Venmo 1', receivedShown: seenB }),
    ]);
    const receipts = await db.paymentReceipt.findMany({ where: { orderId: order.id } });
    expect(receipts).toHaveLength(1);
    const refused = answers.find((r) => r.body.notice?.type === 'error')!;
    expect(refused.body.notice.message).toBe(
      `Order #${order.number} now has nothing still owed ($15.00 received): ${emails[receipts[0]!.actorId!]} recorded $15.00 meanwhile. This was not recorded, so nothing counts twice. Check the order, then record again if this is another payment.`,
    );
    // The refusal carries the order as it is now: the page shows the receipt and what it will post back.
    expect(detailOf(refused).received).toMatchObject({ amount: '$15.00', receivedCents: 1500 });
    expect(detailOf(refused).received.receipts).toHaveLength(1);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'PAID', amountReceivedCents: 1500 });
  });

  it('an extra payment on a paid order is recorded once; recorded again from the refreshed page it counts', async () => {
    const order = await f.order({ tenantId, customerId });
    expect((await record(a, order.id, { amount: '15.00', receivedShown: '0' })).body.notice.type).toBe('success');
    const [seenA, seenB] = [await shownTo(a, order.id), await shownTo(b, order.id)];
    expect(seenA).toBe('1500');
    const answers = await Promise.all([
      record(a, order.id, { amount: '5.00', note: 'paid twice', receivedShown: seenA }),
      record(b, order.id, { amount: '5.00', note: 'paid twice', receivedShown: seenB }),
    ]);
    expect(answers.map((r) => r.body.notice.type).sort()).toEqual(['error', 'success']);
    expect(await db.paymentReceipt.count({ where: { orderId: order.id, amountCents: 500 } })).toBe(1);
    const refused = answers.find((r) => r.body.notice.type === 'error')!;
    expect(refused.body.notice.message).toContain(`Order #${order.number} now has nothing still owed ($20.00 received): `);
    expect(refused.body.notice.message).toContain(' recorded $5.00 meanwhile. This was not recorded, so nothing counts twice.');

    const again = await record(b, order.id, { amount: '5.00', receivedShown: String(detailOf(refused).received.receivedCents) });
    expect(again.body.notice).toMatchObject({ type: 'success' });
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ amountReceivedCents: 2500 });
  });
});
