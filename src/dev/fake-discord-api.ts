// A local stand-in for Discord's REST API (v10) that speaks its wire format: used by the tests and by the
// development server's simulator mode (no Discord application needed). It records every call and can be
// told to fail the way Discord fails (403 with code 50007, 429 with retry_after, 5xx; a user's DMs refused with any
// status and code: refuseDms). It keeps the channel
// messages it created, as Discord does: `GET /channels/{channel.id}/messages` lists a channel's (newest first),
// `PATCH /channels/{channel.id}/messages/{message.id}` edits one (the fields sent replace the message's), `DELETE`
// of that route deletes it, and either answers 404 with code 10008 (Unknown Message) for a message it does not
// hold (never posted here, or deleted). `GET /channels/{channel.id}` answers a server's channel (from the servers'
// channel lists, `GET /guilds/{guild.id}/channels`) with its `guild_id`, and 404 with code 10003 (Unknown Channel)
// for one in no server it holds; posting still works to any channel id (tests post to ids no server lists). A
// server's threads (`addThread`) are answered by `GET /channels/{thread.id}` as Discord's thread objects (type 10,
// 11 or 12, `parent_id`, `thread_metadata`) and, as Discord documents, never listed by `GET /guilds/{id}/channels`;
// a forum or media channel (type 15, 16) carries a forum's fields (`available_tags`, `default_forum_layout`...).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeDiscordGuilds } from './fakes/fake-discord-guilds.js';

export interface RecordedCall {
  method: string;
  /** Path after /api/v10, with %40 decoded (e.g. /webhooks/1/tok/messages/@original). */
  path: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  at: number;
  /** The status the fake answered with (set once answered). */
  status?: number;
  /** A message create that Discord de-duplicated (same nonce with enforce_nonce): no new message. */
  deduplicated?: boolean;
}

export interface FailureRule {
  method?: string;
  /** Matched against the decoded path. */
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many calls to fail (default 1; Infinity for all). */
  times?: number;
}

/**
 * A per-route rate limit as Discord applies it: `limit` requests per `windowMs` per bucket and top-level
 * resource (the path's first capture group: a channel, guild or webhook id). Every answer in the bucket
 * carries X-RateLimit-Limit / -Remaining / -Reset / -Reset-After / -Bucket; a request past the limit gets
 * 429 {message, retry_after, global: false} with Retry-After and X-RateLimit-Scope: user, and is counted
 * in `overshoot` (a request Discord would have refused: each one counts toward its invalid-request ban).
 */
export interface RateLimitRule {
  method?: string;
  path: RegExp;
  limit: number;
  windowMs: number;
}

/** A request that arrived past its bucket's limit. */
export interface Overshoot {
  bucket: string;
  /** Which window of that bucket (0 = the first): at most so many overshoots per window is the bound to check. */
  window: number;
  method: string;
  path: string;
}

export interface FakeDirectoryRole {
  id: string;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
}

export interface FakeChannel {
  id: string;
  /** 0 text, 2 voice, 4 category, 5 announcement, 13 stage, 15 forum, 16 media. */
  type: number;
  guild_id: string;
  name: string;
  position: number;
  parent_id: string | null;
  /** A forum's or media channel's own fields (available_tags, default_forum_layout...), as Discord adds them. */
  [field: string]: unknown;
}

/** A thread as Discord's GET /channels/{id} answers it (the channel object's thread fields). */
export interface FakeThread {
  id: string;
  /** 10 announcement thread, 11 public thread, 12 private thread. */
  type: number;
  guild_id: string;
  /** The text, announcement or forum channel the thread is in. */
  parent_id: string;
  owner_id: string;
  name: string;
  last_message_id: string | null;
  rate_limit_per_user: number;
  message_count: number;
  member_count: number;
  total_message_sent: number;
  flags: number;
  thread_metadata: {
    archived: boolean;
    auto_archive_duration: 60 | 1440 | 4320 | 10080;
    archive_timestamp: string;
    locked: boolean;
    create_timestamp: string;
    invitable?: boolean;
  };
}

export interface FakeDirectoryGuild {
  roles: FakeDirectoryRole[];
  channels: FakeChannel[];
  /** Threads: answered by GET /channels/{id}, never by the server's channel list (Discord's "does not include threads"). */
  threads?: FakeThread[];
}

