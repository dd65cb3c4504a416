// The role jobs on a real graphile-worker, in their shop's lane: retry with backoff, permanent failures recorded and not
// retried, revocation that keeps a role another order still justifies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_LANE } from '../../../src/modules/entitlements/role-changes.js';
import { registerEntitlementJobs } from '../../../src/modules/entitlements/role-jobs.js';
import { RoleGatewayPermanentError } from '../../../src/modules/entitlements/role-gateway.port.js';
import { TASKS } from '../../../src/modules/shared/events.js';
import { laneDrainKey } from '../../../src/platform/jobs/lanes.js';
import { startWorker, type WorkerHandle } from '../../../src/platform/jobs/worker.js';
import { testDatabaseUrl, testDb } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';
import { FakeRoleGateway } from '../entitlements/fake-role-gateway.js';
import { adminCtx, afterSale } from '../refunds/after-sale.harness.js';
import { waitFor } from '../../helpers/wait-for.js';

const db = testDb(30);
const f = factories(db);
const s = afterSale(db);
const gateway = new FakeRoleGateway();
registerEntitlementJobs(s.bus, { db, audit: s.audit, logger: s.logger, gateway });
let worker: WorkerHandle;

beforeAll(async () => {
  worker = await startWorker({ connectionString: testDatabaseUrl(), bus: s.bus, logger: s.logger, concurrency: 2, pollIntervalMs: 50 });
});
afterAll(async () => {
  await worker?.stop();
});

interface JobRow {
  id: string;
  attempts: number;
  retryAt: Date | null;
  lastError: string | null;
  leasedUntil: Date | null;
}
/** The role job of the entitlement in its shop's lane (ROLE_LANE). */
async function roleJobs(task: string, entitlementId: string): Promise<JobRow[]> {
  return db.$queryRaw<JobRow[]>`
    SELECT id::text AS id, attempts, "retryAt", "lastError", "leasedUntil" FROM lane_jobs
    WHERE lane = ${ROLE_LANE.name} AND task = ${task} AND payload->>'entitlementId' = ${entitlementId}`;
}

/**
 * Waits until the role job of the entitlement has failed its `attempts`-th run (or a later one) and is seen, in one
 * read, given back and scheduled later than that read's now(): the backoff. The gateway must keep failing meanwhile,
 * so that a window missed by a stalled test comes again (longer) instead of the job completing unseen.
 */
async function failedAndWaiting(entitlementId: string, attempts: number): Promise<JobRow> {
  const [row] = await waitFor(`attempt ${attempts} to fail and wait for its backoff`, async () => {
    const rows = await db.$queryRaw<JobRow[]>`
      SELECT id::text AS id, attempts, "retryAt", "lastError", "leasedUntil" FROM lane_jobs
      WHERE lane = ${ROLE_LANE.name} AND task = ${TASKS.roleAdd} AND payload->>'entitlementId' = ${entitlementId}
        AND attempts >= ${attempts} AND "leasedUntil" IS NULL AND "retryAt" > now()`;
    return rows.length ? rows : undefined;
  });
  return row!;
}

