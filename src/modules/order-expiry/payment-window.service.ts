// services.paymentWindows: unpaid orders expire. Each order waiting for payment gets a deadline
// (orders.paymentDueAt, from the shop's pay window for its method: pay-window.ts) and two jobs scheduled with
// graphile-worker's own run_at, both in the transaction that sets the deadline (for a new order, submit's
// statement that inserts it: createNewOrderPayWindow; for an order without one, `schedule`):
//   order.payment_reminder>…          at half the window: the customer is reminded (a Discord DM job)
//   order.payment_window.expire       at the deadline: the order is cancelled as expired
// Each has a job_key per order, so moving the deadline (an admin's extension) replaces the pending jobs
// instead of adding more. An admin's extension also emits order.payment_window_extended (the customer's DM of
// the new deadline); the automatic hold while money is on its way tells nobody. The jobs live in the database:
// they survive restarts and run once across all instances. The expiry re-checks everything under the order's
// row lock, so it never cancels an order a payment confirmed first, and a payment arriving after it finds the
// order cancelled (manual confirm: ILLEGAL_STATE; processor money: refunded through the provider by the checkout
// ledger).
// Every "now" a deadline is set or judged by is the database's (platform/db/database-now.ts), the clock its jobs run
// by: the expiry's, an extension's ("until" in the future, more minutes from now once the deadline passed), the
// reminder's "now, when half the window has passed", the deadline `schedule` gives an order placed without one, and
// a new order's (createNewOrderPayWindow: submit's statement's now() + window). The instance's Clock only dates what
// is shown (expectedDueAt) and the order's placing (createdAt, which submit dates by that clock).
import type { Order, PaymentMethod, Tenant } from '../../generated/prisma/index.js';
import type { Clock } from '../../platform/clock.js';
import { databaseNow, SQL_DATABASE_NOW } from '../../platform/db/database-now.js';
import { Prisma, withTransaction, type Tx } from '../../platform/db/prisma.js';
import { queryRows, type SqlRunner } from '../../platform/db/sql.js';
import { AppError, isAppError } from '../../platform/errors.js';
import { addJobsSql, enqueueJob, jobSpecSql, type EventBus, type JobSpec } from '../../platform/jobs/queue.js';
import { parseInput } from '../../platform/validate.js';
import { cancelLockedOrder, lockOrder, orderLabel, type AfterSaleDeps } from '../orders/index.js';
import { IN_FLIGHT_CHECKOUT_STATES } from '../payments-processor/checkouts/money-in-flight.query.js';
import { systemActor, type TenantContext } from '../shared/actor.js';
import { EVENTS, type PaymentReminderPayload, type PayWindowExtendedPayload } from '../shared/events.js';
import {
  extendedDueAt,
  extendInput,
  IN_FLIGHT_GRACE_MINUTES,
  initialDueAt,
  payWindowMinutes,
  reminderAt,
  type ExtendInput,
} from './pay-window.js';

export const EXPIRE_TASK = 'order.payment_window.expire';
/** graphile-worker's crontab allows no dots in task names. */
export const SWEEP_TASK = 'order:payment_windows:sweep';

/** Job keys, one per order: `payment-expiry:<order id>`, `payment-reminder:<order id>>subscriber`. */
const EXPIRY_KEY_PREFIX = 'payment-expiry:';
const REMINDER_KEY_PREFIX = 'payment-reminder:';
const expiryKey = (orderId: string) => `${EXPIRY_KEY_PREFIX}${orderId}`;
const MINUTE = 60_000;

/**
 * When a deadline's jobs run: `dueAt` (the expiry) and `reminderAt`, each a time or, for an order being inserted,
 * a timestamptz SQL expression over the statement's rows.
 */
type WindowTimes = { dueAt: Date; reminderAt: Date } | { dueAt: Prisma.Sql; reminderAt: Prisma.Sql };

