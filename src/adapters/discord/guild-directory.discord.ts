// GuildDirectory (src/modules/entitlements/guild-directory.port.ts) over Discord REST through the shared
// @discordjs/rest client (per-route rate-limit buckets, Retry-After on 429): GET /users/@me (the bot's
// id, asked once), GET /guilds/{g}/members/{bot}, GET /guilds/{g}/roles, GET /guilds/{g}/members?limit&after.
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { Routes, type APIGuildMember, type APIRole, type APIUser } from 'discord-api-types/v10';
import type { GuildDirectory } from '../../modules/entitlements/guild-directory.port.js';

const codeOf = (err: unknown) => (err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : 0);

/** Unknown member, unknown guild, missing access: the bot is not (or no longer) in the server. */
const NOT_IN_GUILD = new Set([10007, 10004, 50001]);

export function createDiscordGuildDirectory(rest: REST): GuildDirectory {
  let botId: Promise<string> | undefined;
  const me = () => {
    botId ??= (rest.get(Routes.user('@me')) as Promise<APIUser>)
      .then((u) => u.id)
      .catch((err: unknown) => {
        botId = undefined; // ask again next time
        throw err;
      });
    return botId;
  };
  return {
    async botMember(guildId) {
      const id = await me();
      try {
        const m = (await rest.get(Routes.guildMember(guildId, id))) as APIGuildMember;
        return { userId: id, roleIds: m.roles };
      } catch (err) {
        if (NOT_IN_GUILD.has(codeOf(err))) return null;
        throw err;
      }
    },
    async roles(guildId) {
      const roles = (await rest.get(Routes.guildRoles(guildId))) as APIRole[];
      return roles.map((r) => ({ id: r.id, name: r.name, position: r.position, permissions: r.permissions, managed: r.managed }));
    },
    async members(guildId, page) {
      const query = new URLSearchParams({ limit: String(page.limit) });
      if (page.after) query.set('after', page.after);
      const members = (await rest.get(Routes.guildMembers(guildId), { query })) as APIGuildMember[];
      return members.filter((m) => m.user).map((m) => ({ userId: m.user!.id, roleIds: m.roles }));
    },
  };
}
