// A customer's DM whose order was deleted before its job ran (an admin cancels, then deletes at once; a worker
// backlog): the job ends without a message instead of failing on the missing order and being retried until the
// queue gives up, busy all that time. A refund claim link is the exception: it pays the customer, so it still
// goes to them, as long as the customer is still there.
import { describe, expect, it } from 'vitest';
import { adminCtx } from '../helpers/actors.js';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { afterFirstRun as afterFirstRunOf } from '../helpers/job-queue.js';
import { waitFor } from '../helpers/wait-for.js';
import { useHarness } from './harness.js';
import { paidShopOrder } from './flows.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { withTransaction } from '../../src/platform/db/prisma.js';
import { DIGITAL_EVENTS } from '../../src/modules/entitlements/digital-goods.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });

const afterFirstRun = (tasks: readonly string[]) => afterFirstRunOf(db, tasks);

/** A shop's paid order (flows.ts), deleted. */
async function deletedPaidOrder() {
  const { order, ...s } = await paidShopOrder(f);
  await db.order.delete({ where: { id: order.id } });
  return { s, order };
}

describe('customer DMs about an order deleted before they ran', () => {
  it('end without a message and without a retry, each of them', async () => {
    const { s, order } = await deletedPaidOrder();
    const tenantId = s.tenant.id;
    const orderId = order.id;
    const emitted = [
      [EVENTS.orderCreated, { tenantId, orderId }],
      [EVENTS.orderPaid, { tenantId, orderId, paymentId: order.payment.id }],
      [EVENTS.orderCancelled, { tenantId, orderId, reason: 'admin_cancelled' }],
      [EVENTS.orderRefunded, { tenantId, orderId, refundId: 'ref_gone', amountCents: 500, productIds: [] }],
      [EVENTS.orderShipped, { tenantId, orderId, trackingNumber: '1Z999AA10123456784', carrier: 'ups' }],
      [EVENTS.orderDelivered, { tenantId, orderId }],
      [EVENTS.orderItemsChanged, { tenantId, orderId, changeId: 'chg_gone', totalBeforeCents: 2000, totalAfterCents: 1500 }],
      [EVENTS.invoiceLinkSent, { tenantId, orderId, url: 'https://shop.example/invoice/gone', sendId: 'send_gone' }],
      [EVENTS.paymentReceiptRecorded, { tenantId, orderId, receiptId: 'rcp_gone', outcome: 'partial' }],
      [DIGITAL_EVENTS.delivered, { tenantId, orderId }],
      [EVENTS.paymentReminder, { tenantId, orderId, dueAt: new Date(Date.now() + 3600_000).toISOString() }],
      // Queued before the claim carried its customer: only the order could say who it goes to.
      [
        EVENTS.refundClaimLink,
        { tenantId, orderId, refundId: 'ref_old', amountCents: 500, currency: 'USD', claimUrl: 'https://btcpay.example/claim/old' },
      ],
    ] as const;
    await withTransaction(db, async (tx) => {
      for (const [event, payload] of emitted) await h.t.services.bus.emit(tx, event, payload);
    });
    const tasks = [...emitted.map(([event]) => `${event}>discord-notify`), `${EVENTS.orderCreated}>discord-admin-embed`];

    // Before: each failed on "Order … was not found" and waited for its next attempt.
    expect(await afterFirstRun(tasks)).toEqual([]);
    expect(h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId)).toEqual([]);
    expect(h.fake.find('POST', new RegExp(`/channels/${s.tenant.adminChannelId}/messages$`))).toEqual([]);
  });

  it('a cancellation still reaches the customer when the order was deleted through the delete command', async () => {
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id, status: 'CANCELLED' });
    await h.t.services.orderAdmin.delete(adminCtx(s.tenant.id), order.id);
    // Queued before the delete (an admin who cancels, then deletes at once).
    const cancelled = { tenantId: s.tenant.id, orderId: order.id, reason: 'admin_cancelled' as const, note: 'Out of stock' };
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.orderCancelled, cancelled));

    expect(await afterFirstRun([`${EVENTS.orderCancelled}>discord-notify`])).toEqual([]);
    const dms = h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId);
    // Before: none (the order was gone, so nothing was said).
    expect(dms).toHaveLength(1);
    expect(JSON.stringify(dms[0]!.body)).toContain(`order #${order.number} cancelled`);
    expect(JSON.stringify(dms[0]!.body)).toContain('Out of stock');
  });

  it('a refund claim link still reaches the customer: the claim is their money', async () => {
    const { s, order } = await deletedPaidOrder();
    const claim = {
      tenantId: s.tenant.id,
      orderId: order.id,
      refundId: 'ref_claim_after_delete',
      amountCents: 1250,
      currency: 'USD',
      claimUrl: 'https://btcpay.example/pull-payments/pp_1',
      customerId: s.customer.id,
      orderNumber: order.number,
    };
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.refundClaimLink, claim));

    const dm = await waitFor('the claim DM', () =>
      h.fake.directMessages().find((m) => m.userId === s.customer.discordUserId && JSON.stringify(m.body).includes('pp_1')),
    );
    expect(JSON.stringify(dm.body)).toContain(`claim your refund for order #${order.number}`);
    expect(JSON.stringify(dm.body)).toContain('$12.50');
    expect(await afterFirstRun([`${EVENTS.refundClaimLink}>discord-notify`])).toEqual([]);
  });

  it('a refund claim link for a customer deleted too ends without a message', async () => {
    const { s, order } = await deletedPaidOrder();
    await db.customer.delete({ where: { id: s.customer.id } });
    const claim = {
      tenantId: s.tenant.id,
      orderId: order.id,
      refundId: 'ref_claim_nobody',
      amountCents: 1250,
      currency: 'USD',
      claimUrl: 'https://btcpay.example/pull-payments/pp_2',
      customerId: s.customer.id,
      orderNumber: order.number,
    };
    await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.refundClaimLink, claim));

    expect(await afterFirstRun([`${EVENTS.refundClaimLink}>discord-notify`])).toEqual([]);
    expect(h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId)).toEqual([]);
  });
});
