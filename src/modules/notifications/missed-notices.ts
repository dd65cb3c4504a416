// DMs that did not reach their customer: Discord refused them for good (50007 DMs closed, or any other 4xx that is
// not retried: 10013 Unknown User, 50001 Missing Access...), or the customer's DMs were known closed and no call was
// made. Each is kept with the message it would have been and what Discord answered (refusedStatus, refusedCode:
// why, in words, by refusalText), by dm-status.service.ts with the rest of what a missed DM records, so that:
// - the shop sees on the order (panel, REST) which notices the customer never got;
// - the customer's next interaction with the bot shows them, once: take() marks what it returns as shown
//   in one UPDATE ... RETURNING, so two interactions at the same moment never both show the same notice.
// One row per delivery key (the notification's send-once key): a job that runs again records nothing new.
// The pending notices are read on every customer interaction, so their query is a plain-SQL fragment
// (pendingNoticesSql) that the Discord surface runs inside its interaction claim: one prepared statement
// and one round trip for both (surfaces/discord/interaction-dedup.ts; through Prisma's query compiler it was
// the largest Prisma cost left on the interaction path, docs/perf/interaction-profile.md). It reads the
// (customerId, shownAt) index.
import type { Clock } from '../../platform/clock.js';
import { Prisma, type Db } from '../../platform/db/prisma.js';

/** At most this many notices are shown in one reply (the rest wait for the next interaction). */
export const MAX_NOTICES_PER_REPLY = 3;

/** A missed notice's timestamp columns (for a row read back as JSON: platform/db/sql.ts withUtcDates). */
export const MISSED_NOTICE_DATE_FIELDS = ['createdAt', 'shownAt'] as const;

/** Discord's "Cannot send messages to this user": the customer's DMs are closed (to the shop's server, or to all). */
export const DM_CLOSED_CODE = 50007;

/**
 * What Discord answered when it refused a DM: its HTTP status and JSON error code (null when its answer had none).
 * Both null: no call was made (the customer's DMs were known closed), or a row from before the answer was kept.
 */
export interface DmRefusal {
  refusedStatus: number | null;
  refusedCode: number | null;
}

export interface MissedNoticeInput extends DmRefusal {
  tenantId: string;
  customerId: string;
  orderId: string | null;
  kind: string;
  deliveryKey: string;
  message: Prisma.InputJsonValue;
}

/**
 * Whether the refusal means the customer's DMs are closed: 50007, or no call made because they were known closed. The
 * only refusal that marks the customer (customers.dmClosedAt) and tells them to open their DMs; any other (a deleted
 * account, the bot's missing access) is not theirs to fix, and their next DM is tried.
 */
export function dmsClosed(r: DmRefusal): boolean {
  return r.refusedStatus === null || r.refusedCode === DM_CLOSED_CODE;
}

/** Names of the refusals a DM meets besides 50007 (Discord's JSON error codes), for the words below. */
const REFUSAL_NAMES: Record<number, string> = {
  10003: 'Unknown Channel',
  10013: 'Unknown User: their Discord account may be deleted',
  50001: 'Missing Access',
};

/**
 * Why the DM did not arrive, in the shop's plain words (the order page, the REST order, the admins' note):
 * "their DMs are closed", or "Discord refused it (403, code 50001 Missing Access)".
 */
export function refusalText(r: DmRefusal): string {
  if (dmsClosed(r)) return 'their DMs are closed';
  const name = r.refusedCode === null ? undefined : REFUSAL_NAMES[r.refusedCode];
  const code = r.refusedCode === null ? '' : `, code ${r.refusedCode}${name ? ` ${name}` : ''}`;
  return `Discord refused it (${r.refusedStatus}${code})`;
}

/**
 * The notices the customer has not been shown yet, oldest first, at most MAX_NOTICES_PER_REPLY: every column
 * of the row (a MissedNotice), to run inside a larger statement. `customerId` may be SQL (a subquery of
 * that statement giving the id).
 */
export function pendingNoticesSql(tenantId: string, customerId: string | Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT id, "tenantId", "customerId", "orderId", kind, "deliveryKey", message, "createdAt", "shownAt", "refusedStatus", "refusedCode"
    FROM missed_notices
    WHERE "customerId" = ${customerId} AND "tenantId" = ${tenantId} AND "shownAt" IS NULL
    ORDER BY "createdAt", id
    LIMIT ${MAX_NOTICES_PER_REPLY}`;
}

export interface MissedNotices {
  /** Marks these as shown; returns the ones this call marked (another interaction may have taken some). */
  take(tenantId: string, ids: string[]): Promise<string[]>;
}

export function createMissedNotices(deps: { db: Db; clock: Clock }): MissedNotices {
  const { db, clock } = deps;
  return {
    async take(tenantId, ids) {
      if (!ids.length) return [];
      const rows = await db.$queryRaw<{ id: string }[]>`
        UPDATE missed_notices SET "shownAt" = ${clock.now()}
        WHERE "tenantId" = ${tenantId} AND id = ANY(${ids}::text[]) AND "shownAt" IS NULL
        RETURNING id`;
      return rows.map((r) => r.id);
    },
  };
}
