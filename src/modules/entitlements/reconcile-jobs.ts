// The daily reconciliation: a cron tick (graphile-worker crontab, 04:00 UTC) enqueues one job per shop with
// a linked server, so shops are reconciled (and retried) one by one; the panel runs the same service call
// on demand.
import { z } from 'zod';
import type { Db } from '../../platform/db/prisma.js';
import { enqueueJob, type EventBus } from '../../platform/jobs/queue.js';
import { systemActor } from '../shared/actor.js';
import type { RoleRepairService } from './role-repair.service.js';

export const RECONCILE_TASKS = {
  /** The cron tick: fans out to one entitlement.reconcile per shop. No dot: crontab task names cannot have one. */
  all: 'entitlement_reconcile_all',
  tenant: 'entitlement.reconcile',
} as const;

export const RECONCILE_SCHEDULE = '0 4 * * *';

export function registerReconcileJobs(bus: EventBus, deps: { db: Db; roleRepair: RoleRepairService }): void {
  // graphile-worker's cron adds a `_cron` field to the payload; nothing else is needed.
  bus.registerTask(RECONCILE_TASKS.all, {
    schema: z.object({}).loose(),
    async run() {
      const tenants = await deps.db.guild.findMany({ distinct: ['tenantId'], select: { tenantId: true } });
      for (const { tenantId } of tenants) {
        // The job key folds a shop still queued from an earlier tick into this one.
        await enqueueJob(deps.db, RECONCILE_TASKS.tenant, { tenantId }, { jobKey: `reconcile:${tenantId}`, maxAttempts: 5 });
      }
    },
  });
  bus.registerTask(RECONCILE_TASKS.tenant, {
    schema: z.object({ tenantId: z.string() }),
    async run({ tenantId }) {
      await deps.roleRepair.reconcile({ tenantId, actor: systemActor });
    },
  });
  bus.schedule(RECONCILE_TASKS.all, RECONCILE_SCHEDULE);
}
