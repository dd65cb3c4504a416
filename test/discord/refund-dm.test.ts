// The refund DM tells the state its own refund left, even when it is sent after later refunds (a worker
// backlog, a Discord outage): two partial refunds and the rest are made through /refund while no worker
// runs; then the worker starts and sends the three DMs. Before, all three said "Refunded so far: $55.00 of
// $55.00. The order is now fully refunded." (the order as it was when the job ran).
import { afterAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { factories } from '../helpers/factories.js';
import { testDatabaseUrl } from '../helpers/db.js';
import { waitFor } from '../helpers/wait-for.js';
import { paidShopOrder } from './flows.js';
import { commandInteraction, interact, textOf, useHarness } from './harness.js';

const f = factories();
const h = useHarness({ worker: false });
let worker: WorkerHandle | undefined;

afterAll(async () => {
  await worker?.stop();
});

describe('refund DMs sent late', () => {
  it('each says what was refunded up to it, and only the last one says the order is fully refunded', async () => {
    const { order, p2, asAdmin, customer } = await paidShopOrder(f);
    const customerDiscordId = customer.discordUserId;
    expect(textOf(await interact(h, commandInteraction(asAdmin, 'refund', { order: order.id, amount: 500 })))).toContain(
      'Refund of $5.00 recorded',
    );
    expect(textOf(await interact(h, commandInteraction(asAdmin, 'refund', { order: order.id, items: `${p2.id}:1` })))).toContain(
      'Refund of $5.00 recorded',
    );
    expect(textOf(await interact(h, commandInteraction(asAdmin, 'refund', { order: order.id })))).toContain('Refund of $45.00 recorded');

    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: h.t.services.bus,
      logger: h.t.services.logger,
      concurrency: 2,
      pollIntervalMs: 100,
    });
    const refundDms = () =>
      h.fake
        .directMessages()
        .filter((d) => d.userId === customerDiscordId)
        .map((d) => (d.body as { embeds?: { title?: string; description?: string }[] }).embeds?.[0])
        .filter((e) => e?.title?.includes('refund on order'))
        .map((e) => e!.description ?? '');
    const dms = await waitFor('the three refund DMs', async () => (refundDms().length === 3 ? refundDms() : undefined));
    const lines = dms
      .map((d) => [
        d.match(/The shop is sending \*\*([^*]+)\*\* back to you by Venmo\./)?.[1],
        d.match(/Refunded so far: ([^\n]+)/)?.[1],
        d.includes('fully refunded'),
      ])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(lines).toEqual([
      ['$5.00', '$10.00 of $55.00.', false],
      ['$5.00', '$5.00 of $55.00.', false],
      ['$45.00', '$55.00 of $55.00.', true],
    ]);
  });
});
