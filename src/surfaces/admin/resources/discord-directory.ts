// Names for Discord ids in the panel: the roles and text channels of the shop's linked guilds, read with the
// bot's REST client (GET /guilds/{id}/roles and /guilds/{id}/channels). A short cache spares Discord's
// rate limits while an admin clicks around; a failed or slow call (no bot token, the simulator without
// them, Discord down) answers null and the forms fall back to typing ids. A save that changes the admin channel
// looks it up here (findChannel: admin-channel.rules.ts), so what is accepted is what the picker offers.
import { Routes, type APIChannel, type APIRole } from 'discord-api-types/v10';
import type { REST } from '@discordjs/rest';
import type { ActionResponse, After } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';
import type { Logger } from '../../../platform/logger.js';
import { tenantOfRecord } from './add-after.js';
import { ADMIN_CHANNEL_TYPES, THREAD_TYPES, type DiscordChannelFacts } from '../../../modules/tenants/admin-channel.js';

export interface NamedOption {
  value: string;
  label: string;
}

export interface DiscordDirectory {
  /** Roles members can be given (not @everyone, not integration-managed), highest first; null when unknown. */
  roles(tenantId: string): Promise<NamedOption[] | null>;
  /** Text and announcement channels, by name; null when unknown. */
  channels(tenantId: string): Promise<NamedOption[] | null>;
  /**
   * The channel `channelId` as one of the shop's servers holds it (its server and type; a thread's channel by name),
   * for the admin channel's rule (modules/tenants/admin-channel.ts): 'none' when no linked server holds it, 'no-server'
   * when the shop has none linked, 'unknown' when Discord could not be asked. A channel missing from the cached
   * lists is asked for again, uncached (one made a moment ago), then alone (a thread, which no list holds).
   */
  findChannel(tenantId: string | null, channelId: string): Promise<DiscordChannelFacts | 'none' | 'no-server' | 'unknown'>;
}