/** A small server as Discord describes it: @everyone (id = guild id), a bot's managed role, staff and buyer roles; a category with text, announcement and voice channels. */
export function defaultGuild(guildId: string): FakeDirectoryGuild {
  const role = (name: string, position: number, extra: Partial<FakeDirectoryRole> = {}): FakeDirectoryRole => ({
    id: fakeSnowflake(),
    name,
    color: 0,
    hoist: false,
    position,
    permissions: '0',
    managed: false,
    mentionable: false,
    ...extra,
  });
  const category = fakeSnowflake();
  const channel = (name: string, type: number, position: number): FakeChannel => ({
    id: fakeSnowflake(),
    type,
    guild_id: guildId,
    name,
    position,
    parent_id: type === 4 ? null : category,
  });
  return {
    roles: [
      { ...role('@everyone', 0), id: guildId, permissions: '1071698660929' },
      role('Ledgerline', 5, { managed: true }),
      role('Shop Admin', 4, { hoist: true, color: 15158332 }),
      role('Moderator', 3, { color: 3447003 }),
      role('VIP', 2, { color: 15844367 }),
      role('Member', 1),
    ],
    channels: [
      { ...channel('Shop', 4, 0), id: category },
      channel('general', 0, 1),
      channel('orders', 0, 2),
      channel('announcements', 5, 3),
      channel('Lounge', 2, 4),
    ],
  };
}

let counter = 0n;
export function fakeSnowflake(): string {
  counter += 1n;
  return ((BigInt(Date.now()) - 1420070400000n) * 4194304n + (counter % 4194304n)).toString();
}

export class FakeDiscordApi {
  readonly calls: RecordedCall[] = [];
  /** Servers with roles and members (entitlements): role changes there obey Discord's permission rules. */
  readonly guilds = new FakeDiscordGuilds();
  private readonly failures: (FailureRule & { left: number })[] = [];
  private readonly limits: RateLimitRule[] = [];
  private readonly windows = new Map<string, { resetAt: number; used: number; index: number }>();
  /** Requests past a rate limit (answered 429), in arrival order. */
  readonly overshoot: Overshoot[] = [];
  private readonly dmChannels = new Map<string, string>(); // channel id -> user id
  /**
   * Users whose DMs Discord refuses, and how (status and Discord's body `{ message, code }`): a message to their DM
   * channel gets it, and so does opening that channel when `atOpen` (a deleted account: 10013 Unknown User).
   */
  private readonly refusedDms = new Map<string, { status: number; body: { message: string; code: number }; atOpen: boolean }>();
  /** `channel id:message id` -> the message as it is now (created by POST, edited by PATCH, gone after DELETE). */
  private readonly messages = new Map<string, Record<string, unknown>>();
  /** channel id + nonce -> the message created with it (Discord's enforce_nonce de-duplication). */
  private readonly byNonce = new Map<string, unknown>();
  /** Roles and channels of servers not set up in `guilds` (GET /guilds/{id}/roles and /channels). */
  private readonly directory = new Map<string, FakeDirectoryGuild>();
  private readonly holds: { method: string; path: RegExp; released: Promise<void> }[] = [];
  private server: Server | undefined;
  private listeners: ((call: RecordedCall) => void)[] = [];
  url = '';

