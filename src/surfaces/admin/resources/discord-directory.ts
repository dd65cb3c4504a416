// Names for Discord ids in the panel: the roles and text channels of the shop's linked guilds, read with the
// bot's REST client (GET /guilds/{id}/roles and /guilds/{id}/channels). A short cache spares Discord's
// rate limits while an admin clicks around; a failed or slow call (no bot token, the simulator without
// them, Discord down) answers null and the forms fall back to typing ids.
import { Routes, type APIChannel, type APIRole } from 'discord-api-types/v10';
import type { REST } from '@discordjs/rest';
import type { ActionResponse, After } from 'adminjs';
import type { Db } from '../../../platform/db/prisma.js';
import type { Logger } from '../../../platform/logger.js';
import { tenantOfRecord } from './add-after.js';

export interface NamedOption {
  value: string;
  label: string;
}

export interface DiscordDirectory {
  /** Roles members can be given (not @everyone, not integration-managed), highest first; null when unknown. */
  roles(tenantId: string): Promise<NamedOption[] | null>;
  /** Text and announcement channels, by name; null when unknown. */
  channels(tenantId: string): Promise<NamedOption[] | null>;
}

const TEXT_CHANNEL_TYPES = new Set([0, 5]);

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
  const cache = new Map<string, { at: number; value: NamedOption[] | null }>();

  const cached = async (key: string, load: () => Promise<NamedOption[] | null>) => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttl) return hit.value;
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

  return {
    roles: (tenantId) =>
      cached(`roles:${tenantId}`, async () => {
        const roles = await forEachGuild(tenantId, async (guildId) =>
          (await get<APIRole[]>(Routes.guildRoles(guildId))).filter((r) => r.id !== guildId && !r.managed),
        );
        return roles && [...roles].sort((a, b) => b.position - a.position).map((r) => ({ value: r.id, label: r.name }));
      }),
    channels: (tenantId) =>
      cached(`channels:${tenantId}`, async () => {
        const channels = await forEachGuild(tenantId, async (guildId) =>
          (await get<APIChannel[]>(Routes.guildChannels(guildId))).filter((c) => TEXT_CHANNEL_TYPES.has(c.type)),
        );
        return channels && channels.map((c) => ({ value: c.id, label: `#${(c as { name?: string }).name ?? c.id}` }));
      }),
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