export function createDiscordDirectory(deps: {
  db: Db;
  rest: REST;
  logger: Logger;
  now?: () => number;
  ttlMs?: number;
  timeoutMs?: number;
}): DiscordDirectory {
  const now = deps.now ?? Date.now;
  const ttl = deps.ttlMs ?? 60_000;

  const cache = new Map<string, { at: number; value: unknown }>();

  const cached = async <T>(key: string, load: () => Promise<T>, fresh = false): Promise<T> => {
    const hit = cache.get(key);
    if (!fresh && hit && now() - hit.at < ttl) return hit.value as T;
    const value = await load();
    cache.set(key, { at: now(), value });
    return value;
  };

  const forEachGuild = async <T>(tenantId: string, fetch: (guildId: string) => Promise<T[]>): Promise<T[] | null> => {
    const guilds = await deps.db.guild.findMany({ where: { tenantId }, select: { id: true } });
    if (!guilds.length) return null;
    try {
      return (await Promise.all(guilds.map((g) => fetch(g.id)))).flat();
    } catch (err) {
      deps.logger.info({ err: (err as Error).message, tenantId }, 'admin panel: Discord roles/channels unavailable; forms take ids');
      return null;
    }
  };
  const get = <T>(route: `/${string}`) => deps.rest.get(route, { signal: AbortSignal.timeout(deps.timeoutMs ?? 3_000) }) as Promise<T>;

  /** The shop's servers' channels, with their server and type; null when unknown or none linked. */
  const serverChannels = (tenantId: string, fresh = false) =>
    cached(
      `channels:${tenantId}`,
      () =>
        forEachGuild(tenantId, async (guildId) =>
          (await get<APIChannel[]>(Routes.guildChannels(guildId))).map((c) => ({
            id: c.id,
            guildId,
            type: c.type as number,
            name: (c as { name?: string }).name ?? c.id,
          })),
        ),
      fresh,
    );

  /**
   * GET /channels/{id}: the channel as Discord answers for it alone, or why it did not (`failed`: 404 Unknown Channel,
   * 403 Missing Access, Discord down). The one call behind both channelItself and nameOf.
   */
  const askAlone = async (channelId: string): Promise<{ channel: APIChannel } | { failed: unknown }> => {
    try {
      return { channel: await get<APIChannel>(Routes.channel(channelId)) };
    } catch (failed) {
      return { failed };
    }
  };

  /**
   * The channel as Discord answers for it alone (askAlone: its server, type and, for a thread, its channel),
   * for a channel the servers' lists do not hold:
   * - a thread: Discord's channel lists hold no threads (GET /guilds/{id}/channels "does not include threads"), so a
   *   thread of the shop's own server was refused as "not a channel of this shop's Discord server", true but not the
   *   reason; asked alone, it is a thread (in #its-channel) and the rule says so;
   * - any channel, when the shop's servers' lists could not all be read: one linked server the bot was removed from
   *   (403 on its list; nothing unlinks it here, there is no gateway) refused every change of the admin channel as
   *   "try again", which never helped.
   * Which shop its server belongs to is still decided by the rule (admin-channel.ts). 'unknown' when this fails too
   * (404 Unknown Channel, 403 Missing Access, Discord down). `listed`: the servers' channels when read, for a
   * thread's channel's name.
   */
  const channelItself = async (
    channelId: string,
    listed: { id: string; name: string }[] | null,
  ): Promise<DiscordChannelFacts | 'unknown'> => {
    const asked = await askAlone(channelId);
    if ('failed' in asked) {
      deps.logger.info(
        { err: (asked.failed as Error).message, channelId },
        'admin panel: Discord could not say which server a channel is in',
      );
      return 'unknown';
    }
    const c = asked.channel;
    const facts: DiscordChannelFacts = { id: c.id, guildId: (c as { guild_id?: string }).guild_id ?? null, type: c.type as number };
    const parentId = (c as { parent_id?: string | null }).parent_id;
    if (parentId && THREAD_TYPES.has(facts.type))
      facts.parentName = listed?.find((p) => p.id === parentId)?.name ?? (await nameOf(parentId));
    return facts;
  };
  /** A channel's name asked of Discord alone (a thread's channel when the lists were not read); null when it fails. */
  const nameOf = async (channelId: string): Promise<string | null> => {
    const asked = await askAlone(channelId);
    return 'channel' in asked ? (asked.channel.name ?? null) : null;
  };
  /** `found` when its server is one of the shop's, else 'none'. */
  const ifTheShops = async (tenantId: string, found: DiscordChannelFacts) =>
    found.guildId && (await deps.db.guild.count({ where: { id: found.guildId, tenantId } })) > 0 ? found : 'none';

  return {
    roles: (tenantId) =>
      cached(`roles:${tenantId}`, async () => {
        const roles = await forEachGuild(tenantId, async (guildId) =>
          (await get<APIRole[]>(Routes.guildRoles(guildId))).filter((r) => r.id !== guildId && !r.managed),
        );
        return roles && [...roles].sort((a, b) => b.position - a.position).map((r) => ({ value: r.id, label: r.name }));
      }),
    channels: async (tenantId) =>
      (await serverChannels(tenantId))?.filter((c) => ADMIN_CHANNEL_TYPES.has(c.type)).map((c) => ({ value: c.id, label: `#${c.name}` })) ??
      null,
    async findChannel(tenantId, channelId) {
      if (!tenantId || (await deps.db.guild.count({ where: { tenantId } })) === 0) return 'no-server';
      for (const fresh of [false, true]) {
        const channels = await serverChannels(tenantId, fresh);
        if (!channels && !fresh) continue;
        const found = channels?.find((c) => c.id === channelId);
        if (found) return { id: found.id, guildId: found.guildId, type: found.type };
        if (!fresh) continue;
        // Asked alone, Discord names any channel's server (a thread's too): 'none' unless it is one of this shop's.
        const itself = await channelItself(channelId, channels);
        // Not shown to the bot while the lists were read: no channel of the shop's (as before threads were asked).
        if (itself === 'unknown') return channels ? 'none' : 'unknown';
        return ifTheShops(tenantId, itself);
      }
      return 'none';
    },
  };
}

/**
 * After-hook for show/edit pages: puts the known roles/channels beside the id fields as `<path>Options`
 * (JSON), which components/multi-value.tsx shows by name; without them the fields take ids.
 */
export function discordNames(
  directory: DiscordDirectory,
  fields: { roles?: readonly string[]; channels?: readonly string[] },
): After<ActionResponse> {
  return async (response, _request, context) => {
    const record = response.record as { id?: string; params: Record<string, unknown> } | undefined;
    if (!record) return response;
    const tenantId = tenantOfRecord(context.resource.id(), record);
    if (!tenantId) return response;
    const [roles, channels] = await Promise.all([
      fields.roles?.length ? directory.roles(tenantId) : null,
      fields.channels?.length ? directory.channels(tenantId) : null,
    ]);
    for (const path of fields.roles ?? []) if (roles) record.params[`${path}Options`] = JSON.stringify(roles);
    for (const path of fields.channels ?? []) if (channels) record.params[`${path}Options`] = JSON.stringify(channels);
    return response;
  };
}
