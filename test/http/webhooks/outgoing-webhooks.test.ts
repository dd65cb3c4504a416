// Outgoing webhooks end to end on a real graphile-worker: REST calls change orders, the event's webhook
// fan-out job (enqueued in the change's transaction) writes deliveries, webhook.deliver POSTs them to local
// receivers that verify the Standard Webhooks signature with the reference library. Retries (graphile-worker's
// backoff skipped by moving run_at), the delivery log, Redeliver and tenant isolation.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { WEBHOOK_DELIVER_TASK, WEBHOOK_ENDPOINT_FLAG, WEBHOOK_MAX_ATTEMPTS } from '../../../src/modules/webhooks/webhook-delivery.jobs.js';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';
import { WebhookReceiver } from '../../fakes/webhook-receiver.js';
import { webhookBodies } from '../../../src/surfaces/http/api/openapi/api.schemas.js';
import { readySessionsDirect } from '../../modules/orders/ready-sessions.js';
import { apiTenant, pendingOrder } from '../api/api-fixtures.js';
import { waitFor } from '../../helpers/wait-for.js';

const db = testDb();
let t: TestApp;
let worker: WorkerHandle;
let shop: Awaited<ReturnType<typeof apiTenant>>;
let other: Awaited<ReturnType<typeof apiTenant>>;
const receiver = new WebhookReceiver();
const otherReceiver = new WebhookReceiver();

beforeAll(async () => {
  t = await createTestApp();
  shop = await apiTenant(t);
  other = await apiTenant(t);
  await receiver.start();
  await otherReceiver.start();
  const made = await t.services.webhooks.create(adminCtx(shop.tenant.id), {
    url: receiver.url,
    events: ['order.created', 'order.paid', 'order.refunded', 'order.cancelled'],
    description: 'ERP',
  });
  receiver.secret = made.secret;
  const otherMade = await t.services.webhooks.create(adminCtx(other.tenant.id), { url: otherReceiver.url, events: ['order.paid'] });
  otherReceiver.secret = otherMade.secret;
  worker = await startWorker({
    connectionString: testDatabaseUrl(),
    bus: t.services.bus,
    logger: t.services.logger,
    concurrency: 2,
    pollIntervalMs: 50,
  });
});
afterAll(async () => {
  await worker?.stop();
  await receiver.stop();
  await otherReceiver.stop();
  await t?.services.close();
});

const deliveriesOf = (tenantId: string, orderId: string) =>
  db.webhookDelivery.findMany({
    where: { tenantId, body: { contains: orderId } },
    include: { attemptLog: { orderBy: { attempt: 'asc' } } },
    orderBy: { createdAt: 'asc' },
  });
const receivedFor = (r: WebhookReceiver, orderId: string) => r.received.filter((m) => m.body.includes(orderId));
const deliverJobs = (deliveryId: string) => db.$queryRaw<
  // waiting: due later than the read's now(), i.e. given back after a failure and waiting for its backoff.
  { id: string; attempts: number; run_at: Date; locked_at: Date | null; flags: unknown; waiting: boolean }[]
>`
  SELECT j.id::text, j.attempts, j.run_at, j.locked_at, j.flags, j.run_at > now() AS waiting FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
  WHERE k.identifier = ${WEBHOOK_DELIVER_TASK} AND j.payload->>'deliveryId' = ${deliveryId}`;

