// order.shipped, order.delivered and order.deleted as a shop's integrator receives them: the order is shipped,
// its tracking corrected and marked delivered through the REST API (PATCH /orders/{id}, the same command as the
// panel's Save), then deleted in the panel; a local receiver verifies each message with the Standard Webhooks
// reference library. Each arrives once, with the body the OpenAPI document describes; a shipment tells a hand-over
// from a tracking change (trackingUpdate); order.deleted describes the order from the delete's audit snapshot; a
// re-run fan-out after the delete adds nothing; a shop subscribed only to order.paid hears none of them.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '../../../src/modules/shared/events.js';
import { WEBHOOK_DELIVER_TASK, WEBHOOK_SUBSCRIBER } from '../../../src/modules/webhooks/webhook-delivery.jobs.js';
import type { WebhookEventType } from '../../../src/modules/webhooks/webhook-events.js';
import { webhookBodies } from '../../../src/surfaces/http/api/openapi/api.schemas.js';
import { loggedIn, type AdminAgent } from '../../admin/admin-helpers.js';
import { useHarness, useHarnessServer } from '../../discord/harness.js';
import { WebhookReceiver } from '../../fakes/webhook-receiver.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';

const db = testDb();
const f = factories();
const h = useHarness({ worker: true });
const NEW_EVENTS = [EVENTS.orderShipped, EVENTS.orderDelivered, EVENTS.orderDeleted] as const;
/** The webhook jobs: each event's fan-out and the deliveries (the customer DMs of the same events are not waited for). */
const WEBHOOK_TASKS = [...[...NEW_EVENTS, EVENTS.orderPaid].map((e) => `${e}>${WEBHOOK_SUBSCRIBER}`), WEBHOOK_DELIVER_TASK];

const served = useHarnessServer(h);

/** A shop with a receiving endpoint subscribed to `events`, an API key and a panel admin signed in. */
async function shopListeningTo(events: WebhookEventType[]) {
  const s = await f.shop();
  const tenantId = s.tenant.id;
  const receiver = await new WebhookReceiver().start();
  const made = await h.t.services.webhooks.create(adminCtx(tenantId), { url: receiver.url, events });
  receiver.secret = made.secret;
  const { key } = await h.t.services.apiKeys.create(adminCtx(tenantId), 'fulfilment sync', 'READ_WRITE');
  const owner = await f.adminUser({ tenantId });
  const panel = await loggedIn(served.baseUrl, owner.email);
  return { ...s, tenantId, receiver, auth: { authorization: `Bearer ${key}` }, panel };
}
type Shop = Awaited<ReturnType<typeof shopListeningTo>>;

const patch = (shop: Shop, orderId: string, body: Record<string, unknown>) =>
  request(h.t.app).patch(`/api/v1/orders/${orderId}`).set(shop.auth).send(body).expect(200);
const deleteInPanel = async (panel: AdminAgent, orderId: string) => {
  const res = await panel.agent.post(`/admin/api/resources/Order/records/${orderId}/delete`).set(panel.headers());
  expect((res.body as { notice?: { message: string } }).notice?.message).toMatch(/was deleted/);
};
const received = (shop: Shop, orderId: string) => shop.receiver.received.filter((m) => m.body.includes(orderId));
const settled = () => waitForJobsDone({ tasks: WEBHOOK_TASKS });

interface Body {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { order: Record<string, unknown> };
}

/** The one message of `type` about the order: verified by the reference library and shaped as the OpenAPI document says. */
function onlyMessage(shop: Shop, orderId: string, type: string, index = 0, count = 1): Body {
  const got = received(shop, orderId).filter((m) => (JSON.parse(m.body) as Body).type === type);
  expect(got).toHaveLength(count);
  const m = got[index]!;
  expect(m.verifyError).toBeUndefined();
  webhookBodies[type as keyof typeof webhookBodies].parse(JSON.parse(m.body));
  return m.verified as Body;
}

