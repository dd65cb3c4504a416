// Time-limited access with time moved, never slept: paying schedules the reminder and the expiry at computed
// run_at times; runDue() runs the queue's jobs that are due by the database's clock (graphile-worker's own rows,
// in run_at order) through the registered handlers. The jobs judge the end by the database's clock too, whose
// now() a test cannot move: days pass by moving the shop's stored times back instead (its access periods' ends
// and its queued jobs' run_at: timeline()). A purchase dates its access period by the database's now too. The role comes off at the end with a DM saying how to renew; buying
// again extends from the current end; a refund before the end leaves nothing for the expiry to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../../../src/dev/fake-discord-api.js';
import { createAuditService } from '../../../src/modules/audit/audit.service.js';
import { createDiscountService } from '../../../src/modules/discounts/discount.service.js';
import { createEntitlementService } from '../../../src/modules/entitlements/entitlement.service.js';
import { registerEntitlementJobs } from '../../../src/modules/entitlements/role-jobs.js';
import { ACCESS_TASKS, registerTimedAccessJobs } from '../../../src/modules/entitlements/timed-access.js';
import { createInventoryService } from '../../../src/modules/inventory/inventory.service.js';
import { createPaymentService } from '../../../src/modules/payments/payment.service.js';
import { createRefundService } from '../../../src/modules/refunds/refund.service.js';
import type { Clock } from '../../../src/platform/clock.js';
import { databaseNow } from '../../../src/platform/db/database-now.js';
import { registerLaneDrain } from '../../../src/platform/jobs/lanes.js';
import { EventBus } from '../../../src/platform/jobs/queue.js';
import { createLogger } from '../../../src/platform/logger.js';
import { createDiscordRest } from '../../../src/adapters/discord/discord-rest.js';
import { registerAccessNotifications } from '../../../src/adapters/discord/notifications/access-notifications.js';
import { registerDiscordNotifications } from '../../../src/adapters/discord/notifications/order-notifications.js';
import { createCustomerService } from '../../../src/modules/customers/customer.service.js';
import { createDmStatusService } from '../../../src/modules/notifications/dm-status.service.js';
import { createOrderQueryService } from '../../../src/modules/orders/order-query.service.js';
import { createTenantService } from '../../../src/modules/tenants/tenant.service.js';
import { adminCtx } from '../../helpers/actors.js';
import { testDb, testSql } from '../../helpers/db.js';
import { factories, snowflake } from '../../helpers/factories.js';
import { FakeRoleGateway } from './fake-role-gateway.js';

const DAY = 24 * 3600_000;
const db = testDb();
const f = factories(db);
// The app's clock, set when each test begins and left there (the stored times move back as days pass, so the
// app's now stays the test's now). A purchase dates its access period by the database's now, not by it.
let now = new Date();
const clock: Clock = { now: () => now };
const bus = new EventBus();
const logger = createLogger({ level: 'silent', pretty: false });
const audit = createAuditService({ db });
const entitlements = createEntitlementService({ db });
const deps = { db, bus, clock, logger, audit, entitlements, inventory: createInventoryService(), discounts: createDiscountService() };
const payments = createPaymentService(deps);
const refunds = createRefundService(deps);
const gateway = new FakeRoleGateway();
const discord = new FakeDiscordApi();
registerEntitlementJobs(bus, { db, audit, logger, gateway });
registerLaneDrain(bus, { sql: testSql(), logger, waitFor: () => undefined }); // the role jobs run in the shop's lane
registerTimedAccessJobs(bus, { db, audit, logger });

beforeAll(async () => {
  await discord.start();
  // The customer-DM machinery, on a bus of its own (this file runs the access jobs only, not the order DMs).
  const dmBus = new EventBus();
  const dms = registerDiscordNotifications(dmBus, {
    rest: createDiscordRest({ apiBaseUrl: discord.apiBase, botToken: 't' }),
    logger,
    tenants: createTenantService({ db }),
    orders: { ...createOrderQueryService({ db }), recordAdminMessage: async () => undefined },
    customers: createCustomerService({ db, clock, bus: dmBus }),
    dmStatus: createDmStatusService({ db, clock, bus: dmBus }),
  });
  registerAccessNotifications(bus, { dms });
});
afterAll(() => discord.stop());

