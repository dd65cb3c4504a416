// Builds the after-sale services (payments, order admin, refunds, entitlements, audit) on the test file's
// database, with probe subscribers on every event so emitted jobs can be counted in the real job queue, and the
// lanes' drain task (a worker started on the bus runs the lane jobs: the role jobs).
import { createAuditService } from '../../../src/modules/audit/audit.service.js';
import { createEntitlementService } from '../../../src/modules/entitlements/entitlement.service.js';
import { createDiscountService } from '../../../src/modules/discounts/discount.service.js';
import { createInventoryService } from '../../../src/modules/inventory/inventory.service.js';
import type { AfterSaleDeps } from '../../../src/modules/orders/after-sale.deps.js';
import { createOrderAdminService } from '../../../src/modules/order-admin/order-admin.service.js';
import { createPaymentService } from '../../../src/modules/payments/payment.service.js';
import { createRefundService } from '../../../src/modules/refunds/refund.service.js';
import { EVENTS } from '../../../src/modules/shared/events.js';
import { systemClock } from '../../../src/platform/clock.js';
import type { Db } from '../../../src/platform/db/prisma.js';
import { LANE_DRAIN_TASK, registerLaneDrain } from '../../../src/platform/jobs/lanes.js';
import { EventBus } from '../../../src/platform/jobs/queue.js';
import { createLogger } from '../../../src/platform/logger.js';
import { z } from 'zod';
import { adminCtx } from '../../helpers/actors.js';
import { testSql } from '../../helpers/db.js';

export const PROBE = 'test-probe';

export { adminCtx };

export function afterSale(db: Db) {
  const bus = new EventBus();
  for (const event of Object.values(EVENTS)) bus.subscribe(event, PROBE, { schema: z.unknown(), run: async () => undefined });
  const logger = createLogger({ level: 'silent', pretty: false });
  // The lanes' drain, as the composition root registers it (a shop's role jobs run in its lane); no rate limits here.
  registerLaneDrain(bus, { sql: testSql(), logger, waitFor: () => undefined });
  const audit = createAuditService({ db });
  const entitlements = createEntitlementService({ db });
  const deps: AfterSaleDeps = {
    db,
    bus,
    clock: systemClock,
    logger,
    audit,
    entitlements,
    inventory: createInventoryService(),
    discounts: createDiscountService(),
  };
  return {
    deps,
    bus,
    logger,
    audit,
    entitlements,
    payments: createPaymentService(deps),
    orderAdmin: createOrderAdminService(deps),
    refunds: createRefundService(deps),
  };
}

export interface QueuedJob {
  task: string;
  payload: Record<string, unknown>;
  attempts: number;
  lastError: string | null;
}

/**
 * Jobs waiting, oldest first (optionally only one task): graphile-worker's, then the lanes' (lanes.ts: a shop's
 * role jobs, say), without the lanes' drain jobs (the lane's rows are its work).
 */
export async function queuedJobs(db: Db, task?: string): Promise<QueuedJob[]> {
  const rows = await db.$queryRaw<{ task: string; payload: Record<string, unknown>; attempts: number; last_error: string | null }[]>`
    SELECT task, payload, attempts, last_error FROM (
      SELECT 0 AS kind, j.id, t.identifier AS task, j.payload::jsonb AS payload, j.attempts::int AS attempts, j.last_error
      FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier <> ${LANE_DRAIN_TASK}
      UNION ALL
      SELECT 1, l.id, l.task, l.payload, l.attempts, l."lastError" FROM lane_jobs l
    ) jobs ORDER BY kind, id`;
  return rows
    .filter((r) => !task || r.task === task)
    .map((r) => ({ task: r.task, payload: r.payload, attempts: r.attempts, lastError: r.last_error }));
}

export const eventJob = (event: string) => `${event}>${PROBE}`;

/**
 * A paid order of a tenant that tracks stock: A x2 at 25.00 (grants a role, stock-tracked, 8 left after
 * the reservation), B x3 at 5.00 (stock-tracked, 7 left), C x1 at 10.00 (not tracked, grants a role).
 * Subtotal 75.00 + shipping 5.00 + tax 6.00 = total 86.00. Confirmed through payments.confirm.
 */
export async function paidOrderFixture(db: Db, s: ReturnType<typeof afterSale>, opts: { confirm?: boolean } = {}) {
  const { factories, snowflake } = await import('../../helpers/factories.js');
  const f = factories(db);
  const { tenant, guild, customer } = await f.shop();
  const roleA = snowflake();
  const roleC = snowflake();
  const a = await f.product({
    tenantId: tenant.id,
    name: 'Alpha',
    unitPriceCents: 2500,
    trackStock: true,
    stock: 8,
    grantedRoleIds: [roleA],
  });
  const b = await f.product({ tenantId: tenant.id, name: 'Bravo', unitPriceCents: 500, trackStock: true, stock: 7 });
  const c = await f.product({ tenantId: tenant.id, name: 'Charlie', unitPriceCents: 1000, grantedRoleIds: [roleC] });
  const order = await f.order({
    tenantId: tenant.id,
    customerId: customer.id,
    guildId: guild.id,
    shippingCents: 500,
    taxAmountCents: 600,
    totalCents: 8600,
    lines: [
      { productId: a.id, name: 'Alpha', quantity: 2, unitPriceCents: 2500 },
      { productId: b.id, name: 'Bravo', quantity: 3, unitPriceCents: 500 },
      { productId: c.id, name: 'Charlie', quantity: 1, unitPriceCents: 1000 },
    ],
  });
  await f.reservation({ tenantId: tenant.id, orderId: order.id, productId: a.id, quantity: 2 });
  await f.reservation({ tenantId: tenant.id, orderId: order.id, productId: b.id, quantity: 3 });
  const ctx = adminCtx(tenant.id);
  if (opts.confirm ?? true) await s.payments.confirm(ctx, { orderId: order.id });
  return { tenant, guild, customer, a, b, c, roleA, roleC, order, ctx };
}

export async function stockOf(db: Db, productId: string): Promise<number> {
  return (await db.product.findUniqueOrThrow({ where: { id: productId }, select: { stock: true } })).stock;
}
