// The two ways a session step writes (order-session.service.ts): step(), read then compare-and-set on the
// row's version, and fastStep(), the step's preconditions as SQL in one statement. Shared by every step file.
import { Prisma } from '../../../platform/db/prisma.js';
import type { SqlClient } from '../../../platform/db/sql.js';
import { AppError } from '../../../platform/errors.js';
import { savedAddressesSql, type SavedAddress } from '../../customers/address.store.js';
import type { DiscountService } from '../../discounts/discount.service.js';
import type { TaxPort } from '../../tax/tax.port.js';
import { assertRules, guardSql, hasItemsRule, type PaymentReach } from '../selection-rules.js';
import type { SessionClock } from './session-clock.js';
import { noSession, sessionExpired } from './session-errors.js';
import { deriveState } from './session-state.js';
import {
  casActiveSession,
  expireSession,
  loadActiveSession,
  toSessionView,
  type LoadedSession,
  type SessionView,
} from './session-store.js';

/** What a step changes on the session row. */
export type Patch = Partial<
  Pick<LoadedSession, 'items' | 'addressId' | 'address' | 'pendingAddress' | 'shippingTypeId' | 'shippingType' | 'paymentMethod'>
>;
/** The item write a step makes together with the session row (same statement). */
export type ItemWrite = { upsert: { productId: string; quantity: number } } | { remove: string };

/**
 * deriveState in SQL for a session that has at least one item. In SET, `s` is the row as it was before
 * the write: only for steps that change neither the address nor the payment method.
 */
export const STATE_WITH_ITEMS = Prisma.sql`(CASE WHEN s."addressId" IS NULL THEN 'COLLECTING_SHIPPING' WHEN s."paymentMethod" IS NULL THEN 'SELECTING_PAYMENT' ELSE 'READY_TO_SUBMIT' END)::"OrderSessionState"`;
/** The guard of a step that needs at least one item. */
export const HAS_ITEMS = guardSql([hasItemsRule('the shipping address')]);
export const requireItems = (s: LoadedSession, what: string) => assertRules([hasItemsRule(what)], { session: s });

/** What every step file gets: the SQL client, the session clock, the quote's services, and the two writers. */
export interface StepContext {
  sql: SqlClient;
  clock: SessionClock;
  discounts: DiscountService;
  tax: TaxPort;
  reach: PaymentReach;
  step: ReturnType<typeof createStepRunner>['step'];
  fastStep: ReturnType<typeof createStepRunner>['fastStep'];
}

export function createStepRunner(deps: { sql: SqlClient; clock: SessionClock }) {
  const { sql, clock } = deps;
  /**
   * Runs one step with compare-and-set: the session is read, `plan` checks the step's preconditions on it
   * and says what changes; then ONE statement writes the session row (re-derived state, extended expiry)
   * and the item change, only if the row is still the version that was read and still active. A concurrent
   * step, submit, cancel or expiry makes that write match nothing, and the step starts over on fresh data.
   * (One statement instead of a locking transaction: round trips are the dominant cost of the order flow;
   * see bench:orders.) An expired session is ended and SESSION_EXPIRED thrown.
   */
  async function step(
    tenantId: string,
    customerId: string,
    plan: (s: LoadedSession & { extra?: SavedAddress[] }) => Promise<{ patch: Patch; item?: ItemWrite; address?: Prisma.Sql }>,
    opts: { savedAddresses?: boolean } = {},
  ): Promise<SessionView> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const s = await loadActiveSession<SavedAddress[]>(
        sql,
        tenantId,
        customerId,
        opts.savedAddresses ? { extra: savedAddressesSql(tenantId, customerId) } : {},
      );
      if (!s) throw noSession();
      const now = clock.now();
      if (clock.isExpired(s, now)) {
        await expireSession(sql, s.id);
        throw sessionExpired();
      }
      const { patch, item, address } = await plan(s);
      const next: LoadedSession = { ...s, ...patch };
      const state = deriveState({
        itemCount: next.items.length,
        hasAddress: next.addressId !== null || address !== undefined,
        hasPaymentMethod: next.paymentMethod !== null,
      });
      const expiresAt = clock.expiresAt(now);
      const pending = next.pendingAddress == null ? null : JSON.stringify(next.pendingAddress);
      const itemSql = !item
        ? Prisma.empty
        : 'upsert' in item
          ? Prisma.sql`, item AS (
              INSERT INTO order_session_items ("sessionId", "productId", quantity)
              SELECT id, ${item.upsert.productId}, ${item.upsert.quantity} FROM cas
              ON CONFLICT ("sessionId", "productId") DO UPDATE SET quantity = EXCLUDED.quantity RETURNING 1)`
          : Prisma.sql`, item AS (
              DELETE FROM order_session_items WHERE "sessionId" IN (SELECT id FROM cas) AND "productId" = ${item.remove} RETURNING 1)`;
      // An address step marks the saved address used (or saves a new one) in a CTE of the same statement,
      // and the session takes that row's id. Like a write before the compare-and-set, it stays done when the
      // session write does not match: the retry finds the same address again, never a duplicate.
      const [written] = await sql.query<{ n: number; address: LoadedSession['address'] }>(Prisma.sql`
        WITH ${address ? Prisma.sql`addr AS (${address}), ` : Prisma.empty}cas AS (
          UPDATE order_sessions SET state = ${state}::"OrderSessionState",
            "addressId" = ${address ? Prisma.sql`(SELECT id FROM addr)` : Prisma.sql`${next.addressId}`}, "pendingAddress" = ${pending}::jsonb,
            "shippingTypeId" = ${next.shippingTypeId}, "paymentMethod" = ${next.paymentMethod}::"PaymentMethod",
            "lastActivityAt" = ${now}, "expiresAt" = ${expiresAt}, "updatedAt" = clock_timestamp()
          WHERE id = ${s.id} AND "activeSlot" = 1 AND "updatedAt"::text = ${s.version}${address ? Prisma.sql` AND EXISTS (SELECT 1 FROM addr)` : Prisma.empty}
          RETURNING id
        )${itemSql}
        SELECT (SELECT count(*)::int FROM cas) AS n, ${address ? Prisma.sql`(SELECT row_to_json(addr) FROM addr)` : Prisma.sql`NULL::json`} AS address`);
      if (written?.n === 1) {
        const view = address && written.address ? { ...next, addressId: written.address.id, address: written.address } : next;
        return toSessionView({ ...view, state, lastActivityAt: now, expiresAt });
      }
    }
    throw new AppError('CONFLICT', 'Your order is being changed from somewhere else: try again.');
  }

  /**
   * The one-statement fast path of a step (casActiveSession): the step's preconditions as SQL `guard`, its
   * write as `set`. On null (a precondition failed, the session expired or changed concurrently, or there
   * is none) the caller falls back to step(), which re-reads and decides exactly as before. Steps are the
   * bulk of the order flow's round trips, and each costs far more than its SQL (bench:orders).
   */
  function fastStep<E = never>(
    tenantId: string,
    customerId: string,
    q: { guard: Prisma.Sql; set: Prisma.Sql; ctes?: Prisma.Sql; extra?: Prisma.Sql },
  ) {
    const now = clock.now();
    return casActiveSession<E>(sql, { tenantId, customerId, now, expiresAt: clock.expiresAt(now), ...q });
  }

  return { step, fastStep };
}