/** A timestamptz SQL expression as ISO 8601 text in UTC with milliseconds, as Date.toISOString() writes it. */
const isoTextSql = (at: Prisma.Sql) => Prisma.sql`to_char((${at}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Both jobs for a deadline (the reminder's subscribers and the expiry), replacing any pending ones of the order
 * (job keys). `orderId` is a value or an SQL expression over the rows of the statement that adds them (an
 * order being inserted).
 */
function windowJobs(deps: { bus: EventBus }, tenantId: string, orderId: string | Prisma.Sql, times: WindowTimes): JobSpec[] {
  const id = typeof orderId === 'string' ? Prisma.sql`${orderId}::text` : Prisma.sql`(${orderId})`;
  const dueAtText = times.dueAt instanceof Date ? Prisma.sql`${times.dueAt.toISOString()}::text` : isoTextSql(times.dueAt);
  // The reminder's payload, field by field: exactly a PaymentReminderPayload (its subscribers parse it).
  const fields = { tenantId: Prisma.sql`${tenantId}::text`, orderId: id, dueAt: dueAtText } satisfies Record<
    keyof PaymentReminderPayload,
    Prisma.Sql
  >;
  const reminder = Prisma.sql`json_build_object(${Prisma.join(
    Object.entries(fields).map(([k, v]) => Prisma.sql`${k}::text, ${v}`),
    ', ',
  )})`;
  const reminderJobs = deps.bus.jobSpecsSql(EVENTS.paymentReminder, reminder, {
    runAt: times.reminderAt,
    jobKey: Prisma.sql`${REMINDER_KEY_PREFIX} || ${id}`,
  });
  const expireJob = jobSpecSql(EXPIRE_TASK, Prisma.sql`json_build_object('tenantId', ${tenantId}::text, 'orderId', ${id})`, {
    runAt: times.dueAt,
    jobKey: Prisma.sql`${EXPIRY_KEY_PREFIX} || ${id}`,
  });
  return [...reminderJobs, expireJob];
}

/** A deadline's jobs' times: the expiry at `dueAt`, the reminder half a window before it (or at `now`, the database's, once that passed). */
const timesOf = (dueAt: Date, windowMin: number, now: Date): WindowTimes => ({ dueAt, reminderAt: reminderAt(dueAt, windowMin, now) });

/** What submit needs to place an order with its pay window already set. */
export interface NewOrderPayWindow {
  /**
   * The deadline of an order being placed (the shop's window for its method; `windows` is
   * tenants.paymentWindowMinutes), as an SQL expression for the statement that inserts the order: a whole window
   * from that statement's database now() (the clock its expiry is handed out and judged by), and its reminder and
   * expiry jobs for the same statement: `orderId` and `storedDueAt` are the inserted order's id and deadline, SQL
   * over that statement's rows (the jobs read the deadline as stored, to the millisecond).
   */
  forNewOrder(order: { tenantId: string; orderId: Prisma.Sql; storedDueAt: Prisma.Sql; paymentMethod: PaymentMethod; windows: unknown }): {
    dueAt: Prisma.Sql;
    jobs: JobSpec[];
  };
}

export function createNewOrderPayWindow(deps: { bus: EventBus }): NewOrderPayWindow {
  return {
    forNewOrder({ tenantId, orderId, storedDueAt, paymentMethod, windows }) {
      const windowMin = payWindowMinutes(windows, paymentMethod);
      // A timestamp without time zone holding UTC, as the orders' columns do (SQL_DATABASE_NOW).
      const dueAt = Prisma.sql`${SQL_DATABASE_NOW} + make_interval(mins => ${windowMin}::int)`;
      // The stored deadline as a timestamptz; the reminder half a window before it, never before now() (a whole
      // window from it), as reminderAt.
      const due = Prisma.sql`(${storedDueAt}) AT TIME ZONE 'UTC'`;
      const reminder = Prisma.sql`${due} - make_interval(secs => ${windowMin * 30}::int)`;
      return { dueAt, jobs: windowJobs(deps, tenantId, orderId, { dueAt: due, reminderAt: reminder }) };
    },
  };
}

export type ExpireOutcome = 'expired' | 'settled' | 'not_due' | 'held';

export interface PaymentWindowService {
  /**
   * Sets the order's deadline once (from when it was placed and the shop's window for its method) and
   * schedules its reminder and expiry, for an order placed without one (the sweep; orders placed before
   * submit set it). Idempotent. Null when the order is gone or no longer waiting for payment.
   */
  schedule(tenantId: string, orderId: string): Promise<{ dueAt: Date } | null>;
  /**
   * An admin gives the customer more time: `{ extendByMinutes }` (added to the current deadline, or to now
   * when it has passed) or `{ until }`. Reschedules reminder and expiry, audit `order.payment_window_extended`,
   * and the customer is told the new deadline (event order.payment_window_extended, in the same transaction).
   * Errors: VALIDATION_FAILED (bad input, `until` not in the future / earlier than the current deadline /
   * more than 90 days away), NOT_FOUND, ILLEGAL_STATE (the order is not waiting for payment).
   */
  extend(ctx: TenantContext, orderId: string, input: ExtendInput): Promise<{ order: Order; previousDueAt: Date | null; dueAt: Date }>;
  /**
   * The expiry job's body: under the order's row lock, cancels the order as expired (stock and discount use
   * back, order.cancelled with reason `expired`, audit) if it is still PENDING_PAYMENT and its deadline has
   * passed by the database's clock. A deadline that moved later is rescheduled; money on its way holds the order
   * for a grace period from the database's now.
   */
  expire(tenantId: string, orderId: string): Promise<ExpireOutcome>;
  /** Schedules unpaid orders that have no deadline yet (placed before submit set it). */
  sweep(limit?: number): Promise<number>;
}

/**
 * `sql` (plain SQL on the same pool) runs the two statements `schedule` makes, as prepared statements; without
 * it they go through Prisma, compiled and planned on every call.
 */
export function createPaymentWindowService(deps: AfterSaleDeps & { sql?: SqlRunner }): PaymentWindowService {
  const { db } = deps;
  const perOrder = deps.sql ?? db;
  const system = (tenantId: string): TenantContext => ({ tenantId, actor: { ...systemActor, label: 'Pay window' } });

  async function windowOf(tx: Tx, order: Order): Promise<number> {
    const [tenant] = await tx.$queryRaw<Pick<Tenant, 'paymentWindowMinutes'>[]>`
      SELECT "paymentWindowMinutes" FROM tenants WHERE id = ${order.tenantId}`;
    if (!tenant) throw new AppError('NOT_FOUND', `Shop ${order.tenantId} was not found.`);
    return payWindowMinutes(tenant.paymentWindowMinutes, order.paymentMethod);
  }

  /**
   * Both jobs as the CTE `jobs` of one statement: one add_jobs call for each row of `from`. A SELECT in WITH
   * runs only when read: the statement must select JOBS_ADDED.
   */
  function jobsSql(
    order: { tenantId: string; id: string | Prisma.Sql },
    due: { dueAt: Date; windowMin: number; now: Date },
    from: Prisma.Sql,
  ): Prisma.Sql {
    return Prisma.sql`jobs AS (${addJobsSql(windowJobs(deps, order.tenantId, order.id, timesOf(due.dueAt, due.windowMin, due.now)), from)})`;
  }
  const JOBS_ADDED = Prisma.sql`(SELECT count(*)::int FROM jobs)`;

  /** Both jobs for `dueAt` in the caller's transaction (an extension; `now`, its database's now). */
  async function scheduleJobs(tx: Tx, order: Order, due: { dueAt: Date; windowMin: number; now: Date }): Promise<void> {
    await tx.$queryRaw`WITH ${jobsSql(order, due, Prisma.sql`(SELECT 1) AS one`)} SELECT ${JOBS_ADDED} AS jobs`;
  }

  /** The order under its row lock, or null when it was deleted. */
  async function lockIfExists(tx: Tx, tenantId: string, orderId: string): Promise<Order | null> {
    try {
      return await lockOrder(tx, tenantId, orderId);
    } catch (err) {
      if (isAppError(err) && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }

  const service: PaymentWindowService = {
    // Two statements and no lock held between them: a read, then one compare-and-set that writes the deadline
    // only on an order still unpaid without one and enqueues both jobs in the same statement (so they exist
    // if and only if the deadline was written). It ran as a locking transaction of seven statements once per
    // order placed, holding the order's row meanwhile (issue 16: the worker's share of PostgreSQL's CPU).
    // The deadline (never sooner than half a window from now) and the reminder's "now" are the database's now as
    // the read saw it: the expiry judges the deadline by that clock.
    async schedule(tenantId, orderId) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const [order] = await queryRows<
          Pick<Order, 'id' | 'tenantId' | 'status' | 'paymentDueAt' | 'createdAt' | 'paymentMethod'> &
            Pick<Tenant, 'paymentWindowMinutes'> & { databaseNow: Date }
        >(
          perOrder,
          Prisma.sql`SELECT o.id, o."tenantId", o.status::text AS status, o."paymentDueAt", o."createdAt", o."paymentMethod"::text AS "paymentMethod",
            t."paymentWindowMinutes", now() AS "databaseNow"
          FROM orders o JOIN tenants t ON t.id = o."tenantId" WHERE o.id = ${orderId} AND o."tenantId" = ${tenantId}`,
        );
        if (!order || order.status !== 'PENDING_PAYMENT') return null;
        // Set by an earlier run (or an extension): its jobs were enqueued with it.
        if (order.paymentDueAt) return { dueAt: order.paymentDueAt };
        const windowMin = payWindowMinutes(order.paymentWindowMinutes, order.paymentMethod);
        const now = order.databaseNow;
        const dueAt = initialDueAt(order.createdAt, windowMin, now);
        // updatedAt: the time of the write, by the database's clock.
        const [written] = await queryRows<{ n: number; jobs: number }>(
          perOrder,
          Prisma.sql`
          WITH due AS (
            UPDATE orders SET "paymentDueAt" = ${dueAt}, "updatedAt" = ${SQL_DATABASE_NOW}
            WHERE id = ${orderId} AND "tenantId" = ${tenantId} AND status = 'PENDING_PAYMENT' AND "paymentDueAt" IS NULL
            RETURNING id
          ), ${jobsSql({ tenantId, id: Prisma.sql`due.id` }, { dueAt, windowMin, now }, Prisma.sql`due`)}
          SELECT (SELECT count(*)::int FROM due) AS n, ${JOBS_ADDED} AS jobs`,
        );
        if (written!.n === 1) return { dueAt };
        // Paid, cancelled or given a deadline (an extension) since the read: decide again on what is there now.
      }
      throw new AppError('CONFLICT', `Order ${orderId} kept changing while its pay window was set; the job will retry.`);
    },

    async extend(ctx, orderId, raw) {
      const input = parseInput(extendInput, raw, 'pay window extension');
      return withTransaction(db, async (tx) => {
        const order = await lockOrder(tx, ctx.tenantId, orderId);
        if (order.status !== 'PENDING_PAYMENT') {
          throw new AppError(
            'ILLEGAL_STATE',
            `Order ${orderLabel(order)} is ${order.status}: only an order waiting for payment has a pay window.`,
            { status: order.status },
          );
        }
        // By the database's clock (the one the deadline is judged by): whether "until" is in the future, where
        // more minutes count from once the deadline has passed, and when the reminder goes out. One now for all.
        const now = await databaseNow(tx);
        const windowMin = await windowOf(tx, order);
        const current = order.paymentDueAt ?? initialDueAt(order.createdAt, windowMin, now);
        const dueAt = extendedDueAt(current, input, now);
        if (!dueAt) {
          throw new AppError('VALIDATION_FAILED', 'Invalid pay window extension: "until" must be in the future and at most 90 days away.', {
            fields: [{ path: 'until', message: 'in the future, at most 90 days away' }],
          });
        }
        if (dueAt.getTime() < current.getTime()) {
          throw new AppError(
            'VALIDATION_FAILED',
            `Invalid pay window extension: order ${orderLabel(order)} is already due at ${current.toISOString()}; pick a later time.`,
            { fields: [{ path: 'until', message: 'after the current deadline' }] },
          );
        }
        const updated = await tx.order.update({ where: { id: order.id }, data: { paymentDueAt: dueAt } });
        await scheduleJobs(tx, updated, { dueAt, windowMin, now });
        await deps.audit.record(tx, ctx, {
          action: 'order.payment_window_extended',
          entityType: 'Order',
          entityId: order.id,
          before: { paymentDueAt: order.paymentDueAt },
          after: { paymentDueAt: dueAt },
        });
        // The customer is told the new deadline (their order's DM still says the old one). Keyed by the order and
        // the deadline: a redelivered job, or the same extension repeated, tells it once; another deadline is news.
        const notice: PayWindowExtendedPayload = { tenantId: ctx.tenantId, orderId: order.id, dueAt: dueAt.toISOString() };
        await deps.bus.emit(tx, EVENTS.payWindowExtended, notice, { jobKey: `pay-window-extended:${order.id}:${notice.dueAt}` });
        return { order: updated, previousDueAt: order.paymentDueAt, dueAt };
      });
    },

    expire: (tenantId, orderId) =>
      withTransaction(db, async (tx): Promise<ExpireOutcome> => {
        const order = await lockIfExists(tx, tenantId, orderId);
        // Paid, cancelled, refunded or deleted meanwhile: nothing to expire.
        if (!order || order.status !== 'PENDING_PAYMENT' || !order.paymentDueAt) return 'settled';
        // By the database's clock, the one graphile-worker ran this job by (its run_at, the deadline). By this
        // instance's, when it was behind, an order already due looked early, and its job queued again at that
        // deadline ran again at once, over and over while the clock stayed behind. One `now` for every decision here.
        const now = await databaseNow(tx);
        const dueAt = order.paymentDueAt;
        if (dueAt.getTime() > now.getTime()) {
          // The deadline moved later since this job was queued (an extension or a hold), or the job was brought
          // forward: come back at the deadline.
          await enqueueJob(tx, EXPIRE_TASK, { tenantId, orderId }, { runAt: dueAt, jobKey: expiryKey(order.id) });
          return 'not_due';
        }
        const inFlight = await tx.paymentCheckout.count({
          where: { orderId: order.id, tenantId, state: { in: [...IN_FLIGHT_CHECKOUT_STATES] } },
        });
        if (inFlight > 0) {
          // Money is on its way (approved at PayPal, a Bitcoin payment confirming): cancelling now would only
          // mean refunding it. Look again after a grace period.
          const heldUntil = new Date(now.getTime() + IN_FLIGHT_GRACE_MINUTES * MINUTE);
          await tx.order.update({ where: { id: order.id }, data: { paymentDueAt: heldUntil } });
          await enqueueJob(tx, EXPIRE_TASK, { tenantId, orderId }, { runAt: heldUntil, jobKey: expiryKey(order.id) });
          await deps.audit.record(tx, system(tenantId), {
            action: 'order.payment_window_held',
            entityType: 'Order',
            entityId: order.id,
            before: { paymentDueAt: dueAt },
            after: { paymentDueAt: heldUntil, why: 'a payment was on its way at the deadline' },
          });
          return 'held';
        }
        await cancelLockedOrder(tx, deps, system(tenantId), order, { reason: 'expired', audit: { paymentDueAt: dueAt } });
        return 'expired';
      }),

    async sweep(limit = 200) {
      // Orders are placed with their deadline; an order without one is older, or its (legacy) job is queued.
      // Its age by the database's clock, as `schedule` then counts its window.
      const graceMs = 10 * MINUTE;
      const now = await databaseNow(db);
      const rows = await db.order.findMany({
        where: { status: 'PENDING_PAYMENT', paymentDueAt: null, createdAt: { lt: new Date(now.getTime() - graceMs) } },
        select: { id: true, tenantId: true },
        orderBy: { createdAt: 'asc' },
        take: limit,
      });
      let scheduled = 0;
      for (const r of rows) {
        try {
          if (await service.schedule(r.tenantId, r.id)) scheduled++;
        } catch (err) {
          deps.logger.warn({ err, orderId: r.id }, 'could not schedule the pay window of an order; the next sweep tries again');
        }
      }
      return scheduled;
    },
  };
  return service;
}

/**
 * For display of an order without a deadline (placed before submit set it): when it is due. Only shown, so by the
 * instance's Clock (database-now.ts); `schedule` sets the deadline itself by the database's.
 */
export function expectedDueAt(
  order: Pick<Order, 'createdAt' | 'paymentMethod' | 'paymentDueAt'>,
  tenant: { paymentWindowMinutes: unknown },
  clock: Clock,
): Date {
  return (
    order.paymentDueAt ?? initialDueAt(order.createdAt, payWindowMinutes(tenant.paymentWindowMinutes, order.paymentMethod), clock.now())
  );
}