describe('outgoing webhooks', () => {
  it("order.paid reaches the shop's endpoint signed (verified by the reference library), logged once", async () => {
    const order = await pendingOrder(shop);
    await request(t.app).post(`/api/v1/orders/${order.id}/payment/confirm`).set(shop.auth).expect(200);
    const [delivery] = await waitFor('the delivery to succeed', async () => {
      const ds = await deliveriesOf(shop.tenant.id, order.id);
      return ds.length === 1 && ds[0]!.status === 'SUCCEEDED' ? ds : undefined;
    });
    const [got] = receivedFor(receiver, order.id);
    expect(got!.verifyError).toBeUndefined();
    expect(got!.verified).toMatchObject({
      type: 'order.paid',
      data: { order: { id: order.id, status: 'PAID', totalCents: 4500 }, payment: { status: 'paid', amountCents: 4500 } },
    });
    expect(got!.headers['webhook-id']).toBe(delivery!.id);
    expect(got!.headers['content-type']).toBe('application/json');
    expect(got!.body).toBe(delivery!.body);
    // The body is what the OpenAPI document's webhooks section says (the same zod schema, strict).
    webhookBodies['order.paid'].parse(JSON.parse(got!.body));
    expect(delivery).toMatchObject({ eventType: 'order.paid', attempts: 1, lastStatusCode: 200 });
    expect(delivery!.attemptLog).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, responseExcerpt: 'ok', error: null })]);
    expect(delivery!.attemptLog[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a receiver answering 500 gets the same message again (same webhook-id) after the backoff; both attempts are logged', async () => {
    // Down until the test has seen a failed attempt waiting: a window missed on a busy machine comes again, longer.
    receiver.answerAllWith({ status: 500, body: 'database down' });
    const order = await pendingOrder(shop);
    await request(t.app).post(`/api/orders/${order.id}/payment/reject`).set(shop.auth).send({ reason: 'Never arrived' }).expect(200);
    // Seen in one read of the job: failed, given back, and due later than that read (the retry waits: backoff).
    let job: Awaited<ReturnType<typeof deliverJobs>>[number] | undefined;
    const [failed] = await waitFor('an attempt to fail and wait for its backoff', async () => {
      const ds = await deliveriesOf(shop.tenant.id, order.id);
      if (!ds[0]?.attempts) return undefined;
      [job] = await deliverJobs(ds[0].id);
      return job && !job.locked_at && job.attempts >= 1 && job.waiting ? ds : undefined;
    });
    expect(failed).toMatchObject({ eventType: 'order.cancelled', status: 'PENDING', lastStatusCode: 500 });
    expect(failed!.attemptLog.length).toBeGreaterThanOrEqual(1);
    expect(failed!.attemptLog).toEqual(
      failed!.attemptLog.map((_, i) => expect.objectContaining({ attempt: i + 1, statusCode: 500, responseExcerpt: 'database down' })),
    );
    // Flagged with its endpoint, for the webhook runner's cap per endpoint (WEBHOOK_ENDPOINT_CONCURRENCY).
    expect(job!.flags).toEqual({ [`${WEBHOOK_ENDPOINT_FLAG}${failed!.endpointId}`]: true });
    receiver.answerAllWith();
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE id = ${BigInt(job!.id)}`;

    const [done] = await waitFor('the retry to succeed', async () => {
      const ds = await deliveriesOf(shop.tenant.id, order.id);
      return ds[0]?.status === 'SUCCEEDED' ? ds : undefined;
    });
    // The 500s (one, or more if the machine was slower than a backoff), then the 200, each logged.
    const got = receivedFor(receiver, order.id);
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got.map((g) => g.answered)).toEqual([...Array<number>(got.length - 1).fill(500), 200]);
    expect(done!.attemptLog.map((a) => [a.attempt, a.statusCode])).toEqual(got.map((g, i) => [i + 1, g.answered]));
    expect(new Set(got.map((g) => g.headers['webhook-id']))).toEqual(new Set([done!.id]));
    expect(got.every((g) => g.verifyError === undefined)).toBe(true);
    expect(got.at(-1)!.verified).toMatchObject({
      type: 'order.cancelled',
      data: { order: { id: order.id, status: 'CANCELLED' }, reason: 'payment_rejected', note: 'Never arrived' },
    });
    // The delivery row is written by the task; graphile-worker removes the job only after the task returns.
    await waitFor('the job to be removed', async () => (await deliverJobs(done!.id)).length === 0);
  });

  it('order.created and order.refunded are sent too; Redeliver sends the same message once more and logs it', async () => {
    const f = factories(db);
    const guild = await f.guild({ tenantId: shop.tenant.id });
    const shippingType = await f.shippingType({ tenantId: shop.tenant.id, priceCents: 0, name: 'Pickup' });
    const product = await f.product({ tenantId: shop.tenant.id, unitPriceCents: 1200 });
    const [session] = await readySessionsDirect(db, { tenant: shop.tenant, guild, shippingType, product }, 1);
    const created = await t.services.orders.submit(shop.tenant.id, session!.customerId, { memberRoleIds: [] });
    const orderId = created.order.id;
    await request(t.app).post(`/api/v1/orders/${orderId}/payment/confirm`).set(shop.auth).expect(200);
    await request(t.app).post(`/api/v1/orders/${orderId}/refunds`).set(shop.auth).send({ amountCents: 200, reason: 'Late' }).expect(201);
    const ds = await waitFor('three deliveries', async () => {
      const rows = await deliveriesOf(shop.tenant.id, orderId);
      return rows.length === 3 && rows.every((d) => d.status === 'SUCCEEDED') ? rows : undefined;
    });
    expect(ds.map((d) => d.eventType).sort()).toEqual(['order.created', 'order.paid', 'order.refunded']);
    const refunded = receivedFor(receiver, orderId).find((m) => m.body.includes('"order.refunded"'))!;
    expect(refunded.verified).toMatchObject({
      type: 'order.refunded',
      data: { order: { id: orderId, refundedTotalCents: 200 }, refund: { amountCents: 200, reason: 'Late' } },
    });

    for (const d of ds) webhookBodies[d.eventType as keyof typeof webhookBodies].parse(JSON.parse(d.body));
    const paid = ds.find((d) => d.eventType === 'order.paid')!;
    await t.services.webhooks.redeliver(adminCtx(shop.tenant.id), paid.id);
    const again = await waitFor('the redelivery', async () => {
      const row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: paid.id }, include: { attemptLog: true } });
      return row.attempts === 2 && row.status === 'SUCCEEDED' ? row : undefined;
    });
    expect(again.attemptLog.map((a) => a.attempt).sort()).toEqual([1, 2]);
    const sent = receivedFor(receiver, orderId).filter((m) => m.headers['webhook-id'] === paid.id);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.body).toBe(sent[0]!.body);
    expect(sent[1]!.verifyError).toBeUndefined();
    const trail = await db.auditLog.findMany({ where: { tenantId: shop.tenant.id, entityType: 'WebhookDelivery', entityId: paid.id } });
    expect(trail).toEqual([expect.objectContaining({ action: 'webhook_delivery.redelivered', actorType: 'PANEL_ADMIN' })]);
  });

  it('an order cancelled as expired (its pay window ended) is sent with reason "expired", which the documented schema accepts', async () => {
    const order = await pendingOrder(shop, { paymentDueAt: new Date(Date.now() - 60_000) });
    expect(await t.services.paymentWindows.expire(shop.tenant.id, order.id)).toBe('expired');
    const [d] = await waitFor('the delivery', async () => {
      const rows = await deliveriesOf(shop.tenant.id, order.id);
      return rows[0]?.status === 'SUCCEEDED' ? rows : undefined;
    });
    // Before: the OpenAPI document's enum lacked "expired", so a receiver built from it refused the commonest cancellation.
    expect(webhookBodies['order.cancelled'].parse(JSON.parse(d!.body))).toMatchObject({ data: { reason: 'expired' } });
  });

  it("keeps shops apart: one shop's events never reach another shop's endpoint, nor can it redeliver or change them", async () => {
    const before = otherReceiver.received.length;
    const order = await pendingOrder(shop);
    await request(t.app).post(`/api/orders/${order.id}/payment/confirm`).set(shop.auth).expect(200);
    await waitFor("the shop's own delivery", async () => (await deliveriesOf(shop.tenant.id, order.id))[0]?.status === 'SUCCEEDED');
    expect(otherReceiver.received.length).toBe(before);
    expect(await db.webhookDelivery.count({ where: { tenantId: other.tenant.id, body: { contains: order.id } } })).toBe(0);

    const otherOrder = await pendingOrder(other);
    await request(t.app).post(`/api/orders/${otherOrder.id}/payment/confirm`).set(other.auth).expect(200);
    await waitFor("the other shop's delivery", async () => receivedFor(otherReceiver, otherOrder.id).length === 1);
    expect(receivedFor(otherReceiver, otherOrder.id)[0]!.verifyError).toBeUndefined();
    expect(receivedFor(receiver, otherOrder.id)).toEqual([]);

    const [shopDelivery] = await deliveriesOf(shop.tenant.id, order.id);
    await expect(t.services.webhooks.redeliver(adminCtx(other.tenant.id), shopDelivery!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const [endpoint] = await t.services.webhooks.list(shop.tenant.id);
    await expect(t.services.webhooks.update(adminCtx(other.tenant.id), endpoint!.id, { enabled: false })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(t.services.webhooks.remove(adminCtx(other.tenant.id), endpoint!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.services.webhooks.list(shop.tenant.id))[0]!.enabled).toBe(true);
  });

  it('a disabled endpoint or an unsubscribed event gets nothing; a delivery that fails every attempt ends FAILED', async () => {
    const quiet = await apiTenant(t);
    const r = await new WebhookReceiver().start();
    try {
      const ctx = adminCtx(quiet.tenant.id);
      const { endpoint, secret } = await t.services.webhooks.create(ctx, { url: r.url, events: ['order.refunded'] });
      r.secret = secret;
      const order = await pendingOrder(quiet);
      await request(t.app).post(`/api/orders/${order.id}/payment/confirm`).set(quiet.auth).expect(200);
      // order.paid is not subscribed: no delivery once its fan-out job ran.
      await waitFor(
        'the fan-out job',
        async () =>
          (
            await db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
        WHERE k.identifier = 'order.paid>webhooks' AND j.payload->>'orderId' = ${order.id}`
          )[0]!.n === 0,
      );
      expect(await db.webhookDelivery.count({ where: { tenantId: quiet.tenant.id } })).toBe(0);

      // A delivery that keeps failing ends FAILED after its last attempt (here the second: the job's
      // max_attempts is lowered after the first failure, standing in for WEBHOOK_MAX_ATTEMPTS).
      r.answerWith(503, 503);
      const refundOrder = await pendingOrder(quiet);
      await request(t.app).post(`/api/orders/${refundOrder.id}/payment/confirm`).set(quiet.auth).expect(200);
      await request(t.app).post(`/api/orders/${refundOrder.id}/refunds`).set(quiet.auth).send({ amountCents: 100 }).expect(201);
      const [job] = await waitFor('the first attempt to fail', async () => {
        const d = (await deliveriesOf(quiet.tenant.id, refundOrder.id))[0];
        if (d?.attempts !== 1) return undefined;
        const jobs = await deliverJobs(d.id);
        return jobs[0] && !jobs[0].locked_at && jobs[0].attempts === 1 ? jobs : undefined;
      });
      await db.$executeRaw`UPDATE graphile_worker._private_jobs SET max_attempts = 2, run_at = now() WHERE id = ${BigInt(job!.id)}`;
      const fanned = (await deliveriesOf(quiet.tenant.id, refundOrder.id))[0]!;
      const failed = await waitFor('the delivery to fail', async () => {
        const row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: fanned.id } });
        return row.status !== 'PENDING' ? row : undefined;
      });
      await waitFor('the job to be removed', async () => (await deliverJobs(fanned.id)).length === 0);
      expect(WEBHOOK_MAX_ATTEMPTS).toBeGreaterThan(1);
      expect(failed).toMatchObject({ status: 'FAILED', attempts: 2, lastStatusCode: 503 });

      await t.services.webhooks.update(ctx, endpoint.id, { enabled: false });
      await expect(t.services.webhooks.redeliver(ctx, fanned.id)).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
      const count = r.received.length;
      const later = await pendingOrder(quiet);
      await request(t.app).post(`/api/orders/${later.id}/payment/confirm`).set(quiet.auth).expect(200);
      await request(t.app).post(`/api/orders/${later.id}/refunds`).set(quiet.auth).send({ amountCents: 100 }).expect(201);
      await waitFor(
        'the refund fan-out job',
        async () =>
          (
            await db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
        WHERE k.identifier = 'order.refunded>webhooks' AND j.payload->>'orderId' = ${later.id}`
          )[0]!.n === 0,
      );
      expect(await db.webhookDelivery.count({ where: { body: { contains: later.id } } })).toBe(0);
      expect(r.received.length).toBe(count);
    } finally {
      await r.stop();
    }
  });
});
