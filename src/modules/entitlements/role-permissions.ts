// Can the bot give these roles? Discord's own rules, as data in one pure function: the bot needs Manage
// Roles (or Administrator) from its roles (@everyone included), and a role strictly above the role it
// changes; integration-managed roles and @everyone cannot be given by anyone. Used before a product is
// saved and to explain a failed grant (Discord only answers 50013 "Missing Permissions" for both causes).
import type { GuildMemberRoles, GuildRole } from './guild-directory.port.js';

const ADMINISTRATOR = 1n << 3n;
const MANAGE_ROLES = 1n << 28n;

export type RoleProblemKind = 'UNKNOWN_ROLE' | 'MANAGED_ROLE' | 'MISSING_PERMISSION' | 'ROLE_TOO_LOW' | 'BOT_NOT_IN_GUILD';

export interface RoleProblem {
  roleId: string;
  kind: RoleProblemKind;
  /** What is wrong and how to fix it, in words, naming the roles. */
  message: string;
}

function permissionsOf(bot: GuildMemberRoles, roles: Map<string, GuildRole>, guildId: string): bigint {
  let bits = BigInt(roles.get(guildId)?.permissions ?? '0'); // @everyone's id is the guild's id
  for (const id of bot.roleIds) bits |= BigInt(roles.get(id)?.permissions ?? '0');
  return bits;
}

/** The bot's highest role (by position; Discord breaks ties by id, lower id higher). */
function topRole(bot: GuildMemberRoles, roles: Map<string, GuildRole>): GuildRole | undefined {
  return bot.roleIds
    .map((id) => roles.get(id))
    .filter((r): r is GuildRole => !!r)
    .sort((a, b) => b.position - a.position || (BigInt(a.id) < BigInt(b.id) ? -1 : 1))[0];
}

/** Problems with the bot giving each of `roleIds` in `guildId`; empty when it can give them all. */
export function roleProblems(args: {
  guildId: string;
  guildName?: string;
  bot: GuildMemberRoles | null;
  roles: GuildRole[];
  roleIds: string[];
}): RoleProblem[] {
  const server = args.guildName ? `"${args.guildName}"` : `server ${args.guildId}`;
  if (!args.bot) {
    return args.roleIds.map((roleId) => ({
      roleId,
      kind: 'BOT_NOT_IN_GUILD',
      message: `The bot is not in ${server}. Invite it again with the Manage Roles permission.`,
    }));
  }
  const byId = new Map(args.roles.map((r) => [r.id, r]));
  const perms = permissionsOf(args.bot, byId, args.guildId);
  const canManage = (perms & ADMINISTRATOR) !== 0n || (perms & MANAGE_ROLES) !== 0n;
  const top = topRole(args.bot, byId);
  const problems: RoleProblem[] = [];
  for (const roleId of args.roleIds) {
    const role = byId.get(roleId);
    if (!role) {
      problems.push({
        roleId,
        kind: 'UNKNOWN_ROLE',
        message: `Role ${roleId} does not exist in ${server}. Copy the role's id again (Server Settings → Roles → ⋯ → Copy Role ID).`,
      });
      continue;
    }
    if (role.managed || role.id === args.guildId) {
      problems.push({
        roleId,
        kind: 'MANAGED_ROLE',
        message: `The role "${role.name}" is managed by Discord or an integration and cannot be given to members. Pick another role.`,
      });
      continue;
    }
    if (!canManage) {
      problems.push({
        roleId,
        kind: 'MISSING_PERMISSION',
        message: `The bot is missing the Manage Roles permission in ${server}, so it cannot give "${role.name}". Fix: Server Settings → Roles → ${top ? `"${top.name}"` : "the bot's role"} → turn on Manage Roles.`,
      });
      continue;
    }
    const above = top && (top.position > role.position || (top.position === role.position && BigInt(top.id) < BigInt(role.id)));
    if (!above) {
      problems.push({
        roleId,
        kind: 'ROLE_TOO_LOW',
        message: top
          ? `The bot's role "${top.name}" is below the product's role "${role.name}", so Discord will not let the bot give it. Fix: Server Settings → Roles, drag "${top.name}" above "${role.name}".`
          : `The bot has no role of its own above "${role.name}". Fix: give the bot a role and drag it above "${role.name}" in Server Settings → Roles.`,
      });
    }
  }
  return problems;
}
