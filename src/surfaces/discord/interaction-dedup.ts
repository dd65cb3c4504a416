// Discord does not promise to deliver an interaction once. The first request to claim an interaction id runs
// its handler; a replay finds the row and is answered without running anything. (Routes that only show
// something, `showsOnly`, are not claimed: dispatch.ts.) This is the only write the Discord surface makes
// itself (a platform concern, not a business one).
//
// One prepared plain-SQL statement (platform/db/sql.ts), not Prisma: it runs on every interaction, and
// through Prisma's query compiler it was a measurable share of the endpoint's CPU (docs/perf/interaction-profile.md).
// For a customer's click the same statement also finds or makes the customer behind the Discord user
// (modules/customers/discord-customer.sql.ts) and reads the messages they missed while their DMs were closed
// (modules/notifications/missed-notices.ts): one round trip before the handler runs, instead of up to four
// (customer read, first-contact write, claim, notices).
import type { Customer, MissedNotice } from '../../generated/prisma/index.js';
import { CUSTOMER_DATE_FIELDS } from '../../modules/customers/customer.service.js';
import { DISCORD_CUSTOMER_CTE, discordCustomerCtes, type DiscordProfile } from '../../modules/customers/discord-customer.sql.js';
import { MISSED_NOTICE_DATE_FIELDS, pendingNoticesSql } from '../../modules/notifications/missed-notices.js';
import { Prisma } from '../../platform/db/prisma.js';
import { withUtcDates, type SqlRunner } from '../../platform/db/sql.js';

/** Interaction tokens live 15 minutes, so a day of ids is plenty: housekeeping deletes older ones (container.ts). */
export const PROCESSED_INTERACTION_KEEP_MS = 24 * 3600_000;

export interface Claim {
  /** This call claimed the id (first delivery); false for a replay. */
  claimed: boolean;
  /** The customer's missed notices not yet shown, oldest first (none when no customer was asked for). */
  notices: MissedNotice[];
}

/** Claims the interaction id (nothing else: admin routes). */
export async function claimInteraction(sql: SqlRunner, interactionId: string, tenantId: string | null): Promise<Claim> {
  return { claimed: (await sql.execute(claimSql(interactionId, tenantId))) === 1, notices: [] };
}

/** A customer's click: claimed, with the customer and their notices; or a replay, which has neither. */
export type CustomerClaim = { claimed: true; customer: Customer; notices: MissedNotice[] } | { claimed: false; notices: [] };

/**
 * Claims the interaction id, finds or makes the customer of `profile` in the tenant, and reads their pending
 * missed notices, in one statement. The customer's write (first contact, changed names) is made only when
 * this statement claimed the id: a replay of an id, whatever user or guild it names, writes nothing but
 * the attempted claim. Throws VALIDATION_FAILED for a malformed profile (nothing run).
 */
export async function claimCustomerInteraction(
  sql: SqlRunner,
  interactionId: string,
  tenantId: string,
  profile: DiscordProfile,
  now: Date,
): Promise<CustomerClaim> {
  const [row] = await sql.query<{ claimed: number; customer: Record<string, unknown>; notices: Record<string, unknown>[] }>(Prisma.sql`
    WITH claim AS (${claimSql(interactionId, tenantId)} RETURNING 1),
    ${discordCustomerCtes(tenantId, profile, now, Prisma.sql`EXISTS (SELECT 1 FROM claim)`)}
    SELECT (SELECT count(*)::int FROM claim) AS claimed,
      (SELECT row_to_json(c) FROM ${DISCORD_CUSTOMER_CTE} c) AS customer,
      (SELECT COALESCE(json_agg(n ORDER BY n."createdAt", n.id), '[]'::json)
       FROM (${pendingNoticesSql(tenantId, Prisma.sql`(SELECT id FROM ${DISCORD_CUSTOMER_CTE})`)}) n) AS notices`);
  if (row!.claimed !== 1) return { claimed: false, notices: [] };
  return {
    claimed: true,
    customer: withUtcDates<Customer>(row!.customer, CUSTOMER_DATE_FIELDS),
    notices: row!.notices.map((n) => withUtcDates<MissedNotice>(n, MISSED_NOTICE_DATE_FIELDS)),
  };
}

function claimSql(interactionId: string, tenantId: string | null): Prisma.Sql {
  return Prisma.sql`INSERT INTO processed_interactions (id, "tenantId") VALUES (${interactionId}, ${tenantId}) ON CONFLICT (id) DO NOTHING`;
}
