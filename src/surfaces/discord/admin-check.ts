// Who counts as a shop admin in Discord. A member is an admin of the tenant when
//   - they hold one of tenant.adminRoleIds (the roles the shop owner chose), or
//   - their computed guild permissions (member.permissions, signed by Discord) include Administrator, or
//     Manage Server when DISCORD_ADMIN_PERMISSION=MANAGE_GUILD (the default).
// DMs never carry admin rights: there is no member and no guild.
import { PermissionFlagsBits } from 'discord-api-types/v10';

export type AdminPermissionSetting = 'ADMINISTRATOR' | 'MANAGE_GUILD';

export function isDiscordAdmin(
  member: { roles: string[]; permissions?: string } | undefined,
  tenant: { adminRoleIds: string[] },
  setting: AdminPermissionSetting,
): boolean {
  if (!member) return false;
  if (member.roles.some((r) => tenant.adminRoleIds.includes(r))) return true;
  let perms = 0n;
  try {
    perms = BigInt(member.permissions ?? '0');
  } catch {
    return false;
  }
  if ((perms & PermissionFlagsBits.Administrator) !== 0n) return true;
  return setting === 'MANAGE_GUILD' && (perms & PermissionFlagsBits.ManageGuild) !== 0n;
}
