// Before the bot posts to a shop's admin channel: is it still one of the shop's own servers' channels
// (modules/tenants/admin-channel.ts)? The panel checks a channel when it is saved; this is the second line, for a
// channel saved before that check existed (or one whose server was unlinked since): the bot, shared by every
// shop, never posts a shop's orders into another shop's server.
// Discord's GET /channels/{id} names the channel's server (guild_id) and type. A channel never moves to another
// server, so its answer is kept for the process's life (bounded: the oldest is dropped past MAX_CACHED); which
// shop that server is linked to is read each time (the tenant read every job makes anyway), so an unlink counts
// at once. A channel the bot cannot see (404 Unknown Channel, 403 Missing Access) is not refused here: posting
// to it is refused by Discord in the same way, and logged as every refused post is. Discord unreachable (5xx,
// network) throws: the job is retried, as a failed post would be.
import type { REST } from '@discordjs/rest';
import { Routes, type APIChannel } from 'discord-api-types/v10';
import type { Logger } from '../../../platform/logger.js';
import { adminChannelRefusal, type DiscordChannelFacts } from '../../../modules/tenants/admin-channel.js';
import type { TenantService } from '../../../modules/tenants/tenant.service.js';
import { isRefusedByDiscord } from '../discord-rest.js';

const MAX_CACHED = 5_000;

export interface AdminChannelGuard {
  /** Whether shop `tenantId` may post to `channelId`; a refusal is logged on `log` (the job's) and nothing is posted. */
  allows(tenantId: string, channelId: string, log: Logger): Promise<boolean>;
}

export function createAdminChannelGuard(deps: { rest: REST; tenants: Pick<TenantService, 'byGuild'> }): AdminChannelGuard {
  const known = new Map<string, DiscordChannelFacts>();

  async function facts(channelId: string): Promise<DiscordChannelFacts | null> {
    const hit = known.get(channelId);
    if (hit) return hit;
    let channel: APIChannel;
    try {
      channel = (await deps.rest.get(Routes.channel(channelId))) as APIChannel;
    } catch (err) {
      if (isRefusedByDiscord(err)) return null;
      throw err;
    }
    const found = { id: channel.id, guildId: (channel as { guild_id?: string }).guild_id ?? null, type: channel.type as number };
    if (known.size >= MAX_CACHED) known.delete(known.keys().next().value!);
    known.set(channelId, found);
    return found;
  }

  return {
    async allows(tenantId, channelId, log) {
      const channel = await facts(channelId);
      if (!channel) return true;
      const refusal = await adminChannelRefusal(tenantId, channel, async (guildId) => (await deps.tenants.byGuild(guildId))?.id ?? null);
      if (!refusal) return true;
      log.warn(
        { channelId, channelGuildId: channel.guildId, channelType: channel.type, refusal: refusal.message },
        "the admin channel is not one of the shop's own Discord servers' text channels; not posted (Shop settings -> Admin channel)",
      );
      return false;
    },
  };
}
