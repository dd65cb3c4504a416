// Which Discord channel may be a shop's admin channel (where the bot posts its orders, with the customer, the
// total and Approve/Reject): a text or announcement channel of one of the shop's own linked servers. The bot is
// shared by every shop, so a channel of another shop's server would carry this shop's orders (its customers'
// data, buttons to press) into a server its admins do not run (docs/decisions/admin-channel-lanes.md, "Whose
// channel"). One rule, asked at two moments: when the channel is saved (the panel's Shop settings, with the
// guild link read in the save's transaction) and before each post to it (adapters/discord/notifications/
// admin-channel-guard.ts), so a channel saved before the rule existed is not posted to either.

/** Discord channel types an admin channel may be: 0 a text channel, 5 an announcement channel. */
export const ADMIN_CHANNEL_TYPES: ReadonlySet<number> = new Set([0, 5]);

/** Discord's thread types: 10 an announcement thread, 11 a public thread, 12 a private thread. */
export const THREAD_TYPES: ReadonlySet<number> = new Set([10, 11, 12]);

/** What Discord says of a channel (GET /channels/{id}, or a server's channel list): its server and type. */
export interface DiscordChannelFacts {
  id: string;
  /** The server it belongs to; null for a channel in none (a DM). */
  guildId: string | null;
  type: number;
  /** A thread's channel (Discord's parent_id), by name when it is known: the words name it. */
  parentName?: string | null;
}

export const ADMIN_CHANNEL_NOT_THE_SHOPS =
  "This is not a channel of this shop's Discord server: pick one of its text or announcement channels.";
export const ADMIN_CHANNEL_NOT_TEXT = 'This is not a text channel: pick a text or announcement channel for the order messages.';
export const ADMIN_CHANNEL_NO_SERVER =
  'No Discord server is linked to this shop yet: ask whoever runs Ledgerline to link it, then pick one of its channels.';
export const ADMIN_CHANNEL_UNCHECKED =
  "Discord could not be asked whether this channel is in this shop's server, so it was not saved: try again in a moment.";

/**
 * Why a channel of the shop's own server cannot be its admin channel: what it is (`what`, "a thread (in #orders)")
 * and, when that is not plain, why that kind will not do. A thread is refused rather than posted to: Discord
 * archives a thread that goes quiet (after an hour to a week), and a message in an archived thread cannot be edited
 * (50083), so the order messages' later states (paid, cancelled, the erasure of the customer's personal data) would
 * fail there; a locked thread takes no posts at all; and the picker, from the server's channel list, never offers
 * one (Discord lists no threads there). A forum or a media channel takes posts only as new threads.
 */
function notTextKind(channel: DiscordChannelFacts): { what: string; why?: string } | null {
  if (THREAD_TYPES.has(channel.type))
    return {
      what: `a thread${channel.parentName ? ` (in #${channel.parentName})` : ''}`,
      why: 'a thread closes when it goes quiet, and the order messages in it could then no longer be updated',
    };
  switch (channel.type) {
    case 2:
      return { what: 'a voice channel' };
    case 13:
      return { what: 'a stage channel' };
    case 4:
      return { what: 'a category', why: 'it groups channels and takes no messages itself' };
    case 15:
      return { what: 'a forum', why: 'a forum takes posts only as threads' };
    case 16:
      return { what: 'a media channel', why: 'it takes posts only as threads' };
    default:
      return null;
  }
}

/**
 * A refusal: `reason` for the code, `message` for the form's field (and the post-time log), `what` for the
 * dashboard's words on a channel of the shop's server that is not a text channel ("a thread (in #orders)").
 */
export type AdminChannelRefusal = { reason: 'not-the-shops'; message: string } | { reason: 'not-text'; message: string; what: string };

export const NOT_THE_SHOPS: AdminChannelRefusal = { reason: 'not-the-shops', message: ADMIN_CHANNEL_NOT_THE_SHOPS };

function notText(channel: DiscordChannelFacts): AdminChannelRefusal {
  const kind = notTextKind(channel);
  if (!kind) return { reason: 'not-text', message: ADMIN_CHANNEL_NOT_TEXT, what: 'not a text channel' };
  return {
    reason: 'not-text',
    message: `That is ${kind.what}; choose a text or announcement channel${kind.why ? `: ${kind.why}` : ''}.`,
    what: kind.what,
  };
}

/**
 * Why `channel` may not be the admin channel of shop `tenantId` (null: it may). `shopOfGuild` answers which shop a
 * server is linked to (null: none): read in the save's transaction at a save, by the cached tenant read at a post.
 */
export async function adminChannelRefusal(
  tenantId: string | null,
  channel: DiscordChannelFacts,
  shopOfGuild: (guildId: string) => Promise<string | null>,
): Promise<AdminChannelRefusal | null> {
  if (!channel.guildId || !tenantId) return NOT_THE_SHOPS;
  if ((await shopOfGuild(channel.guildId)) !== tenantId) return NOT_THE_SHOPS;
  if (!ADMIN_CHANNEL_TYPES.has(channel.type)) return notText(channel);
  return null;
}
