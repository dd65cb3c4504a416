// Discord does not promise to deliver an interaction once. The first request to claim an interaction id runs
// its handler; a replay finds the row and is answered without running anything. This is the only write the
// Discord surface makes itself (a platform concern, not a business one).
//
// One prepared plain-SQL statement (platform/db/sql.ts), not Prisma: it runs on every interaction, and
// through Prisma's query compiler it was a measurable share of the endpoint's CPU (docs/perf/interaction-profile.md).
// When the customer is known, the same statement also reads the messages they missed while their DMs were
// closed (modules/notifications/missed-notices.ts): one round trip and one statement per click instead of two.
import type { MissedNotice } from '../../generated/prisma/index.js';
import { pendingNoticesSql } from '../../modules/notifications/missed-notices.js';
import { Prisma } from '../../platform/db/prisma.js';
import type { SqlRunner } from '../../platform/db/sql.js';

/** Interaction tokens live 15 minutes, so a day of ids is plenty: housekeeping deletes older ones (container.ts). */
export const PROCESSED_INTERACTION_KEEP_MS = 24 * 3600_000;

export interface Claim {
  /** This call claimed the id (first delivery); false for a replay. */
  claimed: boolean;
  /** The customer's missed notices not yet shown, oldest first (none when no customer was given). */
  notices: MissedNotice[];
}

type ClaimRow = { claimed: number } & ({ [K in keyof MissedNotice]: MissedNotice[K] } | { [K in keyof MissedNotice]: null });

/** Claims the interaction id and, for a customer, reads their pending missed notices in the same statement. */
export async function claimInteraction(
  sql: SqlRunner,
  interactionId: string,
  tenantId: string | null,
  customerId?: string,
): Promise<Claim> {
  const insert = Prisma.sql`INSERT INTO processed_interactions (id, "tenantId") VALUES (${interactionId}, ${tenantId}) ON CONFLICT (id) DO NOTHING`;
  if (!customerId || !tenantId) return { claimed: (await sql.execute(insert)) === 1, notices: [] };
  // One row when there is no notice (its notice columns null), else one row per notice. The read runs on a
  // replay too; its rows are then ignored.
  const rows = await sql.query<ClaimRow>(Prisma.sql`
    WITH claim AS (${insert} RETURNING 1)
    SELECT c.claimed, m.*
    FROM (SELECT count(*)::int AS claimed FROM claim) c
    LEFT JOIN (${pendingNoticesSql(tenantId, customerId)}) m ON true
    ORDER BY m."createdAt", m.id`);
  return {
    claimed: rows[0]!.claimed === 1,
    notices: rows.flatMap(({ claimed: _claimed, ...n }) => (n.id === null ? [] : [n as MissedNotice])),
  };
}
