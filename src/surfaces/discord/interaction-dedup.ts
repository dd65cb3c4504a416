// Discord does not promise to deliver an interaction once. The first request to claim an interaction id runs
// its handler; a replay finds the row and is answered without running anything. This is the only write the
// Discord surface makes itself (a platform concern, not a business one).
//
// One prepared plain-SQL statement (platform/db/sql.ts), not Prisma: it runs on every interaction, and
// through Prisma's query compiler it was a measurable share of the endpoint's CPU (docs/perf/interaction-profile.md).
import { Prisma } from '../../platform/db/prisma.js';
import type { SqlRunner } from '../../platform/db/sql.js';

/** Interaction tokens live 15 minutes, so a day of ids is plenty: housekeeping deletes older ones (container.ts). */
export const PROCESSED_INTERACTION_KEEP_MS = 24 * 3600_000;

/** True when this call claimed the id (first delivery); false for a replay. */
export async function claimInteraction(sql: SqlRunner, interactionId: string, tenantId: string | null): Promise<boolean> {
  const inserted = await sql.execute(
    Prisma.sql`INSERT INTO processed_interactions (id, "tenantId") VALUES (${interactionId}, ${tenantId}) ON CONFLICT (id) DO NOTHING`,
  );
  return inserted === 1;
}
