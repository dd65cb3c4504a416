// The circuit breaker of a webhook endpoint (src/modules/webhooks/webhook-breaker.ts), through the delivery
// job's handler on the real database, with a scripted sender in place of the network: after three attempts in
// a row without a 2xx the endpoint is paused and its deliveries' attempts are logged, not sent; when the pause
// is over one attempt probes it; a 2xx closes the breaker; saving the endpoint or a Redeliver closes it too;
// "Resume sending" closes it and runs the endpoint's waiting deliveries now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAKER_THRESHOLD, breakerStatus } from '../../../src/modules/webhooks/webhook-breaker.js';
import {
  deliverJobKey,
  registerWebhookJobs,
  WEBHOOK_DELIVER_TASK,
  WEBHOOK_ENDPOINT_FLAG,
  WEBHOOK_MAX_ATTEMPTS,
} from '../../../src/modules/webhooks/webhook-delivery.jobs.js';
import type { WebhookSendResult } from '../../../src/modules/webhooks/webhook-sender.port.js';
import { EventBus, type JobContext } from '../../../src/platform/jobs/queue.js';
import { adminCtx } from '../../helpers/actors.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { testDb } from '../../helpers/db.js';
import { factories } from '../../helpers/factories.js';

const db = testDb();
const f = factories(db);
let t: TestApp;
/** What the endpoint answers to each send, in order (then 200); every send is counted. */
const answers: WebhookSendResult[] = [];
const sent: string[] = [];
/** While set, a send waits for it before answering (a probe still running). */
let holdSends: Promise<void> | undefined;
const bus = new EventBus();

beforeAll(async () => {
  t = await createTestApp();
  registerWebhookJobs(bus, {
    db,
    secrets: t.services.secrets,
    clock: t.services.clock,
    logger: t.services.logger,
    send: async (req) => {
      sent.push(req.url);
      const answer = answers.shift() ?? { statusCode: 200, durationMs: 1 };
      await holdSends;
      return answer;
    },
    data: { build: async () => ({}) },
  });
});
afterAll(() => t?.services.close());

const job = (attempt = 1, maxAttempts = 14): JobContext => ({ attempt, maxAttempts, jobId: 'test' });
const deliver = (tenantId: string, deliveryId: string, ctx = job()) =>
  bus.handlers().get(WEBHOOK_DELIVER_TASK)!.run({ tenantId, deliveryId }, ctx);

/** A shop with an endpoint and `n` pending deliveries to it. */
async function endpointWith(n: number) {
  const tenant = await f.tenant();
  const { endpoint } = await t.services.webhooks.create(adminCtx(tenant.id), {
    url: `http://127.0.0.1:9/${tenant.id}`,
    events: ['order.paid'],
  });
  const deliveries: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = await db.webhookDelivery.create({
      data: { tenantId: tenant.id, endpointId: endpoint.id, eventType: 'order.paid', eventKey: `order.paid:pay_${i}`, body: '{}' },
    });
    deliveries.push(d.id);
  }
  const breaker = async () =>
    await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id }, select: { consecutiveFailures: true, pausedUntil: true } });
  const sentHere = () => sent.filter((u) => u.endsWith(tenant.id)).length;
  const lastLog = async (deliveryId: string) =>
    (await db.webhookAttempt.findFirstOrThrow({ where: { deliveryId }, orderBy: { attempt: 'desc' } })).error;
  return { tenant, endpoint, deliveries, breaker, sentHere, lastLog };
}

const noAnswer: WebhookSendResult = { error: 'no answer within 10000 ms', durationMs: 10_000 };

