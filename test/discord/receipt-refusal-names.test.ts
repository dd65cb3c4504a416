// A receipt refused because money was recorded meanwhile names who recorded it. A Discord admin was named by a mention
// (`<@id>`) on every surface: Discord shows it as the member's name, but the panel's notice and the REST API's error
// showed it raw. Each surface now names them its own way: Discord a mention, the panel and the API "a Discord admin"
// with the name they acted under in Discord (audit/actor-names.ts).
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { loggedIn } from '../admin/admin-helpers.js';
import { partPaidZelleOrder } from './part-paid-order.js';
import { commandInteraction, interact, textOf, useHarness, useHarnessServer } from './harness.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });
const server = useHarnessServer(h);

const DISCORD_EPOCH_MS = 1_420_070_400_000n;
const NOT_RECORDED = 'This was not recorded, so nothing counts twice.';

describe('who recorded money meanwhile, as each surface names a Discord admin', () => {
  it('the panel and the REST API name them in words, Discord by a mention', async () => {
    // $20.00 of the $55.00 recorded by a Discord admin (/payment-confirm amount:2000).
    const { s, order, admins } = await partPaidZelleOrder(h, 2);
    const [a, b] = admins as [(typeof admins)[number], (typeof admins)[number]];
    const headline = (who: string) =>
      `Order #${order.number} now has $35.00 still owed ($20.00 received): ${who} recorded $20.00 meanwhile.`;

    // The panel, from a page opened before the $20.00 (it showed nothing received).
    const panel = await loggedIn(server.baseUrl, (await f.adminUser({ tenantId: s.tenant.id })).email);
    const inPanel = await panel.agent
      .post(`/admin/api/resources/Order/records/${order.id}/recordReceipt`)
      .set(panel.headers())
      .send({ amount: '20.00', note: 'Zelle 1', receivedShown: '0' });
    expect(inPanel.body.notice.type).toBe('error');
    expect(inPanel.body.notice.message).toBe(
      `${headline(`a Discord admin (${a.user.username})`)} ${NOT_RECORDED} Check the order, then record again if this is another payment.`,
    );

    // The REST API: by the name they acted under in Discord (kept with their action), before the name the shop knows
    // them by as a customer (they ordered from it too).
    await f.customer({ tenantId: s.tenant.id, discordUserId: a.user.id, username: 'dana_k', displayName: 'Dana' });
    const { key } = await h.t.services.apiKeys.create(adminCtx(s.tenant.id), 'till', 'READ_WRITE');
    const inApi = await request(h.t.app)
      .post(`/api/orders/${order.id}/payment/receipts`)
      .set({ authorization: `Bearer ${key}` })
      .send({ amountCents: 2000, expectedAmountReceivedCents: 0 })
      .expect(409);
    expect(inApi.body.error.message).toContain(headline(`a Discord admin (${a.user.username})`));
    expect(inApi.body.error.message).not.toContain('<@');

    // Discord, where the refusal is read by another admin: a mention, which Discord shows as the member's name.
    // The command was sent a second before the $20.00 was recorded (its id: a snowflake stamped then).
    const recordedAt = (await db.paymentReceipt.findFirstOrThrow({ where: { orderId: order.id } })).createdAt.getTime();
    const inDiscord = await interact(h, {
      ...commandInteraction(b, 'payment-confirm', { orderid: String(order.number), amount: 2000 }),
      id: ((BigInt(recordedAt - 1000) - DISCORD_EPOCH_MS) << 22n).toString(),
    });
    expect(textOf(inDiscord)).toContain(headline(`<@${a.user.id}>`));
    expect(await db.paymentReceipt.count({ where: { orderId: order.id } })).toBe(1);
  });
});