describe('order.shipped, order.delivered and order.deleted webhooks', () => {
  let shop: Shop;
  let quiet: Shop;
  beforeAll(async () => {
    shop = await shopListeningTo([...NEW_EVENTS]);
    quiet = await shopListeningTo([EVENTS.orderPaid]);
  });
  afterAll(async () => {
    await shop?.receiver.stop();
    await quiet?.receiver.stop();
  });

  it('each arrives once, signed, with the documented body: shipped, its tracking changed in transit, delivered, deleted', async () => {
    const order = await f.order({ tenantId: shop.tenantId, customerId: shop.customer.id, guildId: shop.guild.id, status: 'PAID' });
    const orderId = order.id;

    await patch(shop, orderId, { shippingStatus: 'SHIPPED', trackingNumber: '1Z999AA10123456784', shippingCarrier: 'UPS' });
    await settled();
    const shipped = onlyMessage(shop, orderId, 'order.shipped');
    expect(shipped.data).toMatchObject({
      order: { id: orderId, number: order.number, status: 'SHIPPED', shippingStatus: 'SHIPPED', trackingNumber: '1Z999AA10123456784' },
      trackingNumber: '1Z999AA10123456784',
      carrier: 'UPS',
      trackingUrl: 'https://www.ups.com/track?loc=en_US&tracknum=1Z999AA10123456784',
      trackingUpdate: false,
    });

    // The tracking corrected while the parcel travels: a second order.shipped, marked as an update.
    await patch(shop, orderId, { trackingNumber: '9400111899223197428490', shippingCarrier: 'USPS' });
    await settled();
    const update = onlyMessage(shop, orderId, 'order.shipped', 1, 2);
    expect(update.data).toMatchObject({ trackingNumber: '9400111899223197428490', carrier: 'USPS', trackingUpdate: true });
    expect(update.data.trackingUrl).toMatch(/^https:\/\/tools\.usps\.com\//);

    await patch(shop, orderId, { shippingStatus: 'DELIVERED' });
    await settled();
    const delivered = onlyMessage(shop, orderId, 'order.delivered');
    expect(delivered.data.order).toMatchObject({ id: orderId, status: 'COMPLETE', shippingStatus: 'DELIVERED' });
    expect(Object.keys(delivered.data)).toEqual(['order']);

    const beforeDelete = new Date();
    await deleteInPanel(shop.panel, orderId);
    const afterDelete = new Date();
    expect(await db.order.count({ where: { id: orderId } })).toBe(0);
    await settled();
    const deleted = onlyMessage(shop, orderId, 'order.deleted');
    // The order as it was when deleted (the delete's audit snapshot): its number, last status and tracking.
    expect(deleted.data.order).toMatchObject({
      id: orderId,
      number: order.number,
      status: 'COMPLETE',
      shippingStatus: 'DELIVERED',
      trackingNumber: '9400111899223197428490',
      shippingCarrier: 'USPS',
      totalCents: order.totalCents,
      createdAt: order.createdAt.toISOString(),
    });
    const deletedAt = new Date(deleted.data.deletedAt as string);
    expect(deletedAt >= beforeDelete && deletedAt <= afterDelete).toBe(true);

    // Four messages in all, four webhook-ids, each delivered at its first attempt.
    const all = received(shop, orderId);
    expect(all.map((m) => (JSON.parse(m.body) as Body).type)).toEqual([
      'order.shipped',
      'order.shipped',
      'order.delivered',
      'order.deleted',
    ]);
    expect(new Set(all.map((m) => m.headers['webhook-id'])).size).toBe(4);
    const rows = await db.webhookDelivery.findMany({ where: { tenantId: shop.tenantId, body: { contains: orderId } } });
    expect(rows.map((r) => [r.eventType, r.status, r.attempts]).sort()).toEqual([
      ['order.deleted', 'SUCCEEDED', 1],
      ['order.delivered', 'SUCCEEDED', 1],
      ['order.shipped', 'SUCCEEDED', 1],
      ['order.shipped', 'SUCCEEDED', 1],
    ]);

    // The delete's fan-out run again (a worker that died after writing the deliveries, before completing the job):
    // no second delivery, nothing sent again. The first shipment's fan-out, re-run after the delete, likewise.
    const firstShipment = await db.auditLog.findFirstOrThrow({
      where: { entityId: orderId, action: 'order.updated' },
      orderBy: { createdAt: 'asc' },
    });
    await db.$executeRaw`SELECT graphile_worker.add_job(${`${EVENTS.orderDeleted}>${WEBHOOK_SUBSCRIBER}`}::text,
      json_build_object('tenantId', ${shop.tenantId}::text, 'orderId', ${orderId}::text, 'deletedAt', ${deletedAt.toISOString()}::text))`;
    await db.$executeRaw`SELECT graphile_worker.add_job(${`${EVENTS.orderShipped}>${WEBHOOK_SUBSCRIBER}`}::text,
      json_build_object('tenantId', ${shop.tenantId}::text, 'orderId', ${orderId}::text, 'trackingNumber', '1Z999AA10123456784',
        'carrier', 'UPS', 'trackingUpdate', false, 'changeId', ${firstShipment.id}::text))`;
    await settled();
    expect(await db.webhookDelivery.count({ where: { tenantId: shop.tenantId, body: { contains: orderId } } })).toBe(4);
    expect(received(shop, orderId)).toHaveLength(4);
  });

  it('a parcel shipped again after a failed delivery is a new shipment (trackingUpdate false), not a duplicate', async () => {
    const order = await f.order({ tenantId: shop.tenantId, customerId: shop.customer.id, guildId: shop.guild.id, status: 'PAID' });
    await patch(shop, order.id, { shippingStatus: 'SHIPPED', trackingNumber: 'RR123456785GB', shippingCarrier: 'ROYAL_MAIL' });
    await settled();
    await patch(shop, order.id, { shippingStatus: 'FAILED' });
    await patch(shop, order.id, { shippingStatus: 'SHIPPED' });
    await settled();
    const first = onlyMessage(shop, order.id, 'order.shipped', 0, 2);
    const again = onlyMessage(shop, order.id, 'order.shipped', 1, 2);
    for (const m of [first, again])
      expect(m.data).toMatchObject({ trackingNumber: 'RR123456785GB', carrier: 'ROYAL_MAIL', trackingUpdate: false });
  });

  it('a shop subscribed only to order.paid gets none of them', async () => {
    const order = await f.order({ tenantId: quiet.tenantId, customerId: quiet.customer.id, guildId: quiet.guild.id });
    await request(h.t.app).post(`/api/v1/orders/${order.id}/payment/confirm`).set(quiet.auth).expect(200);
    await patch(quiet, order.id, { shippingStatus: 'SHIPPED', trackingNumber: '1Z999AA10123456784', shippingCarrier: 'UPS' });
    await patch(quiet, order.id, { trackingNumber: '1Z999AA10123456785' });
    await patch(quiet, order.id, { shippingStatus: 'DELIVERED' });
    await deleteInPanel(quiet.panel, order.id);
    await settled();

    // Its endpoint works: order.paid arrived, and nothing else.
    expect(received(quiet, order.id).map((m) => (JSON.parse(m.body) as Body).type)).toEqual(['order.paid']);
    expect(received(quiet, order.id)[0]!.verifyError).toBeUndefined();
    expect(await db.webhookDelivery.count({ where: { tenantId: quiet.tenantId } })).toBe(1);
    // The other shop's endpoint, subscribed to these events, hears nothing of this shop's order.
    expect(received(shop, order.id)).toEqual([]);
  });
});