describe("a webhook endpoint's circuit breaker", () => {
  it('pauses the endpoint after three failures in a row: attempts are then logged and retried, not sent', async () => {
    const e = await endpointWith(5);
    answers.push(noAnswer, { statusCode: 503, durationMs: 5 }, noAnswer);
    for (const id of e.deliveries.slice(0, BREAKER_THRESHOLD)) await expect(deliver(e.tenant.id, id)).rejects.toThrow();
    expect(e.sentHere()).toBe(3);
    const paused = await e.breaker();
    expect(paused.consecutiveFailures).toBe(3);
    expect(paused.pausedUntil!.getTime()).toBeGreaterThan(Date.now());

    // The fourth delivery's attempt is not sent: logged as such, counted, and retried (the job throws).
    await expect(deliver(e.tenant.id, e.deliveries[3]!)).rejects.toThrow(/not sent/);
    expect(e.sentHere()).toBe(3);
    expect(await e.lastLog(e.deliveries[3]!)).toMatch(/^not sent: the endpoint failed 3 attempts in a row and is paused until /);
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: e.deliveries[3]! } })).toMatchObject({
      status: 'PENDING',
      attempts: 1,
    });
    expect(await e.breaker()).toEqual(paused); // a skipped attempt is not a failure of the endpoint

    // On its last attempt a delivery ends FAILED without being sent, as after a failed send.
    await deliver(e.tenant.id, e.deliveries[4]!, job(14, 14));
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: e.deliveries[4]! } })).toMatchObject({ status: 'FAILED' });
    expect(e.sentHere()).toBe(3);
  });

  it('lets one attempt probe the endpoint when the pause is over; a 2xx closes the breaker', async () => {
    const e = await endpointWith(4);
    answers.push(noAnswer, noAnswer, noAnswer);
    for (const id of e.deliveries.slice(0, 3)) await expect(deliver(e.tenant.id, id)).rejects.toThrow();
    await db.$executeRaw`UPDATE webhook_endpoints SET "pausedUntil" = now() - interval '1 second' WHERE id = ${e.endpoint.id}`;

    // Two attempts at once while the probe's answer is still coming: one probes, the other is not sent.
    let release!: () => void;
    holdSends = new Promise<void>((resolve) => (release = resolve));
    const attempts = [deliver(e.tenant.id, e.deliveries[0]!), deliver(e.tenant.id, e.deliveries[1]!)].map((p) =>
      p.then(
        () => 'sent',
        (err: Error) => err.message,
      ),
    );
    const first = await Promise.race(attempts);
    expect(first).toMatch(/not sent: the endpoint failed 3 attempts in a row/);
    expect(e.sentHere()).toBe(4);
    release();
    holdSends = undefined;
    expect((await Promise.all(attempts)).filter((r) => r === 'sent')).toHaveLength(1);
    // The probe's 200 closed the breaker.
    expect(await e.breaker()).toEqual({ consecutiveFailures: 0, pausedUntil: null });

    // Closed: the next attempts are sent.
    await deliver(e.tenant.id, e.deliveries[2]!);
    await deliver(e.tenant.id, e.deliveries[3]!);
    expect(e.sentHere()).toBe(6);
  });

  it('pauses longer after a failed probe, and counts only failures in a row', async () => {
    const e = await endpointWith(3);
    answers.push(noAnswer, noAnswer, { statusCode: 200, durationMs: 1 }, noAnswer, noAnswer);
    for (const id of [...e.deliveries, e.deliveries[0]!, e.deliveries[1]!]) await deliver(e.tenant.id, id).catch(() => undefined);
    // Two failures, a success, two failures: not three in a row.
    expect(await e.breaker()).toEqual({ consecutiveFailures: 2, pausedUntil: null });

    answers.push(noAnswer);
    await deliver(e.tenant.id, e.deliveries[1]!).catch(() => undefined);
    const first = (await e.breaker()).pausedUntil!.getTime() - Date.now();
    await db.$executeRaw`UPDATE webhook_endpoints SET "pausedUntil" = now() - interval '1 second' WHERE id = ${e.endpoint.id}`;
    answers.push(noAnswer);
    await deliver(e.tenant.id, e.deliveries[1]!).catch(() => undefined); // the probe, failing
    const after = await e.breaker();
    expect(after.consecutiveFailures).toBe(4);
    // e^1 s after the third failure in a row, e^2 s after the fourth.
    expect(first).toBeLessThanOrEqual(2_719);
    expect(after.pausedUntil!.getTime() - Date.now()).toBeGreaterThan(first);
  });

  it('closes when the shop saves the endpoint or redelivers one of its deliveries', async () => {
    const e = await endpointWith(2);
    const pause = () =>
      db.$executeRaw`UPDATE webhook_endpoints SET "consecutiveFailures" = 5, "pausedUntil" = now() + interval '5 minutes' WHERE id = ${e.endpoint.id}`;
    await pause();
    await t.services.webhooks.update(adminCtx(e.tenant.id), e.endpoint.id, { description: 'ERP, fixed' });
    expect(await e.breaker()).toEqual({ consecutiveFailures: 0, pausedUntil: null });

    await pause();
    await t.services.webhooks.redeliver(adminCtx(e.tenant.id), e.deliveries[0]!);
    expect(await e.breaker()).toEqual({ consecutiveFailures: 0, pausedUntil: null });
    // Its job is flagged with its endpoint, as the fan-out's are: the webhook runner's cap per endpoint counts it.
    const [job] = await db.$queryRaw<
      { flags: unknown }[]
    >`SELECT flags FROM graphile_worker.jobs WHERE key = ${deliverJobKey(e.deliveries[0]!)}`;
    expect(job?.flags).toEqual({ [`${WEBHOOK_ENDPOINT_FLAG}${e.endpoint.id}`]: true });
    await deliver(e.tenant.id, e.deliveries[0]!);
    expect(e.sentHere()).toBe(1);
  });

  it('"Resume sending" closes the breaker and runs the waiting deliveries now, with fresh attempts', async () => {
    const e = await endpointWith(4);
    const other = await endpointWith(1);
    const [waiting, running, failed, alsoWaiting] = e.deliveries as [string, string, string, string];
    await db.webhookDelivery.update({ where: { id: failed }, data: { status: 'FAILED' } });
    // Each delivery's retry job, waiting an hour after 9 attempts; one of them held by a worker right now.
    for (const id of [...e.deliveries, other.deliveries[0]!])
      await db.$executeRaw`SELECT graphile_worker.add_job(${WEBHOOK_DELIVER_TASK}, json_build_object('deliveryId', ${id}::text),
        job_key => ${deliverJobKey(id)}, run_at => now() + interval '1 hour', max_attempts => ${WEBHOOK_MAX_ATTEMPTS}::int)`;
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = 9 WHERE key = ANY (${e.deliveries.map(deliverJobKey)}::text[])`;
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'another-worker' WHERE key = ${deliverJobKey(running)}`;
    await db.$executeRaw`UPDATE webhook_endpoints SET "consecutiveFailures" = 7, "pausedUntil" = now() + interval '5 minutes' WHERE id = ${e.endpoint.id}`;

    // Another shop cannot; a disabled endpoint is refused with the reason.
    await expect(t.services.webhooks.resume(adminCtx(other.tenant.id), e.endpoint.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await db.webhookEndpoint.update({ where: { id: e.endpoint.id }, data: { enabled: false } });
    await expect(t.services.webhooks.resume(adminCtx(e.tenant.id), e.endpoint.id)).rejects.toThrow(/disabled. Enable it first/);
    await db.webhookEndpoint.update({ where: { id: e.endpoint.id }, data: { enabled: true } });
    expect((await e.breaker()).consecutiveFailures).toBe(7);

    const { resent, endpoint } = await t.services.webhooks.resume(adminCtx(e.tenant.id), e.endpoint.id);
    expect(resent).toBe(2);
    expect(endpoint).toMatchObject({ consecutiveFailures: 0, pausedUntil: null });
    expect(await e.breaker()).toEqual({ consecutiveFailures: 0, pausedUntil: null });
    const jobs = await db.$queryRaw<{ key: string; due: boolean; attempts: number }[]>`
      SELECT key, run_at <= now() AS due, attempts FROM graphile_worker.jobs
      WHERE key = ANY (${[...e.deliveries, other.deliveries[0]!].map(deliverJobKey)}::text[])`;
    const byKey = new Map(jobs.map((j) => [j.key, { due: j.due, attempts: j.attempts }]));
    expect(byKey.get(deliverJobKey(waiting))).toEqual({ due: true, attempts: 0 });
    expect(byKey.get(deliverJobKey(alsoWaiting))).toEqual({ due: true, attempts: 0 });
    // The attempt a worker is sending now, a delivery that ended FAILED and another shop's are left as they were.
    expect(byKey.get(deliverJobKey(running))).toEqual({ due: false, attempts: 9 });
    expect(byKey.get(deliverJobKey(failed))).toEqual({ due: false, attempts: 9 });
    expect(byKey.get(deliverJobKey(other.deliveries[0]!))).toEqual({ due: false, attempts: 0 });

    const audit = await db.auditLog.findFirstOrThrow({ where: { entityId: e.endpoint.id, action: 'webhook_endpoint.resumed' } });
    expect(audit.after).toMatchObject({ consecutiveFailures: 0, pausedUntil: null, deliveriesResent: 2 });
    expect(audit.before).toMatchObject({ consecutiveFailures: 7 });
  });

  it('says where an endpoint stands: closed, failing, paused till when, or about to probe', () => {
    const now = new Date('2026-12-03T07:00:00Z');
    const until = new Date('2026-12-03T07:02:00Z');
    expect(breakerStatus({ consecutiveFailures: 0, pausedUntil: null }, now)).toEqual({ kind: 'closed' });
    expect(breakerStatus({ consecutiveFailures: 2, pausedUntil: null }, now)).toEqual({ kind: 'failing', failures: 2 });
    expect(breakerStatus({ consecutiveFailures: 4, pausedUntil: until }, now)).toEqual({ kind: 'paused', failures: 4, until });
    expect(breakerStatus({ consecutiveFailures: 4, pausedUntil: now }, now)).toEqual({ kind: 'probing', failures: 4 });
  });
});
