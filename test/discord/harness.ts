import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
// End-to-end harness for the Discord surface: the real app (createTestApp) on the file's PostgreSQL, a
// FakeDiscordApi the app's REST client points at, a graphile-worker running the notification and role jobs,
// and helpers that build interactions the way Discord sends them and sign them with the test key.
import request from 'supertest';
import { FakeDiscordApi } from '../../src/dev/fake-discord-api.js';
import type { Clock } from '../../src/platform/clock.js';
import type { Logger } from '../../src/platform/logger.js';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseUrl } from '../helpers/db.js';
import { signDiscordBody } from '../helpers/discord-signer.js';
import { snowflake } from '../helpers/factories.js';

export const APP_ID = '123456789012345678';

/** An interaction response as the tests read it (loosely typed on purpose: tests assert the shape). */
export interface ReplyData {
  flags?: number;
  content?: string;
  custom_id?: string;
  embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text?: string } }[];
  components?: { components: { custom_id?: string; options?: { label: string; value: string }[] }[] }[];
}
export interface Reply {
  type: number;
  data?: ReplyData;
}

export interface Harness {
  t: TestApp;
  fake: FakeDiscordApi;
  worker?: WorkerHandle;
  stop(): Promise<void>;
}

/** A job worker on the test app's database, bus and logger, as the harness runs one (also for a test that starts it late). */
export function startHarnessWorker(t: TestApp): Promise<WorkerHandle> {
  return startWorker({
    connectionString: testDatabaseUrl(),
    bus: t.services.bus,
    logger: t.services.logger,
    concurrency: 2,
    pollIntervalMs: 100,
  });
}

export async function startHarness(
  opts: { worker?: boolean; env?: Record<string, string>; clock?: Clock; logger?: Logger } = {},
): Promise<Harness> {
  const fake = await new FakeDiscordApi().start();
  const t = await createTestApp({ env: { DISCORD_API_BASE_URL: fake.apiBase, ...opts.env }, clock: opts.clock, logger: opts.logger });
  const worker = opts.worker ? await startHarnessWorker(t) : undefined;
  return {
    t,
    fake,
    worker,
    async stop() {
      // The worker's stop ends its connections (its own pool, awaited: platform/jobs/job-pool.ts) before the
      // test database is dropped.
      await worker?.stop();
      await t.services.close();
      await fake.stop();
    },
  };
}

/**
 * Starts a harness before the file's tests and stops it after them (the set-up every Discord test file
 * shares). The returned object reads the running harness, so it can be passed to `interact` as is.
 */
export function useHarness(opts: { worker?: boolean; env?: Record<string, string>; logger?: Logger } = {}): Harness {
  let current: Harness | undefined;
  beforeAll(async () => {
    current = await startHarness(opts);
  });
  afterAll(async () => {
    await current?.stop();
  });
  const running = (): Harness => {
    if (!current) throw new Error('the Discord harness is not started: use it inside a test or a hook');
    return current;
  };
  return {
    get t() {
      return running().t;
    },
    get fake() {
      return running().fake;
    },
    get worker() {
      return running().worker;
    },
    stop: () => running().stop(),
  };
}

/**
 * Serves a `useHarness` app on a local port from before the file's tests until after them, for what needs a real
 * URL (the panel signed in with `loggedIn`): `baseUrl` reads it once started.
 */
