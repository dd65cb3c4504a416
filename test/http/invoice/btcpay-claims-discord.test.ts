// What an admin sees of an order in Discord (the /refund reply, a signed interaction through the real endpoint)
// names where the order's earlier refunds sent as BTCPay claims stand, as the panel's order page and the admin
// channel do: claimed and waiting for the shop's approval, then paid. Against the fake BTCPay over real HTTP
// (its payout webhooks signed and posted to our endpoint).
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { commandInteraction, interact, member, textOf, type Harness } from '../../discord/harness.js';
import { paidBtcPayOrder, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const { env } = useProvidersApp();

/** The latest claim state recorded for the order's refunds. */
const claimStates = async (orderId: string) =>
  (await db.auditLog.findMany({ where: { entityId: orderId, action: 'payment.refund_claim' }, orderBy: { createdAt: 'asc' } })).map(
    (e) => (e.after as { state: string }).state,
  );

describe("the /refund reply shows the order's BTCPay refund claims", () => {
  it('a claim waiting for the shop approval, then paid, is named with BTCPay payouts page', async () => {
    const { tenant, order, storeId } = await paidBtcPayOrder(env);
    await env.t.services.refunds.refund(adminCtx(tenant.id), order.id, { amountCents: 1500, reason: 'Late' });
    const sent = await waitFor('the refund sent as a claim', () =>
      db.auditLog.findFirst({ where: { entityId: order.id, action: 'payment.refund_sent' } }),
    );
    const pullPaymentId = (sent.after as { providerRefundId: string }).providerRefundId;
    const payouts = `${env.btcpay.url}/stores/${storeId}/pull-payments/${pullPaymentId}/payouts`;
    // The customer claims it on BTCPay's claim page: the payout waits for the shop's approval.
    const claim = await fetch(`${env.btcpay.url}/pull-payments/${pullPaymentId}/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'destination=bc1qcustomeraddress0000000000000000000000',
      redirect: 'manual',
    });
    expect(claim.status).toBe(303);
    await env.btcpay.idle();
    await waitFor('the claim recorded as awaiting approval', async () => (await claimStates(order.id)).includes('AwaitingApproval'));

    const asAdmin = { guildId: order.guildId!, user: member({ roles: [tenant.adminRoleIds[0]!] }) };
    const reply = await interact({ t: env.t } as Harness, commandInteraction(asAdmin, 'refund', { order: order.id, amount: 500 }));
    const fields = reply?.data?.embeds?.[0]?.fields ?? [];
    expect(fields).toEqual([
      { name: 'BTCPay refund claim', value: `$15.00: **claimed, waiting for your approval** in BTCPay · <${payouts}>` },
    ]);
    expect(textOf(reply)).toContain('Refund of $5.00 recorded');

    // The shop approves and pays it in BTCPay: the next reply says the customer has the money.
    const payout = env.btcpay.pullPayments.get(pullPaymentId)!.payouts[0]!;
    env.btcpay.approvePayout(payout.id);
    await env.btcpay.idle();
    env.btcpay.payPayout(payout.id);
    await env.btcpay.idle();
    await waitFor('the claim recorded as paid', async () => (await claimStates(order.id)).includes('Completed'));
    const again = await interact({ t: env.t } as Harness, commandInteraction(asAdmin, 'refund', { order: order.id, amount: 100 }));
    expect(textOf(again)).toContain('$15.00: paid: the customer has the money');
  });
});
