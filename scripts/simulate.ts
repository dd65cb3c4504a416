// npm run simulate — use Ledgerline without a Discord application.
//
// Drives the running development server (npm start, simulator mode) as a customer or an admin: sends
// interactions signed with the development key (data/dev-secrets.json), prints the embeds and components
// that come back, lets you click buttons, pick options and fill modals, and prints what the bot sent to the
// fake Discord API (admin-channel posts, DMs, role changes) as it happens.
//
//   npm run simulate                                   interactive (type /help, then follow the numbers)
//   npm run simulate -- --as admin --command "/refund order:1001 amount:500"
//   npm run simulate -- --script src/dev/simulator-demo.txt   non-interactive (a test can drive it)
//
// Script lines (also accepted interactively and with --step):
//   /order productid:prod_…           a slash command; options as name:value or name:"with spaces"
//   click <label or custom id>        press a button on the current message
//   select <option label or value>    pick an option in the current message's select menu
//   modal field=value field="a b"     fill and submit the open modal (unlisted fields keep their default)
//   as customer | as admin            switch who is acting
//   open admin | open dm              make the bot's latest admin-channel message / DM the current message
//   wait [ms]                         wait for the background jobs (notifications) to settle
//   wait until <text>                 wait (up to 60 s) until the bot's calls since the last step show <text>
//                                     (a script's way to wait for a job, however busy the machine is)
//   calls                             print the bot's Discord calls since the last time
//   expect <text>                     fail (exit 1) unless the last screen or bot calls contain <text>
// `$order` in a line is replaced by the last order number shown (e.g. /refund order:$order).
import { readFileSync, existsSync } from 'node:fs';
import { createPrivateKey, sign, randomBytes, type KeyObject } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { COMMAND_DEFINITIONS } from '../src/surfaces/discord/commands/definitions.js';
import { DEV_SECRETS_FILE } from '../src/config/dev-secrets.js';
import { SIMULATOR_FILE, type SimulatorInfo } from '../src/dev/simulator-mode.js';
import { DEMO } from '../src/seed/demo-seed.js';