export function useHarnessServer(h: Harness): { readonly baseUrl: string } {
  let server: Server | undefined;
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = h.t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  return {
    get baseUrl() {
      if (!server) throw new Error('the harness server is not started: use it inside a test or a hook');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

export interface Member {
  id: string;
  username: string;
  roles: string[];
  /** Permission bit set as Discord sends it (a decimal string). */
  permissions: string;
}

export function member(over: Partial<Member> = {}): Member {
  const id = over.id ?? snowflake();
  return { id, username: `user${id.slice(-5)}`, roles: [], permissions: '0', ...over };
}

/** Administrator (1 << 3) and Manage Server (1 << 5) as Discord encodes them. */
export const PERMS = { administrator: (1n << 3n).toString(), manageGuild: (1n << 5n).toString() };

/** Who sends an interaction: the guild (null for a DM) and the member. */
export interface Base {
  guildId: string | null;
  user: Member;
  id?: string;
}

function envelope(b: Base, type: number, data: unknown, message?: unknown) {
  const user = { id: b.user.id, username: b.user.username, global_name: null, discriminator: '0', avatar: null };
  return {
    id: b.id ?? snowflake(),
    application_id: APP_ID,
    type,
    token: `tok_${snowflake()}`,
    version: 1,
    ...(b.guildId
      ? {
          guild_id: b.guildId,
          channel_id: snowflake(),
          member: {
            user,
            roles: b.user.roles,
            permissions: b.user.permissions,
            joined_at: new Date().toISOString(),
            deaf: false,
            mute: false,
            flags: 0,
          },
        }
      : { user, channel_id: snowflake() }),
    app_permissions: '0',
    locale: 'en-US',
    data,
    ...(message ? { message } : {}),
  };
}

export function commandInteraction(b: Base, name: string, options: Record<string, string | number | boolean> = {}) {
  const opts = Object.entries(options).map(([n, value]) => ({
    name: n,
    value,
    type: typeof value === 'number' ? 4 : typeof value === 'boolean' ? 5 : 3,
  }));
  return envelope(b, 2, { id: snowflake(), name, type: 1, options: opts });
}

/**
 * An autocomplete (type 4) of the command while `focused` is typed: the options so far, the focused one marked,
 * as Discord sends it on each keystroke.
 */
export function autocompleteInteraction(b: Base, name: string, options: Record<string, string>, focused: string) {
  const opts = Object.entries(options).map(([n, value]) => ({ name: n, value, type: 3, ...(n === focused ? { focused: true } : {}) }));
  return envelope(b, 4, { id: snowflake(), name, type: 1, options: opts });
}

/** Posts an autocomplete and returns its suggestions (asserting the type 8 answer). */
export async function suggestionsOf(h: Harness, interaction: unknown): Promise<{ name: string; value: string }[]> {
  const res = (await send(h, interaction, { expectStatus: 200 })).body as {
    type: number;
    data: { choices: { name: string; value: string }[] };
  };
  if (res.type !== 8) throw new Error(`expected an autocomplete result (8), got ${res.type}`);
  return res.data.choices;
}

/** The message a component sits on, as Discord echoes it back (so handlers can tell flow messages apart). */
export function messageOf(res: Reply) {
  const data = res.data ?? {};
  return { id: snowflake(), channel_id: snowflake(), components: data.components ?? [], embeds: data.embeds ?? [], flags: 64 };
}

export function componentInteraction(b: Base, customId: string, opts: { values?: string[]; message?: unknown } = {}) {
  const isSelect = opts.values !== undefined;
  return envelope(
    b,
    3,
    { custom_id: customId, component_type: isSelect ? 3 : 2, ...(isSelect ? { values: opts.values } : {}) },
    opts.message ?? { id: snowflake(), channel_id: snowflake(), components: [], embeds: [] },
  );
}

export function modalInteraction(b: Base, customId: string, fields: Record<string, string>, message?: unknown) {
  return envelope(
    b,
    5,
    {
      custom_id: customId,
      components: Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })),
    },
    message,
  );
}

/** Signs and posts an interaction; returns the HTTP response. */
export async function send(h: Harness, interaction: unknown, opts: { timestamp?: string; expectStatus?: number } = {}) {
  const body = JSON.stringify(interaction);
  const res = await request(h.t.app)
    .post('/discord/interactions')
    .set(signDiscordBody(h.t.keys, body, opts.timestamp))
    .send(body);
  if (opts.expectStatus !== undefined && res.status !== opts.expectStatus)
    throw new Error(`expected ${opts.expectStatus}, got ${res.status}: ${res.text}`);
  return res;
}

/** Posts and returns the parsed interaction response (asserting HTTP 200). */
export async function interact(h: Harness, interaction: unknown): Promise<Reply & { data: ReplyData }> {
  const res = await send(h, interaction, { expectStatus: 200 });
  return res.body as Reply & { data: ReplyData };
}

/** Every piece of text in a response (content, embed titles, descriptions, fields), for assertions. */
export function textOf(res: Reply | undefined): string {
  const d = res?.data ?? {};
  const parts: string[] = [d.content ?? ''];
  for (const e of d.embeds ?? []) {
    parts.push(e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value]), e.footer?.text ?? '');
  }
  return parts.join('\n');
}

/** Custom ids of all components in a response. */
export function customIdsOf(res: Reply | undefined): string[] {
  return (res?.data?.components ?? []).flatMap((r) => r.components.map((c) => c.custom_id ?? ''));
}

export function optionsOf(res: Reply | undefined, customId: string): { label: string; value: string }[] {
  for (const r of res?.data?.components ?? []) for (const c of r.components) if (c.custom_id === customId) return c.options ?? [];
  return [];
}
