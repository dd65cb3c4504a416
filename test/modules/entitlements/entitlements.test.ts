// Entitlement rows and role-job handlers, called directly (no worker): idempotency, the revoke rule,
// failures on the last attempt, no guild.
import { describe, expect, it } from 'vitest';
import { ROLE_LANE } from '../../../src/modules/entitlements/role-changes.js';
import { registerEntitlementJobs } from '../../../src/modules/entitlements/role-jobs.js';
import { TASKS } from '../../../src/modules/shared/events.js';
import { LANE_DRAIN_TASK, laneDrainKey } from '../../../src/platform/jobs/lanes.js';
import type { JobContext } from '../../../src/platform/jobs/queue.js';
import { testDb } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';
import { afterSale, paidOrderFixture, queuedJobs } from '../refunds/after-sale.harness.js';
import { FakeRoleGateway } from './fake-role-gateway.js';

const db = testDb(30);
const f = factories(db);
const s = afterSale(db);
const gateway = new FakeRoleGateway();
registerEntitlementJobs(s.bus, { db, audit: s.audit, logger: s.logger, gateway });
const handler = (task: string) => s.bus.handlers().get(task)!;
const job = (attempt = 1, maxAttempts = 12): JobContext => ({ attempt, maxAttempts, jobId: '1' });

async function payloadsOf(task: string, entitlementIds: string[]) {
  return (await queuedJobs(db, task)).filter((j) => entitlementIds.includes(j.payload.entitlementId as string)).map((j) => j.payload);
}

describe('entitlement rows', () => {
  it('grantForOrder is idempotent: a second call creates no rows and enqueues no jobs', async () => {
    const { order, ctx } = await paidOrderFixture(db, s);
    const again = await db.$transaction((tx) => s.entitlements.grantForOrder(tx, { tenantId: ctx.tenantId, orderId: order.id }));
    expect(again).toEqual([]);
    const ents = await s.entitlements.listForOrder(ctx.tenantId, order.id);
    expect(ents).toHaveLength(2);
    expect(
      await payloadsOf(
        TASKS.roleAdd,
        ents.map((e) => e.id),
      ),
    ).toHaveLength(2);
  });

  it('revokeForOrder revokes only the given products, once', async () => {
    const { order, ctx, a, roleA } = await paidOrderFixture(db, s);
    const first = await db.$transaction((tx) =>
      s.entitlements.revokeForOrder(tx, { tenantId: ctx.tenantId, orderId: order.id, productIds: [a.id], reason: 'test' }),
    );
    const second = await db.$transaction((tx) =>
      s.entitlements.revokeForOrder(tx, { tenantId: ctx.tenantId, orderId: order.id, productIds: [a.id], reason: 'test' }),
    );
    expect(first.map((e) => e.roleId)).toEqual([roleA]);
    expect(second).toEqual([]);
    const revokes = await payloadsOf(
      TASKS.roleRemove,
      first.map((e) => e.id),
    );
    expect(revokes).toEqual([
      {
        tenantId: ctx.tenantId,
        entitlementId: first[0]!.id,
        customerId: order.customerId,
        roleId: roleA,
        orderId: order.id,
        guildId: order.guildId,
        reason: 'test',
      },
    ]);
  });
});

