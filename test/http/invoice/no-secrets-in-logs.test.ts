// Every log line of a whole PayPal payment at trace level (invoice page, checkout, PayPal's approval, the
// return and capture, webhooks, a refund) is captured: none holds the invoice token, the client secret,
// PayPal's access token or a webhook signature.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { REDACT_PATHS } from '../../../src/platform/logger.js';
import { testDatabaseUrl } from '../../helpers/db.js';
import { waitFor } from '../../helpers/wait-for.js';
import { adminCtx } from '../../helpers/actors.js';
import { factories } from '../../helpers/factories.js';
import { connectPayPal, startPayPalApp, type PayPalApp } from './invoice-fixtures.js';
import { refundJobs } from '../../modules/processor-refunds/processor-refund.fixture.js';

let out = '';
const sink = new Writable({
  write(chunk, _enc, cb) {
    out += chunk;
    cb();
  },
});
const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
let env: PayPalApp;

let worker: WorkerHandle;

beforeAll(async () => {
  env = await startPayPalApp({ logger });
  // The refund goes to PayPal from its job (payment.refund.send): a worker runs it.
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
});

it('no secret or invoice token appears in any log line', async () => {
  const f = factories();
  const { tenant, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  const { clientSecret, connectionId } = await connectPayPal(env, tenant.id);
  const order = await f.order({ tenantId: tenant.id, customerId: customer.id, paymentMethod: 'PAYPAL', paymentStatus: 'pending' });
  const link = await env.t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, order.id);
  const path = new URL(link.url).pathname;
  const token = path.split('/').at(-1)!;

  await request(env.t.app).get(path).expect(200);
  await request(env.t.app)
    .get(`${path.slice(0, -4)}xxxx`)
    .expect(403); // a tampered link is logged too
  const pay = await request(env.t.app).post(`${path}/pay`).type('form').send({ method: 'PAYPAL' }).expect(303);
  const back = new URL(env.paypal.approve(new URL(String(pay.headers.location)).searchParams.get('token')!));
  await request(env.t.app).get(`${back.pathname}${back.search}`).expect(303);
  await env.paypal.settle();
  await request(env.t.app)
    .post(`/webhooks/paypal/${connectionId}`)
    .set({ 'content-type': 'application/json', 'paypal-transmission-sig': 'Zm9yZ2Vk' })
    .send('{}')
    .expect(401);
  const { refund } = await env.t.services.refunds.refund(adminCtx(tenant.id), order.id, { amountCents: 100 });

  await waitFor('the refund at PayPal', async () => env.paypal.refundRequests([...env.paypal.captures.keys()][0]!).length === 1);
  // The job logs its outcome after PayPal answered; its row goes only once it returned.
  await waitFor('the refund job to finish', async () => (await refundJobs(env.t.services.db, refund.id)).length === 0);
  expect(out).toContain('/invoice/[redacted]');
  for (const secret of [token, token.split('.')[1]!, clientSecret, 'Zm9yZ2Vk']) expect(out).not.toContain(secret);
  expect(out).not.toMatch(/A21AA[\w-]{20,}/); // the fake's access tokens
});
