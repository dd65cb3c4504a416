// The role check through Discord: can the bot give these roles in the shop's server(s)? Used by the
// products form before it saves grantedRoleIds, and by the role jobs to put a 50013 into words. A Discord
// that cannot be reached is "unavailable", not a problem: the check must not block a save by itself.
import type { Db } from '../../platform/db/prisma.js';
import type { GuildDirectory, GuildMemberRoles, GuildRole } from './guild-directory.port.js';
import { roleProblems, type RoleProblem } from './role-permissions.js';

export type RoleCheckResult =
  { status: 'ok' } | { status: 'problems'; problems: RoleProblem[] } | { status: 'unavailable'; message: string };

export interface RoleCheck {
  /** Checks that the bot can give every role in `roleIds` in the shop's linked server(s). */
  check(tenantId: string, roleIds: string[]): Promise<RoleCheckResult>;
  /** Why the bot may not give `roleId` in `guildId`, in words; undefined when the check finds nothing (or cannot run). */
  explain(guildId: string, roleId: string): Promise<RoleProblem | undefined>;
}

interface GuildView {
  guildId: string;
  name: string;
  bot: GuildMemberRoles | null;
  roles: GuildRole[];
}

export function createRoleCheck(deps: { db: Db; directory: GuildDirectory }): RoleCheck {
  const view = async (guildId: string, name: string): Promise<GuildView> => {
    const bot = await deps.directory.botMember(guildId);
    const roles = bot ? await deps.directory.roles(guildId) : [];
    return { guildId, name, bot, roles };
  };

  return {
    async check(tenantId, roleIds) {
      const wanted = [...new Set(roleIds.map((r) => r.trim()).filter(Boolean))];
      if (wanted.length === 0) return { status: 'ok' };
      const guilds = await deps.db.guild.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      if (guilds.length === 0)
        return {
          status: 'unavailable',
          message:
            'The shop has no Discord server linked yet, so the roles could not be checked. Link the server (Settings → Discord servers).',
        };
      // Each server is asked on its own: one that Discord cannot answer for (removed, the bot kicked out of it,
      // an outage of that call) does not stop the check of the roles that live in the others.
      const asked = await Promise.allSettled(guilds.map((g) => view(g.id, g.name)));
      const views = asked.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      const unreachable = guilds.flatMap((g, i) => {
        const a = asked[i]!;
        return a.status === 'rejected'
          ? [{ name: g.name || g.id, reason: a.reason instanceof Error ? a.reason.message : String(a.reason) }]
          : [];
      });
      if (views.length === 0)
        return {
          status: 'unavailable',
          message: `Discord could not be asked (${unreachable[0]?.reason ?? 'no answer'}); the roles were not checked.`,
        };
      const problems: RoleProblem[] = [];
      const unchecked: string[] = [];
      for (const roleId of wanted) {
        // A role id belongs to one server: check it where it exists.
        const home = views.find((v) => v.roles.some((r) => r.id === roleId));
        if (home) {
          problems.push(
            ...roleProblems({ guildId: home.guildId, guildName: home.name, bot: home.bot, roles: home.roles, roleIds: [roleId] }),
          );
          continue;
        }
        // Not in any server that answered: it may live in one that did not.
        if (unreachable.length > 0) {
          unchecked.push(roleId);
          continue;
        }
        const first = views[0]!;
        const withoutBot = views.find((v) => !v.bot);
        problems.push(
          ...roleProblems({
            guildId: (withoutBot ?? first).guildId,
            guildName: (withoutBot ?? first).name,
            bot: withoutBot ? null : first.bot,
            roles: withoutBot ? [] : first.roles,
            roleIds: [roleId],
          }),
        );
      }
      if (problems.length === 0 && unchecked.length > 0)
        return {
          status: 'unavailable',
          message: `Discord could not be asked about ${unreachable.map((u) => `"${u.name}" (${u.reason})`).join(', ')}; role ${unchecked.join(', ')} was not found in the other servers and was not checked.`,
        };
      return problems.length ? { status: 'problems', problems } : { status: 'ok' };
    },

    async explain(guildId, roleId) {
      try {
        const guild = await deps.db.guild.findUnique({ where: { id: guildId }, select: { name: true } });
        const v = await view(guildId, guild?.name ?? '');
        return roleProblems({ guildId, guildName: guild?.name, bot: v.bot, roles: v.roles, roleIds: [roleId] })[0];
      } catch {
        return undefined;
      }
    },
  };
}
