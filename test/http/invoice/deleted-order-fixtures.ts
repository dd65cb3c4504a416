// What the deleted-order money tests share: the admin cancelling and deleting an order in the panel, as a shop
// admin does, a Cash App Pay charge that raced the delete (refunded as late money), and the shop's admin-channel
// messages as text.
import { expect } from 'vitest';
import type { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { loggedIn } from '../../admin/admin-helpers.js';
import { chargeAtSquare, openSquareCheckout, type ProvidersApp } from './square-btcpay-fixtures.js';

/** The admin cancels the order in the panel (its checkout closed at the provider), then deletes it. */
export async function cancelAndDeleteInPanel(env: ProvidersApp, tenantId: string, orderId: string): Promise<void> {
  const db = testDb();
  const admin = await loggedIn(env.base, (await factories().adminUser({ tenantId })).email);
  await admin.agent.get(`/admin/api/resources/Order/records/${orderId}/cancelOrder`).set(admin.headers());
  await waitFor(
    'the checkout closed',
    async () => (await db.paymentCheckout.count({ where: { orderId, state: { in: ['CREATING', 'OPEN'] } } })) === 0,
  );
  // No wait for the cancellation's notices: a customer DM that runs after the delete ends without a message
  // (test/discord/deleted-order-dms.test.ts), where it once failed and was retried (CI on Node 24, 2026-12-05).
  const deleted = await admin.agent.post(`/admin/api/resources/Order/records/${orderId}/delete`).set(admin.headers());
  expect(deleted.body.notice.message).toMatch(/was deleted/);
  expect(await db.order.count({ where: { id: orderId } })).toBe(0);
}

/**
 * A Cash App Pay checkout whose order the admin cancelled and deleted in the panel, then charged anyway (it raced the
 * close): its kept row once the money was refunded through Square (REFUND_SENT), and Square's refund id.
 */
export async function chargedAfterDelete(env: ProvidersApp) {
  const db = testDb();
  const { tenant, order, checkoutId } = await openSquareCheckout(env);
  await cancelAndDeleteInPanel(env, tenant.id, order.id);
  await chargeAtSquare(env, tenant.id, { idempotencyKey: checkoutId, orderId: order.id, note: 'raced the delete' });
  await env.square.idle();
  const kept = await waitFor('the refund sent', async () => {
    const row = await db.deletedOrderCheckout.findUniqueOrThrow({ where: { id: checkoutId } });
    return row.lateMoneyAction === 'REFUND_SENT' ? row : undefined;
  });
  const refund = [...env.square.refunds.values()].find((r) => r.json.payment_id === kept.paymentReference)!;
  return { tenant, order, checkoutId, kept, refundId: String(refund.json.id) };
}

/** The shop's admin-channel messages (title, description and fields), as text. */
export const adminChannelTexts = (discordApi: FakeDiscordApi, channelId: string): string[] =>
  discordApi
    .find('POST', new RegExp(`/channels/${channelId}/messages$`))
    .map((c) => (c.body as { embeds?: { title?: string; description?: string; fields?: { value: string }[] }[] }).embeds?.[0])
    .map((e) => [e?.title ?? '', e?.description ?? '', ...(e?.fields ?? []).map((x) => x.value)].join('\n'));