/** Skips the wait for the lane job's retry (its backoff is e^attempts seconds): it is due, and so is its lane's drain. */
async function retryNow(tenantId: string, row: JobRow): Promise<void> {
  // A second ago: the column keeps milliseconds and rounds, so now() can be stored just ahead (lanes.test.ts).
  await db.$executeRaw`UPDATE lane_jobs SET "retryAt" = now() - interval '1 second' WHERE id = ${BigInt(row.id)}`;
  await db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${laneDrainKey(ROLE_LANE.name, tenantId)}`;
}

/** A paid order of one product that grants `roleId`. */
async function paidOrderGranting(roleId: string, opts: { tenantId?: string; customerId?: string; guildId?: string | null } = {}) {
  const tenantId = opts.tenantId ?? (await f.tenant()).id;
  const guildId = opts.guildId === undefined ? (await f.guild({ tenantId })).id : opts.guildId;
  const customerId = opts.customerId ?? (await f.customer({ tenantId })).id;
  const product = await f.product({ tenantId, grantedRoleIds: [roleId] });
  const order = await f.order({ tenantId, customerId, guildId, lines: [{ productId: product.id, quantity: 1, unitPriceCents: 1500 }] });
  await s.payments.confirm(adminCtx(tenantId), { orderId: order.id });
  const ent = await db.entitlement.findFirstOrThrow({ where: { orderId: order.id }, include: { customer: true } });
  return { tenantId, guildId, customerId, order, ent, userId: ent.customer.discordUserId };
}

describe('entitlement.grant on the worker', () => {
  it('a gateway failing twice then succeeding ends with the role added once, after backoff', async () => {
    const roleId = snowflake();
    // Down until the test has seen two failed attempts waiting: a window missed on a busy machine comes again, later.
    gateway.failUntilCleared(new Error('Discord 503'));
    const { ent, guildId, userId, tenantId } = await paidOrderGranting(roleId);

    // A failed attempt: the job stays in the lane with its error, to be retried later (exponential backoff).
    const afterFirst = await failedAndWaiting(ent.id, 1);
    expect(afterFirst.lastError).toMatch(/Discord 503/);

    // Skip the wait and let it run again: fails again.
    await retryNow(tenantId, afterFirst);
    const afterSecond = await failedAndWaiting(ent.id, afterFirst.attempts + 1);

    gateway.failUntilCleared();
    await retryNow(tenantId, afterSecond);
    await waitFor('the job to complete', async () => (await roleJobs(TASKS.roleAdd, ent.id)).length === 0);

    // Failed attempts (two, or more if the machine was slower than a backoff), then the one that added the role.
    const calls = gateway.calls.filter((c) => c.roleId === roleId).map((c) => c.ok);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls).toEqual([...Array<boolean>(calls.length - 1).fill(false), true]);
    expect(gateway.succeeded('add', roleId)).toBe(1);
    expect(gateway.rolesOf(guildId!, userId)).toEqual([roleId]);
    const audit = await s.audit.listFor(tenantId, 'Entitlement', ent.id);
    expect(audit.map((e) => [e.action, (e.after as { attempt: number }).attempt])).toEqual([['entitlement.role_added', calls.length]]);
  });

  it('a permanent failure (missing permission) is recorded and not retried', async () => {
    const roleId = snowflake();
    gateway.failNext(new RoleGatewayPermanentError('Missing Permissions (Discord 50013)', { discordCode: 50013 }));
    const { ent, tenantId } = await paidOrderGranting(roleId);

    const [entry] = await waitFor('the failure entry', async () => {
      const rows = await s.audit.listFor(tenantId, 'Entitlement', ent.id);
      return rows.length ? rows : undefined;
    });
    expect(entry).toMatchObject({
      action: 'entitlement.grant_failed',
      actorType: 'SYSTEM',
      after: { roleId, permanent: true, discordCode: 50013, attempt: 1 },
    });
    await waitFor('the job to leave the lane', async () => (await roleJobs(TASKS.roleAdd, ent.id)).length === 0);
    expect(gateway.calls.filter((c) => c.roleId === roleId)).toHaveLength(1);
  });

  it("grants in the tenant's first guild when the order has none", async () => {
    const roleId = snowflake();
    const tenantId = (await f.tenant()).id;
    const first = await f.guild({ tenantId });
    await f.guild({ tenantId });
    const { userId } = await paidOrderGranting(roleId, { tenantId, guildId: null });
    await waitFor('the role', async () => gateway.rolesOf(first.id, userId).includes(roleId));
  });
});

describe('entitlement.revoke on the worker', () => {
  it('keeps a role another paid order still justifies, removes it with the last one', async () => {
    const roleId = snowflake();
    const one = await paidOrderGranting(roleId);
    const two = await paidOrderGranting(roleId, { tenantId: one.tenantId, customerId: one.customerId, guildId: one.guildId });
    await waitFor('both grants', async () => gateway.succeeded('add', roleId) === 2);

    await s.refunds.refund(adminCtx(one.tenantId), one.order.id, {});
    await waitFor('the kept-role entry', async () =>
      (await s.audit.listFor(one.tenantId, 'Entitlement', one.ent.id)).some((e) => e.action === 'entitlement.role_kept'),
    );
    expect(gateway.succeeded('remove', roleId)).toBe(0);
    expect(gateway.rolesOf(one.guildId!, one.userId)).toEqual([roleId]);

    await s.refunds.refund(adminCtx(one.tenantId), two.order.id, {});
    await waitFor('the removal', async () => gateway.succeeded('remove', roleId) === 1);
    expect(gateway.rolesOf(one.guildId!, one.userId)).toEqual([]);
    expect(gateway.calls.find((c) => c.op === 'remove' && c.roleId === roleId)!.reason).toBe(`Order #${two.order.number} refunded`);
  });

  it('a refund right after payment: the grant job sees the revocation and the role ends removed', async () => {
    const roleId = snowflake();
    await worker.stop();
    let made: Awaited<ReturnType<typeof paidOrderGranting>>;
    try {
      made = await paidOrderGranting(roleId);
      await s.refunds.refund(adminCtx(made.tenantId), made.order.id, {});
    } finally {
      worker = await startWorker({ connectionString: testDatabaseUrl(), bus: s.bus, logger: s.logger, concurrency: 2, pollIntervalMs: 50 });
    }
    const { guildId, userId, ent } = made;
    await waitFor(
      'both jobs',
      async () => (await roleJobs(TASKS.roleAdd, ent.id)).length === 0 && (await roleJobs(TASKS.roleRemove, ent.id)).length === 0,
    );
    expect(gateway.succeeded('add', roleId)).toBe(0);
    expect(gateway.rolesOf(guildId!, userId)).toEqual([]);
  });

  it('works after the order was deleted (the payload carries what to remove)', async () => {
    const roleId = snowflake();
    const { order, tenantId, guildId, userId } = await paidOrderGranting(roleId);
    await waitFor('the grant', async () => gateway.rolesOf(guildId!, userId).includes(roleId));
    await s.orderAdmin.delete(adminCtx(tenantId), order.id);
    await waitFor('the removal', async () => !gateway.rolesOf(guildId!, userId).includes(roleId));
    expect(gateway.calls.find((c) => c.op === 'remove' && c.roleId === roleId)!.reason).toBe(`Order #${order.number} deleted`);
  });
});
