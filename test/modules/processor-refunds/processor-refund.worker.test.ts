// payment.refund.send on a real graphile-worker against the fake PayPal over HTTP: the money reaches the
// shop's PayPal once per refund (captures/{id}/refund) with the refund id as PayPal-Request-Id, retries after 5xx and lost answers
// (graphile-worker's backoff skipped by moving run_at), a 4xx refusal is recorded on the order and not
// retried, and running the job again sends nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESSOR_REFUND_TASK } from '../../../src/modules/payments-processor/processor-refund.task.js';
import { EVENTS, refundFailedPayload, type RefundFailedPayload } from '../../../src/modules/shared/events.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { processorRefundSetup, refundJobs } from './processor-refund.fixture.js';
import { waitForJobsDone } from '../../helpers/job-queue.js';
import { waitFor } from '../../helpers/wait-for.js';

const db = testDb(30);
// A client timeout (short, but long enough for a busy machine's slow answer) and a much longer hold make the
// fake's 'timeout' failure a lost answer.
const t = await processorRefundSetup(db, { timeoutMs: 5_000, holdMs: 15_000 });
let worker: WorkerHandle;
// What a subscriber of refund.processor_failed (the Discord admin alert, in the service) receives.
const alerts: RefundFailedPayload[] = [];
t.s.bus.subscribe(EVENTS.refundFailed, 'test-alerts', {
  schema: refundFailedPayload,
  run: async (p) => {
    alerts.push(p);
  },
});
const alertsFor = (refundId: string) => alerts.filter((a) => a.refundId === refundId);

