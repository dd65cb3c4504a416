// A BTCPay refund is a pull payment the customer must claim, and our Custom refunds in the invoice's fiat are
// never auto-approved by BTCPay (GreenfieldInvoiceController.RefundInvoice): each claim waits for the shop's
// approval, then its payment. Against the fake BTCPay over real HTTP (its PayoutCreated / PayoutApproved /
// PayoutUpdated webhooks signed and posted to our endpoint): the admins are told the refund waits for the
// customer, then for their approval (with BTCPay's payouts page), then that it was paid; the order page shows
// where it stands at each step.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../../helpers/actors.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { pendingJobs } from '../../helpers/job-queue.js';
import { loggedIn } from '../../admin/admin-helpers.js';
import { paidBtcPayOrder, useProvidersApp } from './square-btcpay-fixtures.js';

const db = testDb();
const f = factories();
const { env, discordApi } = useProvidersApp();

const adminTitles = (channelId: string) =>
  discordApi()
    .find('POST', new RegExp(`/channels/${channelId}/messages$`))
    .map((c) => (c.body as { embeds?: { title?: string; description?: string }[] }).embeds?.[0])
    .map((e) => ({ title: e?.title ?? '', description: e?.description ?? '' }));

describe('a refund sent as a BTCPay claim is followed until the customer has the money', () => {
  it('waits for the claim, then for the shop approval, then is paid: the admins are told each step and the order page shows it', async () => {
    const { tenant, order, storeId } = await paidBtcPayOrder(env);
    const owner = await loggedIn(env.base, (await f.adminUser({ tenantId: tenant.id })).email);
    const banners = async () => {
      const res = await owner.agent.get(`/admin/api/resources/Order/records/${order.id}/show`).set(owner.headers()).expect(200);
      return (JSON.parse(res.body.record.params.detailJson) as { flaggedPayments: { kind: string; title: string; text: string }[] })
        .flaggedPayments;
    };

    const { refund } = await env.t.services.refunds.refund(adminCtx(tenant.id), order.id, { amountCents: 1500, reason: 'Late' });
    const sent = await waitFor('the refund sent as a claim', () =>
      db.auditLog.findFirst({ where: { entityId: order.id, action: 'payment.refund_sent' } }),
    );
    const pullPaymentId = (sent.after as { providerRefundId: string }).providerRefundId;
    const payouts = `${env.btcpay.url}/stores/${storeId}/pull-payments/${pullPaymentId}/payouts`;
    expect(sent.after).toMatchObject({ refundId: refund.id, refundState: 'CLAIM_SENT', awaitsApproval: true, adminUrl: payouts });

    const waiting = await waitFor('the "waits for the customer" notice', async () =>
      adminTitles(tenant.adminChannelId!).find((m) => m.title.includes('waits for the customer')),
    );
    expect(waiting.description).toContain('your approval');
    expect(waiting.description).toContain(payouts);
    expect(await banners()).toEqual([
      expect.objectContaining({ kind: 'REFUND_CLAIM_Unclaimed', title: 'Refund of $15.00 not claimed yet' }),
    ]);

    // The customer claims it on BTCPay's claim page: the payout waits for the shop's approval.
    const claim = await fetch(`${env.btcpay.url}/pull-payments/${pullPaymentId}/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'destination=bc1qcustomeraddress0000000000000000000000',
      redirect: 'manual',
    });
    expect(claim.status).toBe(303);
    await env.btcpay.idle();
    const payout = env.btcpay.pullPayments.get(pullPaymentId)!.payouts[0]!;
    expect(payout.state).toBe('AwaitingApproval');
    const approve = await waitFor('the "approve it" alert', async () =>
      adminTitles(tenant.adminChannelId!).find((m) => m.title.startsWith('Approve the BTCPay refund')),
    );
    expect(approve.description).toContain(payouts);
    expect((await banners()).map((b) => b.kind)).toEqual(['REFUND_CLAIM_AwaitingApproval']);
    expect((await banners())[0]!.text).toContain(payouts);

    // The shop approves it in BTCPay, which pays it: the admins hear it reached the customer.
    env.btcpay.approvePayout(payout.id);
    await env.btcpay.idle();
    env.btcpay.payPayout(payout.id);
    await env.btcpay.idle();
    await waitFor('the "paid out" notice', async () => adminTitles(tenant.adminChannelId!).find((m) => m.title.includes('paid out')));
    expect((await banners()).map((b) => b.kind)).toEqual(['REFUND_CLAIM_Completed']);
    const states = (
      await db.auditLog.findMany({ where: { entityId: order.id, action: 'payment.refund_claim' }, orderBy: { createdAt: 'asc' } })
    ).map((e) => (e.after as { state: string }).state);
    // Each delivery is a hint: the payout is read back, so both PayoutUpdated (InProgress, Completed) read Completed.
    expect(states).toEqual(['AwaitingApproval', 'AwaitingPayment', 'Completed']);

    // A redelivered payout webhook changes nothing.
    const created = env.btcpay.outbox.deliveries.filter((d) => d.body.includes('"PayoutCreated"')).at(-1)!;
    await env.btcpay.redeliver(JSON.parse(created.body).deliveryId as string);
    await env.btcpay.idle();
    expect(env.btcpay.outbox.deliveries.at(-1)!.status).toBe(200);
    expect(await db.auditLog.count({ where: { entityId: order.id, action: 'payment.refund_claim' } })).toBe(3);
  });

  it('a claim the shop cancels in BTCPay: the admins are told the customer has not received the money', async () => {
    const { tenant, order } = await paidBtcPayOrder(env);
    await env.t.services.refunds.refund(adminCtx(tenant.id), order.id, { reason: 'Cancelled order' });
    const sent = await waitFor('the refund sent as a claim', () =>
      db.auditLog.findFirst({ where: { entityId: order.id, action: 'payment.refund_sent' } }),
    );
    const pullPaymentId = (sent.after as { providerRefundId: string }).providerRefundId;
    await fetch(`${env.btcpay.url}/pull-payments/${pullPaymentId}/claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'destination=bc1qcustomeraddress0000000000000000000000',
      redirect: 'manual',
    });
    await env.btcpay.idle();
    env.btcpay.cancelPayout(env.btcpay.pullPayments.get(pullPaymentId)!.payouts[0]!.id);
    await env.btcpay.idle();
    const cancelled = await waitFor('the "cancelled" alert', async () =>
      adminTitles(tenant.adminChannelId!).find((m) => m.title.includes('cancelled')),
    );
    expect(cancelled.description).toContain('have not received the money');
  });

  it(
    "a claim link whose order the shop deleted before it went out still reaches the customer: it is the customer's money",
    { timeout: 240_000 },
    async () => {
      const { tenant, order } = await paidBtcPayOrder(env);
      const customer = await db.customer.findUniqueOrThrow({ where: { id: order.customerId } });
      // The customer's DM channel (the receipt went there), then Discord fails on it for now: the claim link's job fails
      // once and waits for its retry.
      const channel = await waitFor('the receipt DM', () =>
        discordApi()
          .find('POST', /^\/channels\/\d+\/messages$/)
          .map((c) => c.path.split('/')[2]!)
          .find((id) => discordApi().dmRecipient(id) === customer.discordUserId),
      );
      discordApi().fail({ method: 'POST', path: new RegExp(`^/channels/${channel}/messages$`), status: 503, times: Infinity });
      await env.t.services.refunds.refund(adminCtx(tenant.id), order.id, { amountCents: 1500, reason: 'Late' });
      await waitFor('the claim link DM to fail once', async () =>
        (await pendingJobs(db, ['refund.claim_link>discord-notify'])).some((j) => j.attempts > 0 && !j.locked),
      );
      const owner = await loggedIn(env.base, (await f.adminUser({ tenantId: tenant.id })).email);
      const deleted = await owner.agent.post(`/admin/api/resources/Order/records/${order.id}/delete`).set(owner.headers());
      expect(deleted.body.notice.message).toMatch(/was deleted/);
      discordApi().reset(); // Discord answers again

      // The job's next attempt comes after graphile-worker's backoff (e^attempts s): on a busy machine the failing
      // attempts may have reached the third or fourth before Discord answered again, so the wait covers a 55 s backoff.
      const dm = await waitFor(
        'the claim link DM',
        () =>
          discordApi()
            .directMessages()
            .find((m) => JSON.stringify(m.body).includes('claim your refund')),
        { timeoutMs: 150_000 },
      );
      expect(dm.userId).toBe(customer.discordUserId);
      expect(JSON.stringify(dm.body)).toContain(`claim your refund for order #${order.number}`);
      expect(JSON.stringify(dm.body)).toContain('$15.00');
    },
  );
});
