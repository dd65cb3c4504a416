// The order edit form's line items, saved by two admins with forms open at once (docs/decisions/admin-forms.md,
// "Stale forms"): the form posts the whole list of lines once any quantity changed, so a form loaded before a
// colleague changed the lines used to put them back (their added product gone, their quantity undone) and answer
// "saved". The lines as the form showed them now travel with it: lines changed since are refused in words, and lines
// posted as the form showed them are no change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loadedRow, loggedIn, startAdminApp, type AdminAgent, type RunningAdmin } from './admin-helpers.js';

let app: RunningAdmin;
let a: AdminAgent;
let b: AdminAgent;
const f = factories();
let tenantId: string;
let customerId: string;

beforeAll(async () => {
  app = await startAdminApp();
  tenantId = (await f.tenant()).id;
  customerId = (await f.customer({ tenantId, displayName: 'Robin Buyer' })).id;
  a = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
  b = await loggedIn(app.baseUrl, (await f.adminUser({ tenantId })).email);
});
afterAll(async () => {
  await app?.close();
});

const lines = async (orderId: string) =>
  (await testDb().orderItem.findMany({ where: { orderId } })).map((i) => [i.productId, i.quantity] as const).sort();

async function pendingOrder() {
  const tee = await f.product({ tenantId, name: 'Tee', unitPriceCents: 2500 });
  const mug = await f.product({ tenantId, name: 'Mug', unitPriceCents: 1200 });
  const cap = await f.product({ tenantId, name: 'Cap', unitPriceCents: 900 });
  const order = await f.order({ tenantId, customerId, lines: [{ productId: tee.id, name: tee.name, quantity: 1, unitPriceCents: 2500 }] });
  return { order, tee, mug, cap };
}

/** Save the edit form loaded in `shown` with these lines, as the panel posts it. */
const save = (who: AdminAgent, orderId: string, shown: string, items: { productId: string; quantity: number }[]) =>
  who.agent
    .post(`/admin/api/resources/Order/records/${orderId}/edit`)
    .set(who.headers())
    .field('shownValuesJson', shown)
    .field('status', 'PENDING_PAYMENT')
    .field('shippingStatus', 'PENDING')
    .field('lineItems', JSON.stringify(items));

describe('Order edit: line items changed by another admin since the form opened', () => {
  it("refuses a form's lines when a colleague changed them since, and keeps the colleague's", async () => {
    const { order, tee, mug, cap } = await pendingOrder();
    const formA = (await loadedRow(a, 'Order', order.id)).shownValuesJson;
    const formB = (await loadedRow(b, 'Order', order.id)).shownValuesJson;

    // B adds a mug and saves.
    const byB = await save(b, order.id, formB, [
      { productId: tee.id, quantity: 1 },
      { productId: mug.id, quantity: 2 },
    ]);
    expect(byB.body.notice).toMatchObject({ type: 'success' });

    // A, whose form still shows the tee alone, adds a cap.
    const byA = await save(a, order.id, formA, [
      { productId: tee.id, quantity: 1 },
      { productId: cap.id, quantity: 1 },
    ]);
    expect(byA.body.notice.type).toBe('error');
    expect(byA.body.notice.message).toMatch(/changed/i);
    expect(byA.body.record.errors.lineItems.message).toBeTruthy();
    expect(await lines(order.id)).toEqual(
      [
        [tee.id, 1],
        [mug.id, 2],
      ].sort(),
    );
    const row = await testDb().order.findUniqueOrThrow({ where: { id: order.id } });
    expect(row.subtotalCents).toBe(2500 + 2 * 1200);
  });

  it('saves lines posted as the form showed them as no change, over what a colleague set since', async () => {
    const { order, tee, mug } = await pendingOrder();
    const formA = (await loadedRow(a, 'Order', order.id)).shownValuesJson;
    const formB = (await loadedRow(b, 'Order', order.id)).shownValuesJson;
    expect(
      (
        await save(b, order.id, formB, [
          { productId: tee.id, quantity: 3 },
          { productId: mug.id, quantity: 1 },
        ])
      ).body.notice,
    ).toMatchObject({ type: 'success' });
    // A typed a quantity and put it back: the lines A posts are the ones A was shown.
    const byA = await save(a, order.id, formA, [{ productId: tee.id, quantity: 1 }]);
    expect(byA.body.notice).toMatchObject({ type: 'success' });
    expect(await lines(order.id)).toEqual(
      [
        [tee.id, 3],
        [mug.id, 1],
      ].sort(),
    );
  });

  it('still saves the lines of a form whose lines nobody changed since', async () => {
    const { order, tee, cap } = await pendingOrder();
    const formA = (await loadedRow(a, 'Order', order.id)).shownValuesJson;
    const byA = await save(a, order.id, formA, [
      { productId: tee.id, quantity: 2 },
      { productId: cap.id, quantity: 1 },
    ]);
    expect(byA.body.notice).toMatchObject({ type: 'success' });
    expect(await lines(order.id)).toEqual(
      [
        [tee.id, 2],
        [cap.id, 1],
      ].sort(),
    );
  });
});
