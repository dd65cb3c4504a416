// The customer behind a Discord user, found or made in one statement: the rule for what a click writes to the
// customer row, kept in one place. CustomerService.upsertFromDiscord runs it on its own; the Discord surface
// runs it inside its interaction claim (surfaces/discord/interaction-dedup.ts), so a click resolves its
// customer, claims its interaction id and reads the customer's missed notices in one round trip.
//
// - A customer who exists and whose Discord names are unchanged is only read (no write, no new row version).
// - A first contact is inserted; two first contacts at once are decided by the unique (tenantId,
//   discordUserId): the second waits and takes the first one's row (ON CONFLICT ... DO UPDATE).
// - A changed Discord username is written; the display name follows Discord only until an admin names the
//   customer in the panel (displayNameSetByAdminAt), so their correction survives the next click. A name the
//   profile does not carry (undefined) is neither compared nor written.
// - `writeOnlyIf` (a boolean SQL condition) holds back any write: the interaction claim passes "this statement
//   claimed the id", so a replayed interaction id never makes or renames a customer.
import { z } from 'zod';
import { Prisma } from '../../platform/db/prisma.js';
import { parseInput } from '../../platform/validate.js';

const discordProfileSchema = z.object({
  discordUserId: z.string().regex(/^\d{15,21}$/, 'a Discord user id'),
  username: z.string().trim().max(100).optional(),
  displayName: z.string().trim().max(100).optional(),
});

export type DiscordProfile = z.input<typeof discordProfileSchema>;

/** The name of the CTE that holds the customer's row (every column of `customers`), exactly one row. */
export const DISCORD_CUSTOMER_CTE = Prisma.raw('discord_customer');

/**
 * The CTEs (without WITH, to put first in a statement's WITH list) that find or make the customer: the last
 * one, DISCORD_CUSTOMER_CTE, holds its row (none when `writeOnlyIf` is false and there is no customer yet).
 * Throws VALIDATION_FAILED for a malformed profile.
 */
export function discordCustomerCtes(
  tenantId: string,
  profile: DiscordProfile,
  now: Date,
  writeOnlyIf: Prisma.Sql = Prisma.sql`true`,
): Prisma.Sql {
  const p = parseInput(discordProfileSchema, profile, 'Discord profile');
  const username = p.username || null;
  const displayName = p.displayName || null;
  return Prisma.sql`
    discord_customer_found AS (
      SELECT * FROM customers WHERE "tenantId" = ${tenantId} AND "discordUserId" = ${p.discordUserId}
    ),
    discord_customer_written AS (
      INSERT INTO customers ("tenantId", "discordUserId", username, "displayName", "updatedAt")
      SELECT ${tenantId}, ${p.discordUserId}, ${username}::text, ${displayName}::text, ${now}::timestamp
      WHERE (${writeOnlyIf}) AND NOT EXISTS (
        SELECT 1 FROM discord_customer_found f
        WHERE (${username}::text IS NULL OR f.username IS NOT DISTINCT FROM ${username}::text)
          AND (${displayName}::text IS NULL OR f."displayNameSetByAdminAt" IS NOT NULL
               OR f."displayName" IS NOT DISTINCT FROM ${displayName}::text)
      )
      ON CONFLICT ("tenantId", "discordUserId") DO UPDATE SET
        username = COALESCE(EXCLUDED.username, customers.username),
        "displayName" = CASE WHEN customers."displayNameSetByAdminAt" IS NULL
                             THEN COALESCE(EXCLUDED."displayName", customers."displayName")
                             ELSE customers."displayName" END,
        "updatedAt" = EXCLUDED."updatedAt"
      RETURNING *
    ),
    ${DISCORD_CUSTOMER_CTE} AS (
      SELECT * FROM discord_customer_written
      UNION ALL
      SELECT * FROM discord_customer_found WHERE NOT EXISTS (SELECT 1 FROM discord_customer_written)
    )`;
}