beforeAll(async () => {
  worker = await startWorker({ connectionString: testDatabaseUrl(), bus: t.s.bus, logger: t.s.logger, concurrency: 2, pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker?.stop();
  await t.paypal.stop();
});

const requestsFor = (captureId: string) => t.paypal.refundRequests(captureId);
const refundsAt = (captureId: string) => [...t.paypal.refunds.values()].filter((r) => r.captureId === captureId);
const entries = async (tenantId: string, orderId: string, action: string) =>
  (await t.s.audit.listFor(tenantId, 'Order', orderId)).filter((e) => e.action === action);
const done = (refundId: string) => waitFor(`the job of ${refundId} to finish`, async () => (await refundJobs(db, refundId)).length === 0);

/**
 * Waits until the refund's job has failed its `n`-th attempt (or a later one) and is seen, in one read, back in the
 * queue scheduled later than that read's now() (the backoff), then lets it run again now. The failure must stay on
 * meanwhile (failRefunds' untilCleared), so that a window missed by a stalled test comes again, longer, instead of
 * the retry going through unseen.
 */
async function afterFailedAttempt(refundId: string, n: number) {
  const [row] = await waitFor(`attempt ${n} to fail and wait for its backoff`, async () => {
    const rows = await refundJobs(db, refundId);
    return rows[0] && rows[0].attempts >= n && !rows[0].locked_at && rows[0].waiting ? rows : undefined;
  });
  return row!;
}
/** Lets the waiting job run again now instead of after its backoff. */
const retryNow = (row: { id: string }) =>
  db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE id = ${BigInt(row.id)}`;

describe('payment.refund.send', () => {
  it('a full refund reaches PayPal once (no amount = everything), keyed by the refund id', async () => {
    const { order, ctx, tenant, captureId } = await t.processorPaidOrder();
    const r = await t.s.refunds.refund(ctx, order.id, { reason: 'Customer changed their mind' });
    await done(r.refund.id);

    expect(requestsFor(captureId).map((q) => [q.body, q.requestId])).toEqual([[{ custom_id: r.refund.id }, r.refund.id]]);
    const [made] = refundsAt(captureId);
    const [sent] = await entries(tenant.id, order.id, 'payment.refund_sent');
    expect(sent).toMatchObject({
      actorType: 'SYSTEM',
      after: {
        refundId: r.refund.id,
        providerRefundId: made!.id,
        providerStatus: 'COMPLETED',
        amountCents: 6400,
        currency: 'USD',
        full: true,
        paymentReference: captureId,
        provider: 'PAYPAL',
        attempt: 1,
      },
    });
    expect(t.paypal.refundedCents(captureId)).toBe(6400);
  });

  it('partial refunds (amount, then items, then the rest) each reach the processor with their own amount and key', async () => {
    const { order, ctx, tenant, captureId, b } = await t.processorPaidOrder();
    const first = await t.s.refunds.refund(ctx, order.id, { amountCents: 1234 });
    await done(first.refund.id);
    const second = await t.s.refunds.refund(ctx, order.id, { items: [{ productId: b.id, quantity: 1 }] });
    await done(second.refund.id);
    const rest = await t.s.refunds.refund(ctx, order.id, {});
    await done(rest.refund.id);

    // The item refund carries the unit's tax share (0.34): docs/decisions/refund-tax-share.md.
    expect(second.plan).toMatchObject({ amountCents: 534, taxCents: 34 });
    expect(rest.plan.amountCents).toBe(6400 - 1234 - 534);
    const amountOf = (body: unknown) => (body as { amount?: { value: string } }).amount?.value;
    expect(requestsFor(captureId).map((q) => [amountOf(q.body), q.requestId, q.status])).toEqual([
      ['12.34', first.refund.id, 201],
      ['5.34', second.refund.id, 201],
      ['46.32', rest.refund.id, 201],
    ]);
    expect(t.paypal.refundedCents(captureId)).toBe(6400);
    expect(t.paypal.captures.get(captureId)!.status).toBe('REFUNDED');
    const sent = await entries(tenant.id, order.id, 'payment.refund_sent');
    expect(sent.map((e) => (e.after as { refundId: string }).refundId)).toEqual([first.refund.id, second.refund.id, rest.refund.id]);
  });

  it('running the job again sends nothing; without its audit entry PayPal answers the first refund again', async () => {
    const { order, ctx, tenant, captureId } = await t.processorPaidOrder();
    const r = await t.s.refunds.refund(ctx, order.id, { amountCents: 2500, idempotencyKey: 'api-key-abc' });
    await done(r.refund.id);
    // The same request replayed (Idempotency-Key) returns the first refund and sends nothing new.
    const replay = await t.s.refunds.refund(ctx, order.id, { amountCents: 2500, idempotencyKey: 'api-key-abc' });
    expect(replay.replayed).toBe(true);

    const handler = t.s.bus.handlers().get(PROCESSOR_REFUND_TASK)!;
    const payload = { tenantId: tenant.id, refundId: r.refund.id };
    await handler.run(payload, { attempt: 1, maxAttempts: 12, jobId: 'manual-rerun' });
    expect(requestsFor(captureId)).toHaveLength(1);

    // A crash between PayPal's answer and the audit entry: the re-run asks again with the same
    // PayPal-Request-Id and gets the same refund back, so the money still goes back once.
    await db.auditLog.deleteMany({ where: { tenantId: tenant.id, entityId: order.id, action: 'payment.refund_sent' } });
    await handler.run(payload, { attempt: 2, maxAttempts: 12, jobId: 'manual-rerun' });
    expect(requestsFor(captureId).map((q) => [q.status, q.requestId])).toEqual([
      [201, r.refund.id],
      [201, r.refund.id],
    ]);
    expect(refundsAt(captureId)).toHaveLength(1);
    expect(t.paypal.refundedCents(captureId)).toBe(2500);
    expect(await entries(tenant.id, order.id, 'payment.refund_sent')).toHaveLength(1);
  });

  it('a 503 is retried with backoff and the money goes back once', async () => {
    const { order, ctx, tenant, captureId } = await t.processorPaidOrder();
    t.paypal.failRefunds('5xx', { untilCleared: true });
    const r = await t.s.refunds.refund(ctx, order.id, { amountCents: 3000 });
    const failed = await afterFailedAttempt(r.refund.id, 1);
    expect(failed.last_error).toMatch(/not reachable|503/);
    t.paypal.clearRefundFailures();
    await retryNow(failed);
    await done(r.refund.id);

    // 503s (one, or more if the machine was slower than a backoff), then the refund.
    const statuses = requestsFor(captureId).map((q) => q.status);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses).toEqual([...Array<number>(statuses.length - 1).fill(503), 201]);
    expect(refundsAt(captureId).map((x) => x.amount.value)).toEqual(['30.00']);
    expect((await entries(tenant.id, order.id, 'payment.refund_sent')).map((e) => (e.after as { attempt: number }).attempt)).toEqual([
      statuses.length,
    ]);
    expect(await entries(tenant.id, order.id, 'payment.refund_failed')).toEqual([]);
  });

  it('a lost answer (timeout after PayPal refunded) is retried with the same PayPal-Request-Id: refunded once', async () => {
    const { order, ctx, tenant, captureId } = await t.processorPaidOrder();
    t.paypal.failRefunds('timeout');
    const r = await t.s.refunds.refund(ctx, order.id, {});
    // Not skipped: the retry comes after its backoff (e^1 s), whenever the machine gets to it (the 503 test checks the backoff).
    await done(r.refund.id);

    const keys = requestsFor(captureId).map((q) => q.requestId);
    expect(keys).toEqual([r.refund.id, r.refund.id]);
    expect(requestsFor(captureId)[1]!.status).toBe(201); // PayPal's first refund, answered again
    expect(refundsAt(captureId)).toHaveLength(1);
    expect(t.paypal.refundedCents(captureId)).toBe(6400);
    expect(await entries(tenant.id, order.id, 'payment.refund_sent')).toHaveLength(1);
  });

  it('a 4xx refusal is recorded on the order, logged as permanent and not retried', async () => {
    const { order, ctx, tenant, captureId } = await t.processorPaidOrder();
    t.paypal.failRefunds('reject');
    const r = await t.s.refunds.refund(ctx, order.id, { amountCents: 1500 });
    const [failed] = await waitFor('the failure entry', async () => {
      const rows = await entries(tenant.id, order.id, 'payment.refund_failed');
      return rows.length ? rows : undefined;
    });
    expect(failed).toMatchObject({
      actorType: 'SYSTEM',
      after: {
        refundId: r.refund.id,
        amountCents: 1500,
        permanent: true,
        httpStatus: 422,
        attempt: 1,
        providerCode: 'UNPROCESSABLE_ENTITY/REFUND_NOT_ALLOWED',
        error: expect.stringMatching(/PayPal refused/),
      },
    });
    await done(r.refund.id);
    expect(requestsFor(captureId)).toHaveLength(1);
    expect(refundsAt(captureId)).toEqual([]);
    // Ledgerline's books keep the refund; the audit trail tells the admin the money did not go back.
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).refundedTotalCents).toBe(1500);

    // The admins are alerted (refund.processor_failed, enqueued with the audit entry).
    const [alert] = await waitFor('the admin alert', async () => (alertsFor(r.refund.id).length ? alertsFor(r.refund.id) : undefined));
    expect(alert).toEqual({
      tenantId: tenant.id,
      orderId: order.id,
      refundId: r.refund.id,
      amountCents: 1500,
      currency: 'USD',
      permanent: true,
      error: expect.stringMatching(/REFUND_NOT_ALLOWED/),
    });

    // Running it again changes nothing: a permanent refusal is final, and alerted once.
    await t.s.bus
      .handlers()
      .get(PROCESSOR_REFUND_TASK)!
      .run({ tenantId: tenant.id, refundId: r.refund.id }, { attempt: 1, maxAttempts: 12, jobId: 'rerun' });
    expect(requestsFor(captureId)).toHaveLength(1);
    // A second alert would be a job the rerun added: once the queue has run it, the count is final.
    await waitForJobsDone({ db });
    expect(alertsFor(r.refund.id)).toHaveLength(1);
  });

  it('transient failures on the last attempt are recorded as not permanent; a later run still sends it once', async () => {
    await worker.stop();
    let made: Awaited<ReturnType<typeof t.processorPaidOrder>>;
    let refundId: string;
    try {
      made = await t.processorPaidOrder();
      refundId = (await t.s.refunds.refund(made.ctx, made.order.id, { amountCents: 999 })).refund.id;
      t.paypal.failRefunds('5xx');
      const handler = t.s.bus.handlers().get(PROCESSOR_REFUND_TASK)!;
      await expect(handler.run({ tenantId: made.tenant.id, refundId }, { attempt: 12, maxAttempts: 12, jobId: 'last' })).rejects.toThrow(
        /not reachable/,
      );
    } finally {
      worker = await startWorker({
        connectionString: testDatabaseUrl(),
        bus: t.s.bus,
        logger: t.s.logger,
        concurrency: 2,
        pollIntervalMs: 50,
      });
    }
    const [failed] = await entries(made.tenant.id, made.order.id, 'payment.refund_failed');
    expect(failed!.after).toMatchObject({ refundId, permanent: false, httpStatus: null, attempt: 12 });
    const [alert] = await waitFor('the admin alert', async () => (alertsFor(refundId).length ? alertsFor(refundId) : undefined));
    expect(alert).toMatchObject({ permanent: false, amountCents: 999, error: expect.stringMatching(/not reachable/) });
    // The queued job (its first attempt) runs now and succeeds: a transient failure does not block it.
    await done(refundId);
    expect(requestsFor(made.captureId).map((q) => q.status)).toEqual([503, 201]);
    expect(t.paypal.refundedCents(made.captureId)).toBe(999);
  });

  it('a P2P-paid order sends nothing to PayPal', async () => {
    const { order, ctx } = await t.manuallyPaidOrder('PAYPAL_MANUAL');
    const before = t.paypal.requests.length;
    const r = await t.s.refunds.refund(ctx, order.id, {});
    expect(r.moneyReturn).toBe('manual');
    expect(await refundJobs(db, r.refund.id)).toEqual([]);
    expect(t.paypal.requests).toHaveLength(before);
  });
});
