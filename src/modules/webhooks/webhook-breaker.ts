// A circuit breaker per webhook endpoint (docs/decisions/outgoing-webhooks.md). Every attempt holds a slot of
// the webhook runner until the endpoint answers or the sender's timeout; an endpoint that stopped answering
// would otherwise keep taking those slots, one timeout per attempt of each of its deliveries, from the
// deliveries of every other shop.
// - After BREAKER_THRESHOLD attempts in a row without a 2xx, the endpoint is paused: exp(n - threshold + 1)
//   seconds after its n-th failure in a row, at most BREAKER_MAX_PAUSE_SECONDS (so an endpoint that recovers is
//   tried again within five minutes).
// - While it is paused, its deliveries' attempts are not sent: each is logged ("not sent: ...") and counted,
//   and the delivery is retried on its usual schedule (or ends FAILED on its last attempt, as after a failure).
// - When the pause is over, one attempt is the probe: it claims the endpoint (pausing it for as long as an
//   attempt can take) and is sent. A 2xx closes the breaker; a failure pauses the endpoint again, longer.
// - Saving the endpoint, "Resume sending" (which also sends its waiting deliveries now) or redelivering one of
//   its deliveries closes the breaker: someone asks to try now.
// The breaker's columns are written with plain SQL, so the endpoint's updatedAt still says when it was edited.
import type { Db, Tx } from '../../platform/db/prisma.js';

/** Attempts in a row without a 2xx after which an endpoint is paused. */
export const BREAKER_THRESHOLD = 3;
/** The longest pause. */
export const BREAKER_MAX_PAUSE_SECONDS = 300;

export interface BreakerState {
  id: string;
  consecutiveFailures: number;
  pausedUntil: Date | null;
}

/** Whether an attempt may be sent now; when not, why, in words for the delivery's log. */
export type Gate = { send: true } | { send: false; reason: string };

/**
 * Whether an attempt to `endpoint` (as read with its delivery) may be sent: the breaker is closed, or its pause is
 * over and this attempt claims the probe (the endpoint paused for `probeSeconds` meanwhile; of two attempts
 * claiming at once, one gets it).
 */
export async function gateAttempt(db: Db, endpoint: BreakerState, probeSeconds: number): Promise<Gate> {
  if (!endpoint.pausedUntil) return { send: true };
  const claimed = await db.$executeRaw`
    UPDATE webhook_endpoints SET "pausedUntil" = now() + make_interval(secs => ${probeSeconds}::float8)
    WHERE id = ${endpoint.id} AND "pausedUntil" <= now()`;
  if (claimed > 0) return { send: true };
  const [now] = await db.$queryRaw<BreakerState[]>`
    SELECT id, "consecutiveFailures", "pausedUntil" FROM webhook_endpoints WHERE id = ${endpoint.id}`;
  // Closed meanwhile (a probe succeeded, or the endpoint was saved): send.
  if (!now?.pausedUntil) return { send: true };
  return {
    send: false,
    reason: `not sent: the endpoint failed ${now.consecutiveFailures} attempts in a row and is paused until ${now.pausedUntil.toISOString()}`,
  };
}

/** Records a sent attempt's outcome on the endpoint's breaker, in the attempt's transaction. */
export async function recordOutcome(tx: Tx, endpointId: string, ok: boolean): Promise<void> {
  if (ok) return closeBreaker(tx, endpointId);
  // On the right of SET, "consecutiveFailures" is the count before this failure.
  await tx.$executeRaw`
    UPDATE webhook_endpoints SET "consecutiveFailures" = "consecutiveFailures" + 1,
      "pausedUntil" = CASE WHEN "consecutiveFailures" + 1 >= ${BREAKER_THRESHOLD}::int
        THEN now() + make_interval(secs => least(exp(least("consecutiveFailures" + 2 - ${BREAKER_THRESHOLD}::int, 10)::float8), ${BREAKER_MAX_PAUSE_SECONDS}::float8))
        ELSE NULL END
    WHERE id = ${endpointId}`;
}

/** Where an endpoint's breaker stands, for the surfaces that show it. */
export type BreakerStatus =
  /** Sending; its last attempt (if any) got a 2xx. */
  | { kind: 'closed' }
  /** Sending; its last `failures` attempts failed, fewer than BREAKER_THRESHOLD. */
  | { kind: 'failing'; failures: number }
  /** Not sending until `until` (a probe being sent holds it paused too). */
  | { kind: 'paused'; failures: number; until: Date }
  /** The pause is over: the next attempt is sent, and decides whether it pauses again. */
  | { kind: 'probing'; failures: number };

export function breakerStatus(state: Omit<BreakerState, 'id'>, now: Date): BreakerStatus {
  const failures = state.consecutiveFailures;
  if (state.pausedUntil)
    return state.pausedUntil > now ? { kind: 'paused', failures, until: state.pausedUntil } : { kind: 'probing', failures };
  return failures > 0 ? { kind: 'failing', failures } : { kind: 'closed' };
}

/** Closes the breaker (the endpoint saved or resumed, or a delivery redelivered), in the caller's transaction. */
export async function closeBreaker(tx: Tx, endpointId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE webhook_endpoints SET "consecutiveFailures" = 0, "pausedUntil" = NULL
    WHERE id = ${endpointId} AND ("consecutiveFailures" <> 0 OR "pausedUntil" IS NOT NULL)`;
}