const { values: args } = parseArgs({
  options: {
    as: { type: 'string', default: 'customer' },
    command: { type: 'string', multiple: true },
    step: { type: 'string', multiple: true },
    script: { type: 'string' },
    guild: { type: 'string' },
    'customer-id': { type: 'string' },
    'admin-id': { type: 'string' },
    'admin-role': { type: 'string' },
    roles: { type: 'string' },
    url: { type: 'string' },
    fake: { type: 'string' },
    secrets: { type: 'string' },
    'app-id': { type: 'string' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (args.help) {
  console.log(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('//'))
      .map((l) => l.slice(3))
      .join('\n'),
  );
  process.exit(0);
}

// ------------------------------------------------------------------ configuration

function loadJson<T>(file: string, what: string): T {
  if (!existsSync(file)) {
    console.error(`${what} not found (${file}). Start the development server first: npm start (with no DISCORD_BOT_TOKEN set).`);
    process.exit(1);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

const info: SimulatorInfo =
  args.url && args.fake && args['app-id']
    ? { interactionsUrl: args.url, fakeDiscordUrl: args.fake, applicationId: args['app-id'] }
    : {
        ...loadJson<SimulatorInfo>(SIMULATOR_FILE, 'Simulator info'),
        ...(args.url ? { interactionsUrl: args.url } : {}),
        ...(args.fake ? { fakeDiscordUrl: args.fake } : {}),
      };
const secrets = loadJson<{ discordPrivateKeyPem: string }>(args.secrets ?? DEV_SECRETS_FILE, 'Development secrets');
const privateKey: KeyObject = createPrivateKey(secrets.discordPrivateKeyPem);
const guildId = args.guild ?? DEMO.guildId;
const color = process.stdout.isTTY && !args['no-color'];
const c = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);

interface Persona {
  id: string;
  username: string;
  roles: string[];
  permissions: string;
}
const personas: Record<'customer' | 'admin', Persona> = {
  customer: {
    id: args['customer-id'] ?? '300000000000000101',
    username: 'sim-customer',
    roles: args.roles?.split(',').filter(Boolean) ?? [DEMO.memberRoleId],
    permissions: '0',
  },
  admin: {
    id: args['admin-id'] ?? '300000000000000201',
    username: 'sim-admin',
    roles: [args['admin-role'] ?? DEMO.adminRoleId],
    permissions: '0',
  },
};
let persona: 'customer' | 'admin' = args.as === 'admin' ? 'admin' : 'customer';

// ------------------------------------------------------------------ state

interface Component {
  type: number;
  custom_id?: string;
  /** A link button's address (style 5): it has no custom_id. */
  url?: string;
  label?: string;
  style?: number;
  disabled?: boolean;
  placeholder?: string;
  options?: { label: string; value: string; description?: string }[];
  components?: Component[];
  value?: string;
  required?: boolean;
}
interface Message {
  id: string;
  channel_id: string;
  content?: string;
  embeds?: Embed[];
  components?: Component[];
  flags?: number;
}
interface Embed {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
}
interface Modal {
  custom_id: string;
  title: string;
  components: Component[];
}
interface FakeCall {
  index: number;
  method: string;
  path: string;
  status?: number;
  body: unknown;
  reason?: string;
}

let current: Message | undefined; // the message the user is looking at (components act on it)
let openModal: { modal: Modal; from?: Message } | undefined;
let lastScreenText = '';
let callsSeen = 0;
let lastOrderNumber: string | undefined;
let snow = BigInt(Date.now() - 1420070400000) << 22n;
const snowflake = () => (snow += 1n).toString();

// ------------------------------------------------------------------ transport

async function post(type: number, data: unknown, message?: Message): Promise<{ type: number; data?: unknown; token: string }> {
  const p = personas[persona];
  const user = { id: p.id, username: p.username, global_name: p.username, discriminator: '0', avatar: null };
  const token = `sim_${randomBytes(12).toString('hex')}`;
  const body = JSON.stringify({
    id: snowflake(),
    application_id: info.applicationId,
    type,
    token,
    version: 1,
    guild_id: guildId,
    channel_id: '100000000000000020',
    member: { user, roles: p.roles, permissions: p.permissions, joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
    app_permissions: '0',
    locale: 'en-US',
    data,
    ...(message ? { message } : {}),
  });
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
  const res = await fetch(info.interactionsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
    body,
  });
  if (!res.ok) throw new Error(`the server answered ${res.status}: ${await res.text()}`);
  return { ...((await res.json()) as { type: number; data?: unknown }), token };
}

async function fakeCalls(since: number): Promise<{ total: number; calls: FakeCall[]; dmChannels: Record<string, string> }> {
  const res = await fetch(`${info.fakeDiscordUrl}/__calls?since=${since}`);
  return (await res.json()) as { total: number; calls: FakeCall[]; dmChannels: Record<string, string> };
}

/** A deferred answer (type 5/6) arrives later as a PATCH of @original (or a follow-up) on the fake. */
async function awaitDeferred(token: string): Promise<{ data: Message; patched: boolean }> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { calls } = await fakeCalls(0);
    const hit = calls.reverse().find((x) => x.path.includes(`/webhooks/${info.applicationId}/${token}`));
    if (hit) return { data: hit.body as Message, patched: hit.method === 'PATCH' };
    await sleep(100);
  }
  throw new Error('the deferred answer never arrived');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ rendering

function embedText(e: Embed): string {
  const out: string[] = [];
  if (e.title) out.push(c(1, e.title));
  if (e.description) out.push(e.description);
  for (const f of e.fields ?? []) out.push(`${c(1, f.name)}\n${f.value.replace(/^/gm, '  ')}`);
  if (e.footer?.text) out.push(c(2, e.footer.text));
  return out.join('\n');
}

function render(m: Message, heading: string): string {
  const out = [c(36, `── ${heading} ──`)];
  if (m.content) out.push(m.content);
  for (const e of m.embeds ?? []) out.push(embedText(e));
  let n = 0;
  for (const row of m.components ?? []) {
    for (const comp of row.components ?? []) {
      if (comp.type === 2)
        out.push(
          comp.url
            ? `  ${c(33, comp.label ?? '')}  ${c(4, comp.url)}  ${c(2, '(a link: open it in a browser)')}`
            : `  [${++n}] ${c(33, comp.label ?? '')}${comp.disabled ? c(2, ' (disabled)') : ''}  ${c(2, comp.custom_id ?? '')}`,
        );
      if (comp.type === 3) {
        out.push(`  ${comp.placeholder ?? 'Select'}  ${c(2, comp.custom_id ?? '')}`);
        for (const o of comp.options ?? []) out.push(`    [${++n}] ${c(33, o.label)}${o.description ? c(2, ` — ${o.description}`) : ''}`);
      }
    }
  }
  const text = out.join('\n');
  const num = /Order submitted[\s\S]*?#(\d+)/.exec(text) ?? /order \*\*#(\d+)\*\*/.exec(text);
  if (num) lastOrderNumber = num[1];
  return text;
}

/** Numbered choices of the current message, in render order. */
function choices(m: Message | undefined): { kind: 'button' | 'option'; customId: string; label: string; value?: string }[] {
  const out: ReturnType<typeof choices> = [];
  for (const row of m?.components ?? []) {
    for (const comp of row.components ?? []) {
      if (comp.type === 2 && comp.custom_id) out.push({ kind: 'button', customId: comp.custom_id, label: comp.label ?? '' });
      if (comp.type === 3 && comp.custom_id)
        for (const o of comp.options ?? []) out.push({ kind: 'option', customId: comp.custom_id, label: o.label, value: o.value });
    }
  }
  return out;
}

async function showResponse(res: { type: number; data?: unknown; token: string }, from?: Message): Promise<void> {
  let { type, data } = res;
  if (type === 5 || type === 6) {
    console.log(c(2, `(deferred: type ${type}; waiting for the edit of the original message)`));
    const later = await awaitDeferred(res.token);
    data = later.data;
    type = later.patched && type === 6 ? 7 : 4;
  }
  if (type === 9) {
    openModal = { modal: data as Modal, from };
    const m = data as Modal;
    lastScreenText = `${m.title}\n${m.components.map((r) => r.components?.[0]?.label).join('\n')}`;
    console.log(c(36, `── modal: ${m.title} ──`));
    for (const r of m.components) {
      const f = r.components?.[0];
      if (f)
        console.log(
          `  ${f.custom_id}: ${f.label}${f.required === false && !/optional/i.test(f.label ?? '') ? c(2, ' (optional)') : ''}${f.value ? c(2, ` [${f.value}]`) : ''}`,
        );
    }
    return;
  }
  openModal = undefined;
  const msg: Message = { id: snowflake(), channel_id: '100000000000000020', flags: 64, ...(data as object) };
  current = msg;
  lastScreenText = render(msg, type === 7 ? 'message updated' : 'reply (only you can see this)');
  console.log(lastScreenText);
}

function describeCall(x: FakeCall, dm: Record<string, string>): string | undefined {
  const body = x.body as Message & { recipient_id?: string };
  if (x.path.startsWith('/webhooks/')) return undefined; // shown as the interaction's answer
  if (x.method === 'POST' && x.path === '/users/@me/channels') return undefined;
  const failed = x.status && x.status >= 300 ? c(31, ` → ${x.status}`) : '';
  let m: RegExpMatchArray | null;
  if ((m = x.path.match(/^\/channels\/(\d+)\/messages$/)) && x.method === 'POST') {
    const user = dm[m[1]!];
    const where = user ? `DM to user ${user}` : `message in channel ${m[1]}`;
    return `${c(35, `[bot] ${where}${failed}`)}\n${(body.embeds ?? []).map(embedText).join('\n')}${
      body.components?.length
        ? `\n${c(
            2,
            choices(body)
              .map((b) => `(${b.label})`)
              .join(' '),
          )}`
        : ''
    }`;
  }
  if ((m = x.path.match(/^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/))) {
    return c(
      35,
      `[bot] role ${x.method === 'PUT' ? 'added' : 'removed'}: role ${m[3]} ${x.method === 'PUT' ? 'to' : 'from'} user ${m[2]}${x.reason ? ` (${decodeURIComponent(x.reason)})` : ''}${failed}`,
    );
  }
  return c(35, `[bot] ${x.method} ${x.path}${failed}`);
}

async function printCalls(): Promise<string> {
  const { total, calls, dmChannels } = await fakeCalls(callsSeen);
  callsSeen = total;
  const lines = calls.map((x) => describeCall(x, dmChannels)).filter((l): l is string => Boolean(l));
  if (lines.length) console.log(lines.join('\n'));
  return lines.join('\n');
}

/**
 * Waits until the bot's calls since the last step (printed as they come) contain `text`, or fails after `maxMs`:
 * what a script waits for, where `settle`'s quiet moment may come before a busy machine's job has run.
 */
async function waitUntil(text: string, maxMs = 60_000): Promise<string> {
  const start = Date.now();
  let seen = lastCallsText;
  for (;;) {
    const printed = await printCalls();
    if (printed) seen = `${seen}\n${printed}`;
    if (seen.toLowerCase().includes(text.toLowerCase())) return seen;
    if (Date.now() - start > maxMs) throw new Error(`waited ${maxMs} ms for the bot's calls to show "${text}"`);
    await sleep(150);
  }
}

/** Waits until the bot's calls stop changing for a moment (notification jobs run in the background). */
async function settle(maxMs = 8000, quietMs = 1500): Promise<string> {
  const start = Date.now();
  let seen = (await fakeCalls(0)).total;
  let quietSince = Date.now();
  while (Date.now() - start < maxMs && Date.now() - quietSince < quietMs) {
    await sleep(150);
    const now = (await fakeCalls(0)).total;
    if (now !== seen) {
      seen = now;
      quietSince = Date.now();
    }
  }
  return printCalls();
}

// ------------------------------------------------------------------ steps

function tokenize(s: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /([A-Za-z0-9_-]+)[:=](?:"([^"]*)"|(\S+))/g;
  for (const m of s.matchAll(re)) out.push([m[1]!, m[2] ?? m[3] ?? '']);
  return out;
}

async function slash(line: string): Promise<void> {
  const [name = '', ...rest] = line.slice(1).split(/\s+/);
  const def = COMMAND_DEFINITIONS.find((d) => d.name === name.toLowerCase());
  if (!def) throw new Error(`unknown command /${name}; try /help`);
  const options = tokenize(rest.join(' ')).map(([k, v]) => {
    const od = def.options?.find((o) => o.name === k.toLowerCase());
    if (!od) throw new Error(`/${def.name} has no option "${k}" (options: ${(def.options ?? []).map((o) => o.name).join(', ') || 'none'})`);
    const value =
      od.type === ApplicationCommandOptionType.Integer ? Number(v) : od.type === ApplicationCommandOptionType.Boolean ? v === 'true' : v;
    return { name: od.name, type: od.type, value };
  });
  console.log(c(32, `\n> ${persona}: /${def.name}${options.map((o) => ` ${o.name}:${o.value}`).join('')}`));
  await showResponse(await post(2, { id: snowflake(), name: def.name, type: 1, options }));
}

function find(target: string, kind?: 'button' | 'option') {
  const all = choices(current).filter((x) => !kind || x.kind === kind);
  const t = target.trim().toLowerCase();
  const byNumber = /^\d+$/.test(t) ? choices(current)[Number(t) - 1] : undefined;
  const hit =
    byNumber ??
    all.find((x) => x.customId.toLowerCase() === t || x.value?.toLowerCase() === t) ??
    all.find((x) => x.label.toLowerCase() === t) ??
    all.find((x) => x.label.toLowerCase().includes(t));
  if (!hit) throw new Error(`nothing called "${target}" on the current message (${all.map((x) => x.label).join(', ') || 'no components'})`);
  return hit;
}

async function choose(hit: ReturnType<typeof find>): Promise<void> {
  console.log(c(32, `\n> ${persona}: ${hit.kind === 'button' ? 'click' : 'select'} "${hit.label}"`));
  const from = current;
  const data =
    hit.kind === 'button'
      ? { custom_id: hit.customId, component_type: 2 }
      : { custom_id: hit.customId, component_type: 3, values: [hit.value] };
  await showResponse(await post(3, data, from), from);
}

async function submitModal(fields: Record<string, string>): Promise<void> {
  if (!openModal) throw new Error('no modal is open');
  const { modal, from } = openModal;
  const components = modal.components.map((r) => {
    const f = r.components![0]!;
    return { type: 1, components: [{ type: 4, custom_id: f.custom_id, value: fields[f.custom_id!] ?? f.value ?? '' }] };
  });
  console.log(
    c(
      32,
      `\n> ${persona}: submit "${modal.title}" ${Object.entries(fields)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    ),
  );
  await showResponse(await post(5, { custom_id: modal.custom_id, components }, from), from);
}

async function openLatest(which: 'admin' | 'dm'): Promise<void> {
  const { calls, dmChannels } = await fakeCalls(0);
  const posts = calls.filter((x) => x.method === 'POST' && /^\/channels\/\d+\/messages$/.test(x.path) && (x.status ?? 200) < 300);
  const hit = posts.reverse().find((x) => Boolean(dmChannels[x.path.split('/')[2]!]) === (which === 'dm'));
  if (!hit) throw new Error(`the bot has not posted ${which === 'dm' ? 'a DM' : 'to a channel'} yet (try: wait)`);
  current = { id: snowflake(), channel_id: hit.path.split('/')[2]!, ...(hit.body as object) };
  lastScreenText = render(current, which === 'dm' ? 'latest DM' : 'latest admin-channel message');
  console.log(lastScreenText);
}

let lastCallsText = '';
async function runStep(raw: string, interactive: boolean): Promise<boolean> {
  const line = raw.replace(/\$order\b/g, () => lastOrderNumber ?? '$order').trim();
  if (!line || line.startsWith('#')) return true;
  const [verb = '', ...restParts] = line.split(/\s+/);
  const rest = restParts.join(' ');
  if (line.startsWith('/')) await slash(line);
  else if (verb === 'click') await choose(find(rest, 'button'));
  else if (verb === 'select') await choose(find(rest, 'option'));
  else if (verb === 'modal') await submitModal(Object.fromEntries(tokenize(rest)));
  else if (verb === 'as') {
    if (rest !== 'customer' && rest !== 'admin') throw new Error('as customer | as admin');
    persona = rest;
    console.log(c(32, `\n> now acting as the ${rest} (user ${personas[rest].id})`));
  } else if (verb === 'open') await openLatest(rest === 'dm' ? 'dm' : 'admin');
  else if (verb === 'wait' && restParts[0] === 'until') {
    const text = restParts.slice(1).join(' ');
    if (!text) throw new Error('wait until <text>');
    lastCallsText = await waitUntil(text);
    console.log(c(2, `(ok: the bot showed "${text}")`));
    return true;
  } else if (verb === 'wait') {
    lastCallsText = await settle(rest ? Number(rest) : 8000);
    return true;
  } else if (verb === 'calls') lastCallsText = await printCalls();
  else if (verb === 'expect') {
    const haystack = `${lastScreenText}\n${lastCallsText}`;
    if (!haystack.toLowerCase().includes(rest.toLowerCase())) throw new Error(`expected to see "${rest}"`);
    console.log(c(2, `(ok: saw "${rest}")`));
    return true;
  } else if (interactive && /^\d+$/.test(verb)) {
    const hit = choices(current)[Number(verb) - 1];
    if (!hit) throw new Error(`no choice ${verb}`);
    await choose(hit);
  } else if (verb === 'quit' || verb === 'exit') return false;
  else throw new Error(`unknown step "${line}"`);
  lastCallsText = await printCalls();
  return true;
}

// ------------------------------------------------------------------ main

async function interactiveLoop(): Promise<void> {
  // Lines are read through one async iterator (not rl.question), so piped input loses no lines.
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (prompt: string): Promise<string | undefined> => {
    process.stdout.write(prompt);
    const next = await lines.next();
    return next.done ? undefined : next.value;
  };
  console.log(
    c(
      2,
      'Type a slash command (/help, /order, /catalog, /orders), a number to click or pick, "as admin", "open admin", "calls", "wait" or "quit".',
    ),
  );
  for (;;) {
    if (openModal) {
      const fields: Record<string, string> = {};
      for (const r of openModal.modal.components) {
        const f = r.components![0]!;
        const answer = await ask(`${f.label}${f.value ? ` [${f.value}]` : ''}: `);
        if (answer === undefined) return rl.close();
        fields[f.custom_id!] = answer || f.value || '';
      }
      await submitModal(fields).catch((err: Error) => console.log(c(31, err.message)));
      await printCalls();
      continue;
    }
    const line = await ask(c(32, `${persona}> `));
    if (line === undefined) break;
    try {
      if (!(await runStep(line, true))) break;
    } catch (err) {
      console.log(c(31, (err as Error).message));
    }
  }
  rl.close();
}

async function main(): Promise<void> {
  callsSeen = (await fakeCalls(0)).total;
  const steps: string[] = [];
  if (args.script) steps.push(...readFileSync(args.script, 'utf8').split('\n'));
  for (const cmd of args.command ?? []) steps.push(cmd.startsWith('/') ? cmd : `/${cmd}`);
  steps.push(...(args.step ?? []));
  for (const s of steps) {
    try {
      await runStep(s, false);
    } catch (err) {
      console.error(c(31, `step failed: ${s}\n  ${(err as Error).message}`));
      process.exit(1);
    }
  }
  // Interactive when there is nothing to run, or after --command/--step on a terminal (a script runs alone).
  if (steps.length === 0 || (process.stdin.isTTY && !args.script)) await interactiveLoop();
}

await main().catch((err: Error) => {
  console.error(c(31, err.message));
  process.exit(1);
});
