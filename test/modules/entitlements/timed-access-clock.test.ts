// Time-limited access ends at the entitlement's endsAt, and its expiry job runs once the database's now() passes its
// run_at (graphile-worker's clock); the job then judged whether the end had come by the clock of the instance that ran
// it. Several run, and their clocks differ from each other and from PostgreSQL's. On one running behind, the job found
// the access not ended yet and queued itself again at the end, which the database already counted as past: it ran
// again at once, over and over for as long as the clock stayed behind, and the role stayed meanwhile. One running
// ahead took the role off before the end. The reminder had the mirror image: "ends soon" sent after the end, or not
// sent before it. The end is now read by the database's clock, on every instance alike (and so is revokedAt).
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ACCESS_EVENTS, ACCESS_TASKS, registerTimedAccessJobs } from '../../../src/modules/entitlements/timed-access.js';
import { databaseNow, SQL_DATABASE_NOW } from '../../../src/platform/db/database-now.js';
import { EventBus } from '../../../src/platform/jobs/queue.js';
import { testDb } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';
import { afterSale, PROBE } from '../refunds/after-sale.harness.js';

const db = testDb();
const s = afterSale(db);
const f = factories(db);

/** How far the instance's clock is from the database's: well beyond the minute the end is away. */
const SKEW_SECS = 10 * 60;

/** Runs a timed-access job as a worker on an instance whose clock reads the database's now plus `secs` (behind when negative) would. */
async function runOnSkewedInstance(secs: number, task: string, payload: { tenantId: string; orderId: string; productId: string }) {
  const bus = new EventBus();
  // Probes on the customer's DMs, so what the job emits is a job row to look at.
  for (const event of Object.values(ACCESS_EVENTS)) bus.subscribe(event, PROBE, { schema: z.unknown(), run: async () => undefined });
  registerTimedAccessJobs(bus, { db, audit: s.audit, logger: s.logger });
  const handler = bus.handlers().get(task)!;
  // The jobs take no Clock: the instance's own clock is Date, set `secs` from the database's for the run.
  vi.useFakeTimers({ toFake: ['Date'], now: (await databaseNow(db)).getTime() + secs * 1000 });
  try {
    await handler.run(handler.schema.parse(payload), { attempt: 1, maxAttempts: 25, jobId: '1' });
  } finally {
    vi.useRealTimers();
  }
}

/** A customer's GRANTED 30-day access, ending `secs` from the database's now (past when negative). */
async function accessEndingIn(secs: number) {
  const { tenant, guild, customer } = await f.shop();
  const product = await f.product({ tenantId: tenant.id, name: 'Pro Membership', grantedRoleIds: [snowflake()], accessDays: 30 });
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    guildId: guild.id,
    status: 'PAID',
    lines: [{ productId: product.id, quantity: 1, unitPriceCents: 500 }],
  });
  const ent = await f.entitlement({ tenantId: tenant.id, customerId: customer.id, productId: product.id, orderId: order.id });
  await db.$executeRaw`UPDATE entitlements SET "endsAt" = ${SQL_DATABASE_NOW} + make_interval(secs => ${secs}::float8) WHERE id = ${ent.id}`;
  const endsAt = (await db.entitlement.findUniqueOrThrow({ where: { id: ent.id } })).endsAt!;
  return { payload: { tenantId: tenant.id, orderId: order.id, productId: product.id }, entitlementId: ent.id, endsAt };
}

/** The waiting jobs of one key (the one that ran was taken off the queue by the worker, as here). */
const jobsOf = (key: string) => db.$queryRaw<{ run_at: Date }[]>`SELECT run_at FROM graphile_worker._private_jobs WHERE key = ${key}`;
const keyOf = (p: { orderId: string; productId: string }) => `${p.orderId}:${p.productId}`;

describe("time-limited access's end, read by the database's clock", () => {
  it('an instance whose clock runs behind ends an access past its end on the first run, queueing no run again', async () => {
    // A minute past its end by the database's clock (so its job was handed out); this instance's clock reads 9 minutes to go.
    const { payload, entitlementId } = await accessEndingIn(-60);
    const before = await databaseNow(db);
    await runOnSkewedInstance(-SKEW_SECS, ACCESS_TASKS.expire, payload);
    const after = await databaseNow(db);
    // Before: left GRANTED, and the job queued again at the end, which the database counts as past: run again at once.
    const ent = await db.entitlement.findUniqueOrThrow({ where: { id: entitlementId } });
    expect(ent.status).toBe('REVOKED');
    // Revoked at the database's now, not 10 minutes before it.
    expect(ent.revokedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(ent.revokedAt!.getTime()).toBeLessThanOrEqual(after.getTime());
    expect(await jobsOf(`access-expire:${keyOf(payload)}`)).toEqual([]);
    expect(await jobsOf(`access-ended:${keyOf(payload)}>${PROBE}`)).toHaveLength(1);
  });

  it('an instance whose clock runs ahead keeps an access whose end is still ahead, and queues the expiry at the end', async () => {
    // A minute to go by the database's clock (the job was brought forward); this instance's clock reads it 9 minutes past.
    const { payload, entitlementId, endsAt } = await accessEndingIn(60);
    await runOnSkewedInstance(SKEW_SECS, ACCESS_TASKS.expire, payload);
    expect(await db.entitlement.findUniqueOrThrow({ where: { id: entitlementId } })).toMatchObject({ status: 'GRANTED', revokedAt: null });
    // Queued again for the end itself, not earlier.
    expect((await jobsOf(`access-expire:${keyOf(payload)}`)).map((j) => j.run_at)).toEqual([endsAt]);
    expect(await jobsOf(`access-ended:${keyOf(payload)}>${PROBE}`)).toEqual([]);
  });

  it('the "ends soon" reminder: sent while the end is ahead by the database\'s clock, not once it has passed, whatever the instance\'s clock reads', async () => {
    const ahead = await accessEndingIn(60);
    await runOnSkewedInstance(SKEW_SECS, ACCESS_TASKS.remind, ahead.payload);
    expect(await jobsOf(`access-ending:${keyOf(ahead.payload)}>${PROBE}`)).toHaveLength(1);

    const ended = await accessEndingIn(-60);
    await runOnSkewedInstance(-SKEW_SECS, ACCESS_TASKS.remind, ended.payload);
    expect(await jobsOf(`access-ending:${keyOf(ended.payload)}>${PROBE}`)).toEqual([]);
  });
});
