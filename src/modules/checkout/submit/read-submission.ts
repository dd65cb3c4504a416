// Submit, step 1: read what is to be submitted, with nothing locked. The customer's active session with
// its items, products, address and shipping type, and the tenant's discount rows (one statement), or, for
// a repeat click after the session was submitted, that order.
import type { SqlClient, SqlRunner } from '../../../platform/db/sql.js';
import type { DiscountService } from '../../discounts/discount.service.js';
import type { PlacedOrder } from '../../orders/index.js';
import type { SessionClock } from '../sessions/session-clock.js';
import { noSession, sessionExpired } from '../sessions/session-errors.js';
import { expireSession, lastEndedSession, loadActiveSession, type LoadedSession } from '../sessions/session-store.js';
import { existingOrderSql, fromWritten, type WrittenOrder } from './submit.sql.js';

/** The order a session became (created: false), or null. */
export async function existingOrder(runner: SqlRunner, tenantId: string, sessionId: string): Promise<PlacedOrder | null> {
  const [row] = await runner.query<WrittenOrder>(existingOrderSql(tenantId, sessionId));
  if (!row?.payment) return null;
  return { ...fromWritten(row), created: false };
}

export type Submission = { session: LoadedSession & { extra?: unknown } } | { placed: PlacedOrder };

/**
 * NOT_FOUND without a session (and no recent order), SESSION_EXPIRED (the session is ended on the way). `shownIn`: the
 * keys of the surface's message the submit was pressed on (a Discord flow message), when there is one.
 */
export async function readSubmission(
  deps: { sql: SqlClient; clock: SessionClock; discounts: DiscountService },
  tenantId: string,
  customerId: string,
  now: Date,
  shownIn?: readonly string[],
): Promise<Submission> {
  const { sql, clock, discounts } = deps;
  // The discount rows come with the session (one round trip); which are eligible is decided once priced.
  const session = await loadActiveSession<unknown>(sql, tenantId, customerId, {
    extra: discounts.candidateRowsSql({ tenantId, customerId, now }),
  });
  if (!session) {
    // A repeat click after the session was submitted: answer with that order rather than an error (also when a
    // later session was cancelled or ran out since). Pressed on a message an ended session was shown in, that
    // session says what the click was for: its order, or nothing in progress when it ended without one (a later
    // session's review, cancelled, is not the order placed before it), however long ago it ended (a review cancelled
    // days ago is not the order placed since). Without such a session, the last order placed within one TTL.
    const shown = !shownIn?.length ? null : await lastEndedSession(sql, tenantId, customerId, null, { shownIn });
    const last = shown ?? (await lastEndedSession(sql, tenantId, customerId, clock.withinTtlSince(now), { placed: true }));
    const placed = last?.orderId ? await existingOrder(sql, tenantId, last.id) : null;
    if (placed) return { placed };
    throw noSession();
  }
  if (clock.isExpired(session, now)) {
    await expireSession(sql, session.id);
    throw sessionExpired();
  }
  return { session };
}
