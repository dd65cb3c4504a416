// Which Discord channel may be a shop's admin channel (where the bot posts its orders, with the customer, the
// total and Approve/Reject): a text or announcement channel of one of the shop's own linked servers. The bot is
// shared by every shop, so a channel of another shop's server would carry this shop's orders (its customers'
// data, buttons to press) into a server its admins do not run (docs/decisions/admin-channel-lanes.md, "Whose
// channel"). One rule, asked at two moments: when the channel is saved (the panel's Shop settings, with the
// guild link read in the save's transaction) and before each post to it (adapters/discord/notifications/
// admin-channel-guard.ts), so a channel saved before the rule existed is not posted to either.

/** Discord channel types an admin channel may be: 0 a text channel, 5 an announcement channel. */
export const ADMIN_CHANNEL_TYPES: ReadonlySet<number> = new Set([0, 5]);

/** What Discord says of a channel (GET /channels/{id}, or a server's channel list): its server and type. */
export interface DiscordChannelFacts {
  id: string;
  /** The server it belongs to; null for a channel in none (a DM). */
  guildId: string | null;
  type: number;
}

export const ADMIN_CHANNEL_NOT_THE_SHOPS = "This is not a channel of this shop's Discord server: pick one of its text channels.";
export const ADMIN_CHANNEL_NOT_TEXT = 'This is not a text channel: pick a text or announcement channel for the order messages.';
export const ADMIN_CHANNEL_NO_SERVER =
  'No Discord server is linked to this shop yet: ask whoever runs Ledgerline to link it, then pick one of its channels.';
export const ADMIN_CHANNEL_UNCHECKED =
  "Discord could not be asked whether this channel is in this shop's server, so it was not saved: try again in a moment.";

/**
 * Why `channel` may not be the admin channel of shop `tenantId` (null: it may). `shopOfGuild` answers which shop a
 * server is linked to (null: none): read in the save's transaction at a save, by the cached tenant read at a post.
 */
export async function adminChannelRefusal(
  tenantId: string | null,
  channel: DiscordChannelFacts,
  shopOfGuild: (guildId: string) => Promise<string | null>,
): Promise<string | null> {
  if (!channel.guildId || !tenantId) return ADMIN_CHANNEL_NOT_THE_SHOPS;
  if ((await shopOfGuild(channel.guildId)) !== tenantId) return ADMIN_CHANNEL_NOT_THE_SHOPS;
  if (!ADMIN_CHANNEL_TYPES.has(channel.type)) return ADMIN_CHANNEL_NOT_TEXT;
  return null;
}
