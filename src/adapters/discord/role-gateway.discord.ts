// RoleGateway (src/modules/entitlements/role-gateway.port.ts) over Discord REST:
// PUT/DELETE /guilds/{g}/members/{u}/roles/{r} with X-Audit-Log-Reason. Errors retrying cannot fix
// (50013 missing permissions, 10011 unknown role, 10007 unknown member, 10004 unknown guild) become
// RoleGatewayPermanentError; anything else is rethrown so the job retries with backoff.
import { Routes } from 'discord-api-types/v10';
import type { REST } from '@discordjs/rest';
import { RoleGatewayPermanentError, type RoleGateway } from '../../modules/entitlements/role-gateway.port.js';
import { discordErrorCode } from './discord-rest.js';

const PERMANENT: Record<number, string> = {
  50013: 'The bot lacks Manage Roles, or its role sits below the role it should change.',
  10011: 'The role no longer exists in the server.',
  10007: 'The member is no longer in the server.',
  10004: 'The bot is no longer in the server.',
  50001: 'The bot cannot access the server.',
};

export function createDiscordRoleGateway(rest: REST): RoleGateway {
  const call = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      const code = discordErrorCode(err);
      if (code !== undefined && PERMANENT[code])
        throw new RoleGatewayPermanentError(`${PERMANENT[code]} (Discord ${code})`, { discordCode: code, cause: err });
      throw err;
    }
  };
  // Discord limits the audit-log reason to 512 characters.
  const reasonOf = (r: string) => r.slice(0, 512);
  return {
    addRole: (guildId, userId, roleId, reason) =>
      call(() => rest.put(Routes.guildMemberRole(guildId, userId, roleId), { reason: reasonOf(reason) })),
    removeRole: (guildId, userId, roleId, reason) =>
      call(() => rest.delete(Routes.guildMemberRole(guildId, userId, roleId), { reason: reasonOf(reason) })),
  };
}
