// An order event adds its webhook fan-out job only for a shop with an enabled endpoint subscribed to that
// event (the subscriber's onlyWhen, checked in the emitting statement): a shop without webhooks pays nothing
// for them. Both ways an event is emitted: the submit's statement (order.created, jobSpecsSql) and a command's
// emit (order.paid; order.shipped and order.delivered from the order update, order.deleted from the delete). No worker runs here, so every job added is still in the table.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEventType } from '../../../src/modules/webhooks/webhook-events.js';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { apiTenant, type ApiShop } from '../../http/api/api-fixtures.js';
import { jobCount, readySessionsDirect } from '../orders/ready-sessions.js';

const db = testDb();
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.services.close());

async function shopWith(endpoint?: { events: WebhookEventType[]; enabled?: boolean }): Promise<ApiShop> {
  const shop = await apiTenant(t);
  if (endpoint) {
    const made = await t.services.webhooks.create(adminCtx(shop.tenant.id), { url: 'http://127.0.0.1:9/hook', events: endpoint.events });
    if (endpoint.enabled === false) await t.services.webhooks.update(adminCtx(shop.tenant.id), made.endpoint.id, { enabled: false });
  }
  return shop;
}

/** Places an order through the submit (order.created) and confirms its payment over REST (order.paid). */
async function placeAndPay(shop: ApiShop): Promise<void> {
  const f = factories(db);
  const guild = await f.guild({ tenantId: shop.tenant.id });
  const shippingType = await f.shippingType({ tenantId: shop.tenant.id, priceCents: 0, name: 'Pickup' });
  const [session] = await readySessionsDirect(db, { tenant: shop.tenant, guild, shippingType, product: shop.products[0]! }, 1);
  const { order } = await t.services.orders.submit(shop.tenant.id, session!.customerId, { memberRoleIds: [] });
  await request(t.app).post(`/api/v1/orders/${order.id}/payment/confirm`).set(shop.auth).expect(200);
}

describe('webhook fan-out jobs', () => {
  it('are added only for an enabled endpoint subscribed to the event', async () => {
    const shops = {
      none: await shopWith(),
      both: await shopWith({ events: ['order.created', 'order.paid'] }),
      paidOnly: await shopWith({ events: ['order.paid'] }),
      disabled: await shopWith({ events: ['order.created', 'order.paid'], enabled: false }),
    };
    for (const shop of Object.values(shops)) await placeAndPay(shop);

    const jobs = async (shop: ApiShop) => [
      await jobCount(db, 'order.created>webhooks', shop.tenant.id),
      await jobCount(db, 'order.paid>webhooks', shop.tenant.id),
    ];
    expect(await jobs(shops.none)).toEqual([0, 0]);
    expect(await jobs(shops.both)).toEqual([1, 1]);
    expect(await jobs(shops.paidOnly)).toEqual([0, 1]);
    expect(await jobs(shops.disabled)).toEqual([0, 0]);
    // The other subscribers of both events are not affected.
    for (const shop of Object.values(shops)) {
      expect(await jobCount(db, 'order.created>discord-notify', shop.tenant.id)).toBe(1);
      expect(await jobCount(db, 'order.paid>discord-notify', shop.tenant.id)).toBe(1);
    }
  });

  it('likewise for order.shipped, order.delivered and order.deleted (ship, deliver over REST, then delete)', async () => {
    const shops = {
      none: await shopWith(),
      all: await shopWith({ events: ['order.shipped', 'order.delivered', 'order.deleted'] }),
      paidOnly: await shopWith({ events: ['order.paid'] }),
      shippedOnly: await shopWith({ events: ['order.shipped'] }),
      disabled: await shopWith({ events: ['order.shipped', 'order.delivered', 'order.deleted'], enabled: false }),
    };
    for (const shop of Object.values(shops)) {
      const order = await factories(db).order({ tenantId: shop.tenant.id, customerId: shop.customer.id, status: 'PAID' });
      const patch = (body: object) => request(t.app).patch(`/api/v1/orders/${order.id}`).set(shop.auth).send(body).expect(200);
      await patch({ shippingStatus: 'SHIPPED', trackingNumber: '1Z999AA10123456784', shippingCarrier: 'UPS' });
      await patch({ shippingStatus: 'DELIVERED' });
      await t.services.orderAdmin.delete(adminCtx(shop.tenant.id), order.id);
    }

    const jobs = async (shop: ApiShop) =>
      Promise.all(['order.shipped', 'order.delivered', 'order.deleted'].map((e) => jobCount(db, `${e}>webhooks`, shop.tenant.id)));
    expect(await jobs(shops.none)).toEqual([0, 0, 0]);
    expect(await jobs(shops.all)).toEqual([1, 1, 1]);
    expect(await jobs(shops.paidOnly)).toEqual([0, 0, 0]);
    expect(await jobs(shops.shippedOnly)).toEqual([1, 0, 0]);
    expect(await jobs(shops.disabled)).toEqual([0, 0, 0]);
    // The customer's shipping notices are still enqueued for every shop.
    for (const shop of Object.values(shops)) {
      expect(await jobCount(db, 'order.shipped>discord-notify', shop.tenant.id)).toBe(1);
      expect(await jobCount(db, 'order.delivered>discord-notify', shop.tenant.id)).toBe(1);
    }
  });
});