interface Due {
  id: bigint;
  task: string;
  payload: unknown;
}
/** Runs every job due by the database's clock (and those they enqueue), oldest run_at first; others stay queued. */
async function runDue(): Promise<string[]> {
  const ran: string[] = [];
  for (;;) {
    const [job] = await db.$queryRaw<Due[]>`
      SELECT j.id, t.identifier AS task, j.payload FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE j.run_at <= now() ORDER BY j.run_at, j.id LIMIT 1`;
    if (!job) return ran;
    await db.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE id = ${job.id}`;
    const handler = bus.handlers().get(job.task);
    if (handler) await handler.run(handler.schema.parse(job.payload), { attempt: 1, maxAttempts: 1, jobId: String(job.id) });
    ran.push(job.task);
  }
}

async function scheduled(task: string, orderId: string): Promise<Date[]> {
  const rows = await db.$queryRaw<{ run_at: Date }[]>`
    SELECT j.run_at FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = ${task} AND j.payload->>'orderId' = ${orderId}`;
  return rows.map((r) => r.run_at);
}

async function shop(accessDays = 30) {
  const tenant = await f.tenant();
  const guild = await f.guild({ tenantId: tenant.id });
  const customer = await f.customer({ tenantId: tenant.id });
  const roleId = snowflake();
  const product = await f.product({ tenantId: tenant.id, name: 'Pro Membership', grantedRoleIds: [roleId], accessDays });
  const buy = async () => {
    const order = await f.order({
      tenantId: tenant.id,
      customerId: customer.id,
      guildId: guild.id,
      lines: [{ productId: product.id, quantity: 1, unitPriceCents: 500 }],
    });
    await payments.confirm(adminCtx(tenant.id), { orderId: order.id });
    await runDue(); // the grant
    return order;
  };
  return { tenantId: tenant.id, guildId: guild.id, customer, userId: customer.discordUserId, roleId, product, buy };
}

const dmsTo = (userId: string) =>
  discord
    .directMessages()
    .filter((m) => m.userId === userId)
    .map((m) => (m.body as { embeds: { title: string; description: string }[] }).embeds[0]!);
/** When the order's access period of `days` began: the database's now when it was bought. */
async function periodStart(orderId: string, days: number): Promise<Date> {
  const ent = await db.entitlement.findFirstOrThrow({ where: { orderId } });
  return new Date(ent.endsAt!.getTime() - days * DAY);
}

/**
 * A test's time, from its first purchase (t0, the database's now then). `at(days)` is that long after t0 as the
 * shop's rows read it now; `to(days)` lets time pass until then, by the database's clock: the shop's access periods
 * end, and its queued jobs fall due, that much sooner.
 */
function timeline(tenantId: string, t0: Date) {
  let passedMs = 0;
  return {
    at: (days: number, extraMs = 0) => new Date(t0.getTime() + days * DAY + extraMs - passedMs),
    async to(days: number, extraMs = 0) {
      const secs = (days * DAY + extraMs - passedMs) / 1000;
      await db.$executeRaw`UPDATE entitlements SET "endsAt" = "endsAt" - make_interval(secs => ${secs}::float8) WHERE "tenantId" = ${tenantId}`;
      await db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = run_at - make_interval(secs => ${secs}::float8) WHERE payload->>'tenantId' = ${tenantId}`;
      passedMs = days * DAY + extraMs;
    },
  };
}

