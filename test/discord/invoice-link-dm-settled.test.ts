// "Send invoice link by DM" queues a job; an order paid or cancelled (expired, the shop's cancel) before that job ran
// is no longer waiting for payment, and invoice links are only for orders that are (invoice.service createLink). The
// DM said "Your order is waiting for payment ... Press Pay now" all the same, with a link whose page then refused it.
import { describe, expect, it } from 'vitest';
import { factories } from '../helpers/factories.js';
import { testDb } from '../helpers/db.js';
import { afterFirstRun } from '../helpers/job-queue.js';
import { useHarness } from './harness.js';
import { EVENTS } from '../../src/modules/shared/events.js';
import { withTransaction } from '../../src/platform/db/prisma.js';

const f = factories();
const db = testDb();
const h = useHarness({ worker: true });
const TASK = `${EVENTS.invoiceLinkSent}>discord-notify`;

async function linkSentThen(status: 'PENDING_PAYMENT' | 'PAID' | 'CANCELLED') {
  const s = await f.shop();
  const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, guildId: s.guild.id, status: 'PENDING_PAYMENT' });
  // The admin pressed "Send invoice link by DM" while the order waited; by the time its job runs, it is `status`.
  await db.order.update({ where: { id: order.id }, data: { status } });
  const payload = { tenantId: s.tenant.id, orderId: order.id, url: `https://shop.example/invoice/${order.id}`, sendId: `send_${order.id}` };
  await withTransaction(db, (tx) => h.t.services.bus.emit(tx, EVENTS.invoiceLinkSent, payload));
  expect(await afterFirstRun(db, [TASK])).toEqual([]);
  return h.fake.directMessages().filter((m) => m.userId === s.customer.discordUserId);
}

describe('the invoice link DM of an order no longer waiting for payment', () => {
  it.each(['PAID', 'CANCELLED'] as const)('is not sent when the order is %s by the time its job runs', async (status) => {
    // Before: one DM, "waiting for payment" with the Pay now link.
    expect(await linkSentThen(status)).toEqual([]);
  });

  it('is sent while the order still waits for payment', async () => {
    const dms = await linkSentThen('PENDING_PAYMENT');
    expect(dms).toHaveLength(1);
    expect(JSON.stringify(dms[0]!.body)).toContain('waiting for payment');
  });
});
