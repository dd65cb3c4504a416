// End to end through the real app: the customer pays on the invoice page through the fake processor's
// checkout (its Pay button delivers the signed webhook to our listening server), an admin refunds through
// the REST API, and the composition root's worker sends the money back to the processor.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import type { FakePaymentProcessor } from '../../../src/dev/fake-payment-processor.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import type { TestApp } from '../../helpers/app.js';
import { testDatabaseUrl } from '../../helpers/db.js';
import { apiTenant, pendingOrder } from '../../http/api/api-fixtures.js';
import { startProcessorApp } from '../../http/invoice/invoice-fixtures.js';
import { refundJobs, waitFor } from './processor-refund.fixture.js';

let t: TestApp;
let processor: FakePaymentProcessor;
let server: Server;
let worker: WorkerHandle;
// The container's Discord notification jobs run on the same worker: keep them off the network.
const discord = await new FakeDiscordApi().start();

beforeAll(async () => {
  ({ t, processor } = await startProcessorApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } }));
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  processor.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/payments`;
  worker = await startWorker({ connectionString: testDatabaseUrl(), bus: t.services.bus, logger: t.services.logger, concurrency: 2, pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker?.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await processor.stop();
  await discord.stop();
  await t.services.close();
});

it('invoice checkout paid, partial refund over the REST API: the processor gets the money back once', async () => {
  const shop = await apiTenant(t);
  const order = await pendingOrder(shop);
  const link = await t.services.invoices.createLink({ tenantId: shop.tenant.id, actor: systemActor }, order.id);
  const toCheckout = await request(t.app).post(`${new URL(link.url).pathname}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
  const checkoutUrl = String(toCheckout.headers.location);
  const paid = await fetch(`${checkoutUrl}/pay`, { method: 'POST', redirect: 'manual' });
  expect(paid.status).toBe(303);
  const checkoutId = checkoutUrl.split('/').at(-1)!;

  const res = await request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).set('Idempotency-Key', 'e2e-refund-1').send({ amountCents: 1800, reason: 'Damaged' }).expect(201);
  expect(res.body).toMatchObject({ refund: { amountCents: 1800, reason: 'Damaged' }, order: { status: 'PARTIALLY_REFUNDED' }, moneyReturn: 'processor' });
  const refundId = res.body.refund.id as string;
  // The client retries the same call: same refund, nothing new queued.
  await request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).set('Idempotency-Key', 'e2e-refund-1').send({ amountCents: 1800, reason: 'Damaged' }).expect(201);

  await waitFor('the processor refund', async () => (await refundJobs(t.services.db, refundId)).length === 0 && processor.refundedCents(checkoutId) > 0);
  expect(processor.refundRequests.map((r) => r.body)).toEqual([{ checkout_id: checkoutId, amount_cents: 1800, currency: 'USD', reason: 'Damaged', idempotency_key: refundId }]);
  const audit = await t.services.audit.listFor(shop.tenant.id, 'Order', order.id);
  expect(audit.find((e) => e.action === 'payment.refund_sent')!.after).toMatchObject({ refundId, amountCents: 1800, processorStatus: 'succeeded' });
});

it('a manually approved order refunded over the REST API is reported as manual', async () => {
  const shop = await apiTenant(t);
  const order = await pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });
  const res = await request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).send({}).expect(201);
  expect(res.body.moneyReturn).toBe('manual');
  expect(await refundJobs(t.services.db, res.body.refund.id)).toEqual([]);
});