describe('time-limited access', () => {
  it('reminds 3 days before the end, removes the role at the end and says how to renew', async () => {
    now = new Date();
    const s = await shop(30);
    const boughtFrom = await databaseNow(db);
    const order = await s.buy();
    const boughtTo = await databaseNow(db);
    const [ent] = await db.entitlement.findMany({ where: { orderId: order.id } });
    // 30 days from the database's now when it was bought.
    const time = timeline(s.tenantId, await periodStart(order.id, 30));
    expect(time.at(0).getTime()).toBeGreaterThanOrEqual(boughtFrom.getTime());
    expect(time.at(0).getTime()).toBeLessThanOrEqual(boughtTo.getTime());
    expect(ent!.endsAt).toEqual(time.at(30));
    expect(gateway.rolesOf(s.guildId, s.userId)).toEqual([s.roleId]);
    expect(await scheduled(ACCESS_TASKS.remind, order.id)).toEqual([time.at(27)]);
    expect(await scheduled(ACCESS_TASKS.expire, order.id)).toEqual([time.at(30)]);

    await time.to(26);
    expect(await runDue()).toEqual([]); // nothing is due yet
    await time.to(27, 60_000);
    await runDue();
    expect(dmsTo(s.userId).map((e) => e.title)).toEqual(['Your access to Pro Membership ends soon']);
    expect(gateway.rolesOf(s.guildId, s.userId)).toEqual([s.roleId]);

    await time.to(30, 60_000);
    const before = await databaseNow(db);
    await runDue();
    const after = await databaseNow(db);
    expect(gateway.rolesOf(s.guildId, s.userId)).toEqual([]);
    const revoked = await db.entitlement.findUniqueOrThrow({ where: { id: ent!.id } });
    expect(revoked.status).toBe('REVOKED');
    // Revoked when its expiry ran, by the database's clock.
    expect(revoked.revokedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(revoked.revokedAt!.getTime()).toBeLessThanOrEqual(after.getTime());
    const ended = dmsTo(s.userId)[1]!;
    expect(ended.title).toBe('Your access to Pro Membership has ended');
    expect(ended.description).toContain('use `/order` and buy **Pro Membership** again');
    expect((await audit.listFor(s.tenantId, 'Entitlement', ent!.id)).map((a) => a.action)).toEqual([
      'entitlement.role_added',
      'entitlement.expired',
      'entitlement.role_removed',
    ]);
  });

  it('buying again extends from the current end: no reminder or removal in between, one at the new end', async () => {
    now = new Date();
    const s = await shop(30);
    const first = await s.buy();
    const time = timeline(s.tenantId, await periodStart(first.id, 30));
    await time.to(10);
    const second = await s.buy();
    const [renewed] = await db.entitlement.findMany({ where: { orderId: second.id } });
    expect(renewed!.endsAt).toEqual(time.at(60));

    await time.to(30, 60_000); // the first period's reminder and end
    await runDue();
    expect(dmsTo(s.userId)).toEqual([]);
    expect(gateway.rolesOf(s.guildId, s.userId)).toEqual([s.roleId]);
    const [old] = await db.entitlement.findMany({ where: { orderId: first.id } });
    expect((await audit.listFor(s.tenantId, 'Entitlement', old!.id)).map((a) => a.action)).toEqual([
      'entitlement.role_added',
      'entitlement.expired',
      'entitlement.role_kept',
    ]);

    await time.to(57, 60_000);
    await runDue();
    expect(dmsTo(s.userId).map((e) => e.title)).toEqual(['Your access to Pro Membership ends soon']);
    await time.to(60, 60_000);
    await runDue();
    expect(gateway.rolesOf(s.guildId, s.userId)).toEqual([]);
    expect(dmsTo(s.userId).map((e) => e.title)).toEqual([
      'Your access to Pro Membership ends soon',
      'Your access to Pro Membership has ended',
    ]);
  });

  it('a refund before the end leaves nothing to expire; a product without accessDays schedules nothing', async () => {
    now = new Date();
    const s = await shop(7);
    const order = await s.buy();
    const time = timeline(s.tenantId, await periodStart(order.id, 7));
    await refunds.refund(adminCtx(s.tenantId), order.id, { items: [{ productId: s.product.id, quantity: 1 }] });
    await runDue();
    expect(gateway.rolesOf(s.guildId, s.userId)).toEqual([]);
    await time.to(8);
    await runDue();
    expect(dmsTo(s.userId)).toEqual([]);

    const forever = await shop();
    await db.product.update({ where: { id: forever.product.id }, data: { accessDays: null } });
    const o2 = await forever.buy();
    expect(await scheduled(ACCESS_TASKS.expire, o2.id)).toEqual([]);
    expect((await db.entitlement.findFirstOrThrow({ where: { orderId: o2.id } })).endsAt).toBeNull();
  });
});
