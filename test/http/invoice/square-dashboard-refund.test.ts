// A refund the seller makes in Square's own dashboard, outside Ledgerline, reaches us as Square's refund.created
// (PENDING) and refund.updated (COMPLETED) notifications, signed as Square signs them and posted to our real
// endpoint by the fake. Once completed it is recorded as a refund of the order, and a later Full refund from
// /refund (a signed Discord interaction) asks Square for what is left only: asking for the whole payment again
// is refused by Square (the amount exceeds what is left), which told the admins to return it by hand.
import { describe, expect, it } from 'vitest';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { commandInteraction, interact, member, textOf, type Harness } from '../../discord/harness.js';
import { paidSquareOrder, squareDashboardRefund, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const { env, discordApi } = useProvidersApp();

const paidOrder = () => paidSquareOrder(env);
const dashboardRefund = (paymentId: string, amount: number) => squareDashboardRefund(env, paymentId, amount);

describe("a refund made in Square's dashboard, outside Ledgerline", () => {
  it('is recorded once completed (PARTIALLY_REFUNDED); a Full refund from /refund then asks Square for the rest only', async () => {
    const { tenant, guild, order, paymentId } = await paidOrder();
    const squareRefundId = await dashboardRefund(paymentId, 1000);

    expect(await db.refund.findMany({ where: { orderId: order.id } })).toEqual([
      expect.objectContaining({ mode: 'PARTIAL_AMOUNT', amountCents: 1000, externalRefundId: squareRefundId }),
    ]);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedTotalCents: 1000,
    });
    const notice = await waitFor('the admin notice', async () =>
      discordApi()
        .find('POST', new RegExp(`/channels/${tenant.adminChannelId}/messages$`))
        .map((c) => (c.body as { embeds?: { title?: string }[] }).embeds?.[0]?.title ?? '')
        .find((t) => t.includes("Square's dashboard")),
    );
    expect(notice).toContain("refunded in Square's dashboard: recorded");

    const asAdmin = { guildId: guild.id, user: member({ roles: [tenant.adminRoleIds[0]!] }) };
    const reply = await interact({ t: env.t } as Harness, commandInteraction(asAdmin, 'refund', { order: order.id }));
    expect(textOf(reply)).toContain('Refund of $32.50 recorded');
    const outcome = await waitFor('the refund job outcome', () =>
      db.auditLog.findFirst({ where: { entityId: order.id, action: { in: ['payment.refund_sent', 'payment.refund_failed'] } } }),
    );
    expect(outcome).toMatchObject({ action: 'payment.refund_sent', after: { amountCents: 3250 } });
    const atSquare = [...env.square.refunds.values()].filter((r) => r.json.payment_id === paymentId);
    expect(atSquare.map((r) => r.json.amount_money.amount).sort()).toEqual([1000, 3250]);
    await waitFor('our refund completed at Square', async () => atSquare.every((r) => r.json.status === 'COMPLETED'));
    await env.square.idle();
    // Our own refund's notifications are not a second dashboard refund.
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(2);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 4250 });
    expect(await db.auditLog.count({ where: { entityId: order.id, action: 'payment.refund_failed' } })).toBe(0);
  });

  it('whose notifications never arrive is read from Square (GetPayment refund_ids, GetPaymentRefund) before /refund computes the refund', async () => {
    const { tenant, guild, order, paymentId } = await paidOrder();
    // refund.created, payment.updated and refund.updated: all lost.
    env.square.outbox.dropNext(3);
    const squareRefundId = await dashboardRefund(paymentId, 1000);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('PAID');

    const asAdmin = { guildId: guild.id, user: member({ roles: [tenant.adminRoleIds[0]!] }) };
    // Learned as /refund is computed, after the admin sent it: a refund recorded meanwhile, which they could not have
    // known of, so the command is refused and says it (refunds/refunded-meanwhile.ts); nothing is sent to Square.
    const told = await interact({ t: env.t } as Harness, commandInteraction(asAdmin, 'refund', { order: order.id }));
    expect(textOf(told)).toContain(`Order #${order.number} was refunded meanwhile: $10.00 at the payment provider (learned `);
    expect(await db.refund.findFirst({ where: { orderId: order.id, externalRefundId: squareRefundId } })).toMatchObject({
      mode: 'PARTIAL_AMOUNT',
      amountCents: 1000,
    });
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(1);
    // Sent again, now that the order shows it: the rest.
    const reply = await interact({ t: env.t } as Harness, commandInteraction(asAdmin, 'refund', { order: order.id }));
    expect(textOf(reply)).toContain('Refund of $32.50 recorded');
    const outcome = await waitFor('the refund job outcome', () =>
      db.auditLog.findFirst({ where: { entityId: order.id, action: { in: ['payment.refund_sent', 'payment.refund_failed'] } } }),
    );
    expect(outcome).toMatchObject({ action: 'payment.refund_sent', after: { amountCents: 3250 } });
    await waitFor('our refund completed at Square', async () =>
      [...env.square.refunds.values()].filter((r) => r.json.payment_id === paymentId).every((r) => r.json.status === 'COMPLETED'),
    );
    await env.square.idle();
    expect(await db.refund.count({ where: { orderId: order.id } })).toBe(2);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'REFUNDED', refundedTotalCents: 4250 });
  });
});
