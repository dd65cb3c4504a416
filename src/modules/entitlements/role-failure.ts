// A failed role change in words an admin can act on. Discord answers 50013 "Missing Permissions" both when
// the bot lacks Manage Roles and when its role sits below the role, so a 50013 is explained by the role
// check, which names the permission or both roles.
import type { RoleCheck } from './role-check.js';
import { isRoleGatewayPermanentError, RoleGatewayPermanentError } from './role-gateway.port.js';

/**
 * The order's server is no longer this shop's: linked to another shop, or unlinked. Its roles are not this shop's
 * to change (role-jobs.ts guildFor), and retrying cannot fix that.
 */
export class ServerNotLinkedError extends RoleGatewayPermanentError {
  constructor(message: string) {
    super(message);
    this.name = 'ServerNotLinkedError';
  }
}

export type RoleFailureKind =
  | 'MISSING_PERMISSION'
  | 'ROLE_TOO_LOW'
  | 'MANAGED_ROLE'
  | 'MEMBER_LEFT'
  | 'UNKNOWN_ROLE'
  | 'BOT_NOT_IN_GUILD'
  | 'NO_GUILD'
  | 'SERVER_NOT_LINKED'
  | 'TRANSIENT';

export interface RoleFailureWords {
  kind: RoleFailureKind;
  message: string;
}

export async function failureInWords(
  err: unknown,
  at: { guildId: string | undefined; roleId: string; roleCheck?: RoleCheck },
): Promise<RoleFailureWords> {
  if (!isRoleGatewayPermanentError(err)) {
    const detail = err instanceof Error ? err.message : String(err);
    return {
      kind: 'TRANSIENT',
      message: `Discord did not complete the change (${detail}). It is retried automatically; Retry runs it again now.`,
    };
  }
  if (err instanceof ServerNotLinkedError) return { kind: 'SERVER_NOT_LINKED', message: err.message };
  switch (err.discordCode) {
    case 50013: {
      const problem = at.guildId && at.roleCheck ? await at.roleCheck.explain(at.guildId, at.roleId) : undefined;
      if (problem && problem.kind !== 'UNKNOWN_ROLE' && problem.kind !== 'BOT_NOT_IN_GUILD')
        return { kind: problem.kind, message: problem.message };
      return {
        kind: 'MISSING_PERMISSION',
        message:
          "Discord refused: the bot is missing Manage Roles, or the bot's role is below this role. Fix the bot's role in Server Settings → Roles, then Retry.",
      };
    }
    case 10007:
      return {
        kind: 'MEMBER_LEFT',
        message: 'The member has left the server. The role is given back when they rejoin; Retry once they are back.',
      };
    case 10011:
      return {
        kind: 'UNKNOWN_ROLE',
        message: `The role ${at.roleId} no longer exists in the server. Correct the product's roles, then Retry.`,
      };
    case 10004:
    case 50001:
      return {
        kind: 'BOT_NOT_IN_GUILD',
        message: 'The bot is no longer in the server (or cannot see it). Invite it again with Manage Roles, then Retry.',
      };
    case undefined:
      return { kind: 'NO_GUILD', message: `${err.message} Link the server (Settings → Discord servers), then Retry.` };
    default:
      return { kind: 'MISSING_PERMISSION', message: `Discord refused the change (${err.message}).` };
  }
}
