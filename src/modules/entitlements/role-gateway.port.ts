// The port through which entitlement jobs change Discord roles. The Discord surface implements it with
// @discordjs/rest; tests use a small in-memory implementation. Both calls must be safe to repeat
// (Discord's PUT/DELETE member-role endpoints are).

export interface RoleGateway {
  /** Gives `userId` the role in `guildId`. `reason` goes to Discord's audit log (X-Audit-Log-Reason). */
  addRole(guildId: string, userId: string, roleId: string, reason: string): Promise<void>;
  /** Takes the role away. Removing a role the member does not have is not an error. */
  removeRole(guildId: string, userId: string, roleId: string, reason: string): Promise<void>;
}

/**
 * A failure that retrying cannot fix: the bot lacks MANAGE_ROLES or sits below the role (Discord 50013),
 * the role or member no longer exists (10011 unknown role, 10007 unknown member), no guild to act in.
 * The role jobs record it in the audit log and stop instead of retrying. Any other error is treated as
 * transient and retried with backoff.
 */
export class RoleGatewayPermanentError extends Error {
  /** Discord's JSON error code when there is one (50013, 10011, 10007...). */
  readonly discordCode: number | undefined;

  constructor(message: string, opts: { discordCode?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'RoleGatewayPermanentError';
    this.discordCode = opts.discordCode;
  }
}

export function isRoleGatewayPermanentError(err: unknown): err is RoleGatewayPermanentError {
  return err instanceof RoleGatewayPermanentError;
}
