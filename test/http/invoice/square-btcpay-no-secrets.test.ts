// Every log line of a Cash App Pay payment and a BTCPay payment at trace level (invoice page, Cash App Pay
// page, charge, webhooks, forged webhooks, refunds) is captured: none holds the invoice token, Square's access
// token or signature key, the Web Payments SDK token, BTCPay's API key or webhook secret, or a signature.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SQUARE_TEST_TOKENS } from '../../../src/dev/fakes/fake-square.js';
import { systemActor } from '../../../src/modules/shared/actor.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { REDACT_PATHS } from '../../../src/platform/logger.js';
import { testDatabaseUrl } from '../../helpers/db.js';
import { adminCtx } from '../../helpers/actors.js';
import { factories } from '../../helpers/factories.js';
import { waitFor } from '../../helpers/wait-for.js';
import { connectBtcPay, connectSquare, startProvidersApp, type ProvidersApp } from './square-btcpay-fixtures.js';

let out = '';
const sink = new Writable({
  write(chunk, _enc, cb) {
    out += chunk;
    cb();
  },
});
const logger = pino({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
let env: ProvidersApp;
let worker: WorkerHandle;

beforeAll(async () => {
  env = await startProvidersApp({ logger });
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

it('no secret, payment token or invoice token appears in any log line', async () => {
  const f = factories();
  const { tenant, customer } = await f.shop({ tenant: { enabledPaymentMethods: ['VENMO_P2P'] } });
  const square = await connectSquare(env, tenant.id);
  const btcpay = await connectBtcPay(env, tenant.id);
  const secrets: string[] = [square.accessToken, square.signatureKey, btcpay.apiKey, btcpay.webhookSecret, SQUARE_TEST_TOKENS.ok];

  // Cash App Pay: page, charge, Square's notifications, a forged one, a refund.
  const sqOrder = await f.order({ tenantId: tenant.id, customerId: customer.id, paymentMethod: 'CASHAPP_PAY', paymentStatus: 'pending' });
  const sqPath = new URL((await env.t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, sqOrder.id)).url).pathname;
  secrets.push(sqPath.split('/').at(-1)!);
  const pay = await request(env.t.app).post(`${sqPath}/pay`).type('form').send({ method: 'CASHAPP_PAY' }).expect(303);
  await request(env.t.app).get(String(pay.headers.location)).expect(200);
  await request(env.t.app).post(`${pay.headers.location}/charge`).send({ sourceToken: SQUARE_TEST_TOKENS.ok }).expect(200);
  await env.square.idle();
  secrets.push(...env.square.outbox.deliveries.map((d) => d.headers['x-square-hmacsha256-signature']!));
  await request(env.t.app)
    .post(`/webhooks/square/${square.connectionId}`)
    .set({ 'content-type': 'application/json', 'x-square-hmacsha256-signature': 'Zm9yZ2VkU3F1YXJl' })
    .send('{}')
    .expect(401);
  await env.t.services.refunds.refund(adminCtx(tenant.id), sqOrder.id, { amountCents: 100 });
  await waitFor('the Square refund', async () => env.square.refunds.size === 1);

  // BTCPay: checkout, payment, webhooks, a forged one, a refund (claim link).
  const btOrder = await f.order({ tenantId: tenant.id, customerId: customer.id, paymentMethod: 'BTC_INVOICE', paymentStatus: 'pending' });
  const btPath = new URL((await env.t.services.invoices.createLink({ tenantId: tenant.id, actor: systemActor }, btOrder.id)).url).pathname;
  secrets.push(btPath.split('/').at(-1)!);
  const go = await request(env.t.app).post(`${btPath}/pay`).type('form').send({ method: 'BTC_INVOICE' }).expect(303);
  await env.btcpay.pay(String(go.headers.location).split('/').at(-1)!);
  await env.btcpay.idle();
  secrets.push(...env.btcpay.outbox.deliveries.map((d) => d.headers['btcpay-sig']!.replace('sha256=', '')));
  await request(env.t.app)
    .post(`/webhooks/btcpay/${btcpay.connectionId}`)
    .set({ 'content-type': 'application/json', 'btcpay-sig': `sha256=${'ab'.repeat(32)}` })
    .send('{}')
    .expect(401);
  await env.t.services.refunds.refund(adminCtx(tenant.id), btOrder.id, { amountCents: 100 });
  await waitFor('the BTCPay refund', async () => env.btcpay.pullPayments.size === 1);

  expect(out).toContain('/invoice/[redacted]');
  for (const secret of [...secrets, 'Zm9yZ2VkU3F1YXJl', 'ab'.repeat(32)]) expect(out, secret).not.toContain(secret);
});
