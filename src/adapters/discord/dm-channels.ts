// Direct messages to users, with each user's DM channel remembered. Discord keeps one DM channel per bot and
// user: "Create DM" (POST /users/@me/channels) returns the existing one, so asking again before every DM only
// spends a request of the bot's global budget (50 requests/s, enforced by @discordjs/rest): an order's notices
// (placed, paid, shipped, delivered...) each made two calls, and now make one after the first.
// The ids live in this process (the job worker sends the DMs), bounded to the most recently used users. A
// channel Discord no longer knows (404, code 10003 Unknown Channel) is forgotten and opened again, once.
import type { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { discordErrorCode } from './discord-rest.js';

const UNKNOWN_CHANNEL = 10003;
const DEFAULT_MAX_USERS = 10_000;

export interface DirectMessages {
  /** Posts `body` to the user's DM channel; Discord's errors (50007: DMs closed) are thrown as they come. */
  send(userId: string, body: object): Promise<unknown>;
}

export function createDirectMessages(rest: Pick<REST, 'post'>, opts: { maxUsers?: number } = {}): DirectMessages {
  const maxUsers = opts.maxUsers ?? DEFAULT_MAX_USERS;
  /** user id -> DM channel id; a Map iterates in insertion order, so the first key is the least recently used. */
  const channels = new Map<string, string>();

  async function open(userId: string): Promise<string> {
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    if (channels.size >= maxUsers) channels.delete(channels.keys().next().value!);
    channels.set(userId, channel.id);
    return channel.id;
  }

  return {
    async send(userId, body) {
      const known = channels.get(userId);
      if (known === undefined) return rest.post(Routes.channelMessages(await open(userId)), { body });
      channels.delete(userId);
      channels.set(userId, known); // most recently used last
      try {
        return await rest.post(Routes.channelMessages(known), { body });
      } catch (err) {
        if (discordErrorCode(err) !== UNKNOWN_CHANNEL) throw err;
        channels.delete(userId);
        return rest.post(Routes.channelMessages(await open(userId)), { body });
      }
    },
  };
}
