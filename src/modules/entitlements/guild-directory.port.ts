// What the entitlement module reads from a Discord server: the bot's own member, the server's roles and
// its member list. The Discord adapter (src/adapters/discord/guild-directory.discord.ts) implements it
// over REST; the role check and the reconciliation use it.

export interface GuildRole {
  id: string;
  name: string;
  /** Higher is more powerful; a member can manage only roles strictly below its highest role. */
  position: number;
  /** Permission bit set as Discord sends it: a decimal string. */
  permissions: string;
  /** Owned by an integration (a bot's own role, a booster role): nobody can assign it. */
  managed: boolean;
}

export interface GuildMemberRoles {
  userId: string;
  roleIds: string[];
}

export interface GuildDirectory {
  /** The bot's member in the server, or null when the bot is not in it (or cannot see it). */
  botMember(guildId: string): Promise<GuildMemberRoles | null>;
  roles(guildId: string): Promise<GuildRole[]>;
  /** One page of members ordered by user id, those with an id above `after` (Discord's paging). */
  members(guildId: string, page: { after?: string; limit: number }): Promise<GuildMemberRoles[]>;
}
