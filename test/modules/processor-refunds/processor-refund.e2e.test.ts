// End to end through the real app and the fake PayPal over HTTP: the customer pays on the invoice page
// (our checkout, PayPal's approval page, back to our return URL where we capture), an admin refunds through
// the REST API, and the composition root's worker sends the money back to the shop's PayPal.
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { testDatabaseUrl } from '../../helpers/db.js';
import { apiTenant, pendingOrder } from '../../http/api/api-fixtures.js';
import { connectPayPal, startPayPalApp, type PayPalApp } from '../../http/invoice/invoice-fixtures.js';
import { refundJobs } from './processor-refund.fixture.js';
import { waitFor } from '../../helpers/wait-for.js';

let env: PayPalApp;
let worker: WorkerHandle;
// The container's Discord notification jobs run on the same worker: keep them off the network.
const discord = await new FakeDiscordApi().start();

beforeAll(async () => {
  env = await startPayPalApp({ env: { DISCORD_API_BASE_URL: discord.apiBase } });
  worker = await startWorker({
    connectionString: testDatabaseUrl(),
    bus: env.t.services.bus,
    logger: env.t.services.logger,
    concurrency: 2,
    pollIntervalMs: 50,
  });
});
afterAll(async () => {
  await worker?.stop();
  await env.close();
  await discord.stop();
});

it('invoice checkout paid through PayPal, partial refund over the REST API: PayPal gets the money back once', async () => {
  const { t, paypal } = env;
  const shop = await apiTenant(t);
  await connectPayPal(env, shop.tenant.id);
  const order = await pendingOrder(shop);
  const link = await t.services.invoices.createLink({ tenantId: shop.tenant.id, actor: systemActor }, order.id);
  const toPayPal = await request(t.app)
    .post(`${new URL(link.url).pathname}/pay`)
    .type('form')
    .send({ method: 'PAYPAL' })
    .expect(303);
  const paypalOrderId = new URL(String(toPayPal.headers.location)).searchParams.get('token')!;
  // The buyer presses "Pay Now" on PayPal's page and is sent back to our return URL.
  const approved = await fetch(`${paypal.url}/checkoutnow/approve`, {
    method: 'POST',
    body: new URLSearchParams({ token: paypalOrderId, funding: 'balance' }),
    redirect: 'manual',
  });
  expect(approved.status).toBe(302);
  const back = new URL(String(approved.headers.get('location')));
  const landed = await request(t.app).get(`${back.pathname}${back.search}`).expect(303);
  expect(landed.headers.location).toMatch(/\?checkout=paid$/);
  const captureId = [...paypal.captures.values()].find((c) => c.orderId === paypalOrderId)!.id;

  const res = await request(t.app)
    .post(`/api/orders/${order.id}/refunds`)
    .set(shop.auth)
    .set('Idempotency-Key', 'e2e-refund-1')
    .send({ amountCents: 1800, reason: 'Damaged' })
    .expect(201);
  expect(res.body).toMatchObject({
    refund: { amountCents: 1800, reason: 'Damaged' },
    order: { status: 'PARTIALLY_REFUNDED' },
    moneyReturn: 'processor',
  });
  const refundId = res.body.refund.id as string;
  // The client retries the same call: same refund, nothing new queued.
  await request(t.app)
    .post(`/api/orders/${order.id}/refunds`)
    .set(shop.auth)
    .set('Idempotency-Key', 'e2e-refund-1')
    .send({ amountCents: 1800, reason: 'Damaged' })
    .expect(201);

  await waitFor(
    'the PayPal refund',
    async () => (await refundJobs(t.services.db, refundId)).length === 0 && paypal.refundedCents(captureId) > 0,
  );
  expect(paypal.refundRequests(captureId).map((r) => [r.body, r.requestId])).toEqual([
    [{ amount: { currency_code: 'USD', value: '18.00' }, custom_id: refundId, note_to_payer: 'Damaged' }, refundId],
  ]);
  const audit = await t.services.audit.listFor(shop.tenant.id, 'Order', order.id);
  expect(audit.find((e) => e.action === 'payment.refund_sent')!.after).toMatchObject({
    refundId,
    amountCents: 1800,
    providerStatus: 'COMPLETED',
  });
});

it('a manually approved order refunded over the REST API is reported as manual', async () => {
  const { t } = env;
  const shop = await apiTenant(t);
  const order = await pendingOrder(shop, { status: 'PAID', paymentStatus: 'paid', paidAt: new Date() });
  const res = await request(t.app).post(`/api/orders/${order.id}/refunds`).set(shop.auth).send({}).expect(201);
  expect(res.body.moneyReturn).toBe('manual');
  expect(await refundJobs(t.services.db, res.body.refund.id)).toEqual([]);
});