describe("a shop's role jobs", () => {
  it("are in the shop's lane, oldest first: no graphile-worker job or named queue of their own", async () => {
    const { order, ctx, a } = await paidOrderFixture(db, s);
    const revoked = await db.$transaction((tx) =>
      s.entitlements.revokeForOrder(tx, { tenantId: ctx.tenantId, orderId: order.id, productIds: [a.id], reason: 'test' }),
    );
    const ids = [...(await s.entitlements.listForOrder(ctx.tenantId, order.id)).map((e) => e.id), ...revoked.map((e) => e.id)];
    const laned = await db.laneJob.findMany({ where: { tenantId: ctx.tenantId }, orderBy: { id: 'asc' } });
    expect(laned.map((j) => [j.lane, j.task])).toEqual([
      [ROLE_LANE.name, TASKS.roleAdd],
      [ROLE_LANE.name, TASKS.roleAdd],
      [ROLE_LANE.name, TASKS.roleRemove],
    ]);
    const asJobs = await db.$queryRaw<{ task: string; queue: string | null; key: string | null }[]>`
      SELECT t.identifier AS task, q.queue_name AS queue, j.key
      FROM graphile_worker._private_jobs j
        JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
      WHERE j.payload->>'entitlementId' = ANY(${ids}) OR (t.identifier = ${LANE_DRAIN_TASK} AND j.payload->>'tenantId' = ${ctx.tenantId})`;
    // One drain for the shop's role lane, in no named queue.
    expect(asJobs).toEqual([{ task: LANE_DRAIN_TASK, queue: null, key: laneDrainKey(ROLE_LANE.name, ctx.tenantId) }]);
  });
});

describe('a rate limit met by a role job', () => {
  class RateLimited extends Error {}
  const t = afterSale(db);
  const gw = new FakeRoleGateway();
  registerEntitlementJobs(t.bus, { db, audit: t.audit, logger: t.logger, gateway: gw, isRateLimit: (err) => err instanceof RateLimited });

  it('is thrown as it is, with nothing recorded (the lane waits for the reset; not a failure, not an attempt)', async () => {
    const { order, ctx, roleA } = await paidOrderFixture(db, t);
    const ent = (await t.entitlements.listForOrder(ctx.tenantId, order.id)).find((e) => e.roleId === roleA)!;
    gw.failNext(new RateLimited('rate limited'), new RateLimited('rate limited'));
    const grant = t.bus.handlers().get(TASKS.roleAdd)!;
    // Even on what would be the last attempt: a rate limit does not make the change FAILED.
    for (const attempt of [1, 12])
      await expect(grant.run({ tenantId: ctx.tenantId, entitlementId: ent.id }, job(attempt, 12))).rejects.toBeInstanceOf(RateLimited);
    expect(await t.audit.listFor(ctx.tenantId, 'Entitlement', ent.id)).toEqual([]);
    expect(
      await db.roleChange.findUniqueOrThrow({ where: { entitlementId_action: { entitlementId: ent.id, action: 'GRANT' } } }),
    ).toMatchObject({ state: 'PENDING', failureKind: null, failureMessage: null, attempts: 0 });
  });
});