  /** Base URL to give @discordjs/rest as `api` (it appends /v10). */
  get apiBase(): string {
    return `${this.url}/api`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, host, r));
    const addr = this.server.address() as AddressInfo;
    this.url = `http://${host}:${addr.port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  fail(rule: FailureRule): void {
    this.failures.push({ ...rule, left: rule.times ?? 1 });
  }

  /**
   * Holds the next request matching `method` and `path` unanswered until `release` is called (a call slow to answer,
   * for a test that acts while a job waits on Discord). The call is recorded when it arrives, as any other.
   */
  hold(method: string, path: RegExp): { release: () => void } {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    this.holds.push({ method, path, released });
    return { release };
  }

  /** Enforces a per-route rate limit (see RateLimitRule). */
  rateLimit(rule: RateLimitRule): void {
    this.limits.push(rule);
  }

  onCall(listener: (call: RecordedCall) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  reset(): void {
    this.calls.length = 0;
    this.failures.length = 0;
    this.limits.length = 0;
    this.windows.clear();
    this.overshoot.length = 0;
    this.refusedDms.clear();
  }

  /**
   * The roles and channels GET /guilds/{id}/roles and /channels answer for this guild (Discord's objects,
   * trimmed to the fields clients read). Unset guilds get a small realistic server (see defaultGuild).
   */
  setGuild(guildId: string, guild: FakeDirectoryGuild): void {
    this.directory.set(guildId, guild);
  }

  guildDirectory(guildId: string): FakeDirectoryGuild {
    let g = this.directory.get(guildId);
    if (!g) {
      g = defaultGuild(guildId);
      this.directory.set(guildId, g);
    }
    return g;
  }

  /**
   * Puts a channel into a server's channel list (GET /guilds/{id}/channels) and answers it from GET /channels/{id}
   * with that guild_id, as Discord does: a channel belongs to exactly one server. `id` given: a channel a row
   * already names (a factory shop's admin channel). Type 0 (text) unless said.
   */
  addChannel(guildId: string, channel: { id?: string; name?: string; type?: number } = {}): FakeChannel {
    const guild = this.guildDirectory(guildId);
    const type = channel.type ?? 0;
    const added: FakeChannel = {
      id: channel.id ?? fakeSnowflake(),
      type,
      guild_id: guildId,
      name: channel.name ?? 'admin',
      position: guild.channels.length,
      parent_id: null,
      // A forum (15) or media channel (16): what Discord adds for one (its posts are threads, with these defaults).
      ...(type === 15 || type === 16
        ? {
            topic: null,
            nsfw: false,
            last_message_id: null,
            rate_limit_per_user: 0,
            flags: 0,
            available_tags: [],
            default_reaction_emoji: null,
            default_thread_rate_limit_per_user: 0,
            default_sort_order: null,
            default_forum_layout: 0,
            permission_overwrites: [],
          }
        : {}),
    };
    guild.channels.push(added);
    return added;
  }

  /**
   * Opens a thread in `parentId`, a channel of server `guildId` (type 11, public, unless said: 12 private, 10 in an
   * announcement channel). GET /channels/{id} answers it as Discord's thread object; the server's channel list does
   * not hold it.
   */
  addThread(guildId: string, parentId: string, thread: { name?: string; type?: 10 | 11 | 12; archived?: boolean } = {}): FakeThread {
    const guild = this.guildDirectory(guildId);
    const now = new Date().toISOString();
    const type = thread.type ?? 11;
    const added: FakeThread = {
      id: fakeSnowflake(),
      type,
      guild_id: guildId,
      parent_id: parentId,
      owner_id: fakeSnowflake(),
      name: thread.name ?? 'order questions',
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0,
      thread_metadata: {
        archived: thread.archived ?? false,
        auto_archive_duration: 1440,
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
        ...(type === 12 ? { invitable: true } : {}),
      },
    };
    (guild.threads ??= []).push(added);
    return added;
  }

  /** The server channel or thread with this id, in whichever server holds it (undefined: none does). */
  channel(channelId: string): FakeChannel | FakeThread | undefined {
    for (const guild of this.directory.values()) {
      const found = guild.channels.find((c) => c.id === channelId) ?? guild.threads?.find((t) => t.id === channelId);
      if (found) return found;
    }
    return undefined;
  }

  /** From now on, messages to this user's DM channel are refused as Discord refuses them (403, code 50007). */
  closeDms(userId: string): void {
    this.refuseDms(userId, 403, { message: 'Cannot send messages to this user', code: 50007 });
  }

  /**
   * From now on, messages to this user's DM channel are refused with `status` and Discord's error body (e.g. 403
   * `{ message: 'Missing Access', code: 50001 }`); with `atOpen`, opening the DM channel (POST /users/@me/channels) is
   * refused too, as for a deleted account (404 `{ message: 'Unknown User', code: 10013 }`).
   */
  refuseDms(userId: string, status: number, body: { message: string; code: number }, opts: { atOpen?: boolean } = {}): void {
    this.refusedDms.set(userId, { status, body, atOpen: opts.atOpen ?? false });
  }

  /** From now on, this user's DMs are accepted again (undoes closeDms and refuseDms). */
  acceptDms(userId: string): void {
    this.refusedDms.delete(userId);
  }

  /** The user a DM channel created through POST /users/@me/channels belongs to. */
  dmRecipient(channelId: string): string | undefined {
    return this.dmChannels.get(channelId);
  }

  /** Messages posted to DM channels, with the recipient and when they arrived (ms since the epoch). */
  directMessages(): { userId: string; body: unknown; at: number }[] {
    return this.calls
      .filter(
        (c) =>
          c.method === 'POST' &&
          /^\/channels\/\d+\/messages$/.test(c.path) &&
          (c.status === undefined || c.status < 300) &&
          !c.deduplicated,
      )
      .map((c) => ({ userId: this.dmChannels.get(c.path.split('/')[2]!) ?? '', body: c.body, at: c.at }))
      .filter((m) => m.userId);
  }

  /** A channel message as Discord holds it now (its latest content after edits); undefined once deleted or never posted. */
  message(channelId: string, messageId: string): Record<string, unknown> | undefined {
    return this.messages.get(`${channelId}:${messageId}`);
  }

  /** Calls matching method and path pattern. */
  find(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  /**
   * Resolves when a call matching the predicate arrives (or has arrived). The timeout is a budget for a call
   * that never comes, not a speed check: generous, as a busy machine is several times slower.
   */
  waitFor(pred: (c: RecordedCall) => boolean, timeoutMs = 45_000): Promise<RecordedCall> {
    const found = this.calls.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`FakeDiscordApi.waitFor: no matching call within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onCall((c) => {
        if (pred(c)) {
          clearTimeout(timer);
          off();
          resolve(c);
        }
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname === '/__calls' && method === 'GET') {
      // For the simulator: every recorded call after index `since` (not itself recorded).
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      const calls = this.calls.slice(since).map((c, i) => ({
        index: since + i,
        method: c.method,
        path: c.path,
        status: c.status,
        body: c.body,
        reason: c.headers['x-audit-log-reason'],
        at: c.at,
      }));
      const dm = Object.fromEntries(this.dmChannels);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ total: this.calls.length, calls, dmChannels: dm }));
      return;
    }
    const call: RecordedCall = { method, path, body, headers: req.headers, at: Date.now() };
    this.calls.push(call);
    for (const l of this.listeners) l(call);
    const held = this.holds.findIndex((h) => h.method === method && h.path.test(path));
    if (held >= 0) await this.holds.splice(held, 1)[0]!.released;

    let rateHeaders: Record<string, string> = {};
    const send = (status: number, payload?: unknown, extra: Record<string, string> = {}) => {
      call.status = status;
      const headers = { ...rateHeaders, ...extra };
      // Like Discord, a 204 has no body and no JSON content type (clients parse by content type).
      res.writeHead(status, payload === undefined ? headers : { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };

    if (
      !String(req.headers.authorization ?? '').startsWith('Bot ') &&
      !path.startsWith('/webhooks/') &&
      !path.startsWith('/interactions/')
    ) {
      return send(401, { message: '401: Unauthorized', code: 0 });
    }

    const limited = this.limits.find((r) => (!r.method || r.method === method) && r.path.test(path));
    if (limited) {
      const bucketHash = `${limited.method ?? '*'}:${limited.path.source}`;
      const key = `${bucketHash}:${path.match(limited.path)?.[1] ?? ''}`;
      const now = Date.now();
      let w = this.windows.get(key);
      if (!w || now >= w.resetAt) {
        w = { resetAt: now + limited.windowMs, used: 0, index: (w?.index ?? -1) + 1 };
        this.windows.set(key, w);
      }
      const resetAfter = (w.resetAt - now) / 1000;
      const over = w.used >= limited.limit;
      if (!over) w.used += 1;
      rateHeaders = {
        'x-ratelimit-limit': String(limited.limit),
        'x-ratelimit-remaining': String(limited.limit - w.used),
        'x-ratelimit-reset': (w.resetAt / 1000).toFixed(3),
        'x-ratelimit-reset-after': resetAfter.toFixed(3),
        'x-ratelimit-bucket': Buffer.from(bucketHash).toString('hex').slice(0, 32),
      };
      if (over) {
        this.overshoot.push({ bucket: key, window: w.index, method, path });
        return send(
          429,
          { message: 'You are being rate limited.', retry_after: Number(resetAfter.toFixed(3)), global: false },
          { 'retry-after': String(Math.max(1, Math.ceil(resetAfter))), 'x-ratelimit-scope': 'user' },
        );
      }
    }

    const rule = this.failures.find((f) => f.left > 0 && (!f.method || f.method === method) && f.path.test(path));
    if (rule) {
      rule.left -= 1;
      return send(rule.status, rule.body ?? { message: 'Fake failure', code: 0 }, rule.headers);
    }

    // Servers set up with roles and members (fakes/fake-discord-guilds.ts) answer first; others fall through.
    const guildAnswer = this.guilds.handle(method, path, url.searchParams);
    if (guildAnswer) return send(guildAnswer.status, guildAnswer.body);

    const m = (re: RegExp) => path.match(re);
    let match: RegExpMatchArray | null;
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String((body as { recipient_id?: string })?.recipient_id ?? '');
      const refused = this.refusedDms.get(recipient);
      if (refused?.atOpen) return send(refused.status, refused.body);
      let channelId = [...this.dmChannels.entries()].find(([, u]) => u === recipient)?.[0];
      if (!channelId) {
        channelId = fakeSnowflake();
        this.dmChannels.set(channelId, recipient);
      }
      return send(200, { id: channelId, type: 1, recipients: [{ id: recipient, username: `user${recipient.slice(-4)}` }] });
    }
    if ((match = m(/^\/channels\/(\d+)\/messages$/)) && method === 'POST') {
      const refused = this.refusedDms.get(this.dmChannels.get(match[1]!) ?? '');
      if (refused) return send(refused.status, refused.body);
      // Discord: with enforce_nonce, a nonce seen in this channel recently returns the existing message.
      const { nonce, enforce_nonce: enforce } = (body ?? {}) as { nonce?: string; enforce_nonce?: boolean };
      const nonceKey = enforce && nonce ? `${match[1]}:${nonce}` : undefined;
      if (nonceKey && this.byNonce.has(nonceKey)) {
        call.deduplicated = true;
        return send(200, this.byNonce.get(nonceKey));
      }
      const { allowed_mentions: _mentions, ...fields } = (body ?? {}) as Record<string, unknown>;
      const message = { id: fakeSnowflake(), channel_id: match[1], ...fields, timestamp: new Date().toISOString(), edited_timestamp: null };
      if (nonceKey) this.byNonce.set(nonceKey, message);
      this.messages.set(`${match[1]}:${message.id}`, message);
      return send(200, message);
    }
    if ((match = m(/^\/channels\/(\d+)\/messages$/)) && method === 'GET') {
      // Get Channel Messages: the channel's messages newest first, `limit` of them (1-100, default 50).
      const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
      const held = [...this.messages.values()]
        .filter((msg) => msg.channel_id === match![1])
        .sort((a, b) => (BigInt(String(b.id)) > BigInt(String(a.id)) ? 1 : -1))
        .slice(0, limit);
      return send(200, held);
    }
    if ((match = m(/^\/channels\/(\d+)\/messages\/(\d+)$/)) && (method === 'PATCH' || method === 'DELETE')) {
      const key = `${match[1]}:${match[2]}`;
      const held = this.messages.get(key);
      if (!held) return send(404, { message: 'Unknown Message', code: 10008 });
      if (method === 'DELETE') {
        this.messages.delete(key);
        return send(204);
      }
      // Edit Message: the fields sent replace the message's (allowed_mentions is how to parse, not content).
      const { allowed_mentions: _mentions, ...fields } = (body ?? {}) as Record<string, unknown>;
      const edited = { ...held, ...fields, id: match[2], channel_id: match[1], edited_timestamp: new Date().toISOString() };
      this.messages.set(key, edited);
      return send(200, edited);
    }
    if ((match = m(/^\/webhooks\/(\d+)\/([^/]+)\/messages\/([^/]+)$/))) {
      if (method === 'PATCH' || method === 'GET') return send(200, { id: fakeSnowflake(), ...(body as object) });
      if (method === 'DELETE') return send(204);
    }
    if ((match = m(/^\/webhooks\/(\d+)\/([^/]+)$/)) && method === 'POST') {
      return send(200, { id: fakeSnowflake(), ...(body as object) });
    }
    if ((match = m(/^\/channels\/(\d+)$/)) && method === 'GET') {
      // Get Channel: a server's channel carries its guild_id; one this fake holds in no server is unknown (10003).
      const channel = this.channel(match[1]!);
      return channel ? send(200, channel) : send(404, { message: 'Unknown Channel', code: 10003 });
    }
    if ((match = m(/^\/guilds\/(\d+)\/roles$/)) && method === 'GET') {
      return send(200, this.guildDirectory(match[1]!).roles);
    }
    if ((match = m(/^\/guilds\/(\d+)\/channels$/)) && method === 'GET') {
      return send(200, this.guildDirectory(match[1]!).channels);
    }
    if (m(/^\/guilds\/\d+\/members\/\d+\/roles\/\d+$/) && (method === 'PUT' || method === 'DELETE')) {
      return send(204);
    }
    if (m(/^\/applications\/\d+(\/guilds\/\d+)?\/commands$/) && method === 'PUT') {
      const list = Array.isArray(body) ? body : [];
      return send(
        200,
        list.map((c) => ({ id: fakeSnowflake(), version: fakeSnowflake(), ...(c as object) })),
      );
    }
    return send(404, { message: '404: Not Found', code: 0 });
  }
}