describe('role job handlers', () => {
  it('grant is safe to run twice: the member holds the role once', async () => {
    const { order, ctx, customer, guild, roleA } = await paidOrderFixture(db, s);
    const ent = (await s.entitlements.listForOrder(ctx.tenantId, order.id)).find((e) => e.roleId === roleA)!;
    await handler(TASKS.roleAdd).run({ tenantId: ctx.tenantId, entitlementId: ent.id }, job());
    await handler(TASKS.roleAdd).run({ tenantId: ctx.tenantId, entitlementId: ent.id }, job());
    expect(gateway.rolesOf(guild.id, customer.discordUserId)).toEqual([roleA]);
    expect(gateway.calls.filter((c) => c.roleId === roleA)[0]!.reason).toBe(`Order #${order.number} paid`);
  });

  it("grant does nothing for a revoked entitlement or another tenant's id", async () => {
    const { order, ctx, roleA } = await paidOrderFixture(db, s);
    const ent = (await s.entitlements.listForOrder(ctx.tenantId, order.id)).find((e) => e.roleId === roleA)!;
    await handler(TASKS.roleAdd).run({ tenantId: (await f.tenant()).id, entitlementId: ent.id }, job());
    await s.refunds.refund(ctx, order.id, {});
    await handler(TASKS.roleAdd).run({ tenantId: ctx.tenantId, entitlementId: ent.id }, job());
    expect(gateway.calls.filter((c) => c.roleId === roleA)).toHaveLength(0);
  });

  it('a transient failure on the last attempt is recorded and still thrown', async () => {
    const { order, ctx, roleA } = await paidOrderFixture(db, s);
    const ent = (await s.entitlements.listForOrder(ctx.tenantId, order.id)).find((e) => e.roleId === roleA)!;
    gateway.failNext(new Error('Discord 502'));
    await expect(handler(TASKS.roleAdd).run({ tenantId: ctx.tenantId, entitlementId: ent.id }, job(12, 12))).rejects.toThrow('Discord 502');
    const audit = await s.audit.listFor(ctx.tenantId, 'Entitlement', ent.id);
    expect(audit.map((e) => [e.action, e.after])).toEqual([
      [
        'entitlement.grant_failed',
        {
          roleId: roleA,
          error: 'Discord 502',
          kind: 'TRANSIENT',
          reason: expect.stringContaining('(Discord 502)'),
          discordCode: null,
          permanent: false,
          attempt: 12,
        },
      ],
    ]);
    // Out of attempts: the panel lists it as failed, with the error.
    expect(
      await db.roleChange.findUniqueOrThrow({ where: { entitlementId_action: { entitlementId: ent.id, action: 'GRANT' } } }),
    ).toMatchObject({ state: 'FAILED', failureKind: 'TRANSIENT', attempts: 12 });
  });

  it('a transient failure before the last attempt only throws (retried, nothing recorded)', async () => {
    const { order, ctx, roleA } = await paidOrderFixture(db, s);
    const ent = (await s.entitlements.listForOrder(ctx.tenantId, order.id)).find((e) => e.roleId === roleA)!;
    gateway.failNext(new Error('Discord 502'));
    await expect(handler(TASKS.roleAdd).run({ tenantId: ctx.tenantId, entitlementId: ent.id }, job(3, 12))).rejects.toThrow('Discord 502');
    expect(await s.audit.listFor(ctx.tenantId, 'Entitlement', ent.id)).toEqual([]);
    // Still pending (it will be retried), with the last error for the panel.
    expect(
      await db.roleChange.findUniqueOrThrow({ where: { entitlementId_action: { entitlementId: ent.id, action: 'GRANT' } } }),
    ).toMatchObject({ state: 'PENDING', failureKind: 'TRANSIENT', attempts: 3 });
  });

  it('no guild linked to the shop is a permanent failure, recorded without throwing', async () => {
    const tenant = await f.tenant();
    const customer = await f.customer({ tenantId: tenant.id });
    const roleId = snowflake();
    const product = await f.product({ tenantId: tenant.id, grantedRoleIds: [roleId] });
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 100 }],
    });
    await s.payments.confirm({ tenantId: tenant.id, actor: { type: 'SYSTEM' } }, { orderId: order.id });
    const ent = (await s.entitlements.listForOrder(tenant.id, order.id))[0]!;
    await handler(TASKS.roleAdd).run({ tenantId: tenant.id, entitlementId: ent.id }, job());
    const audit = await s.audit.listFor(tenant.id, 'Entitlement', ent.id);
    expect(audit[0]).toMatchObject({ action: 'entitlement.grant_failed', after: { permanent: true } });
    expect((audit[0]!.after as { error: string }).error).toMatch(/no Discord server linked/);
  });

  it('revoke is safe to run twice', async () => {
    const { order, ctx, customer, guild, roleA } = await paidOrderFixture(db, s);
    const ent = (await s.entitlements.listForOrder(ctx.tenantId, order.id)).find((e) => e.roleId === roleA)!;
    await handler(TASKS.roleAdd).run({ tenantId: ctx.tenantId, entitlementId: ent.id }, job());
    await s.refunds.refund(ctx, order.id, {});
    const [payload] = await payloadsOf(TASKS.roleRemove, [ent.id]);
    await handler(TASKS.roleRemove).run(payload, job());
    await handler(TASKS.roleRemove).run(payload, job());
    expect(gateway.rolesOf(guild.id, customer.discordUserId)).toEqual([]);
    expect(gateway.succeeded('remove', roleA)).toBe(2);
  });
});
