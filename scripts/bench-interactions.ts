// npm run bench:interactions — the Discord endpoint under load, set up as in production.
//
// Starts PostgreSQL (a scratch database on DATABASE_URL's server, dropped afterwards, or an embedded one in a
// temporary folder), seeds two shops and starts the production build (`node dist/src/main.js`, rebuilt first
// when src/ is newer; --server src runs src/main.ts with tsx instead) as a child process with
// NODE_ENV=production, LOG_LEVEL=warn, and PROCESS_ROLES unset: the web process serves the endpoint and the
// panel, and the job worker runs in its own supervised child process (as `npm run start:prod` does). Discord
// REST goes to a FakeDiscordApi and TaxJar to a FakeTaxjar in this process; TaxJar answers after
// --taxjar-ms (default 150 ms, about its real latency), never at once.
//
// 1. Rich /order flow in the demo shop (TaxJar on, address validation on, the demo 10% discount on) at fixed
//    offered rates: requests are sent on a schedule (every 1/R s, whether or not earlier ones have answered),
//    each to a simulated customer whose previous step has completed (a new, distinct customer starts when
//    none is free). Steps: /order, product select, quantity modal, "Enter new address", address modal,
//    shipping select, payment select, confirm. "answer" is the interaction response, measured from the
//    scheduled send time. Steps that wait on TaxJar are deferred at once by design (deferIf); for those,
//    "done" is when the real answer reached Discord (the webhook edit at the fake), TaxJar's latency
//    included. A rate is sustained when every step's answer p99 <= 50 ms, nothing failed, nothing was
//    deferred by the 2 s safety net, and >= 95% of the offered requests were answered.
// 2. Flash sale in a second shop (TaxJar off, so a Confirm's answer carries the order itself; one global 10%
//    discount every order uses; a product with limited stock): --flash-customers distinct customers are
//    walked up to the review beforehand, then all click Confirm at --flash-rate per second. Checked in the
//    database afterwards: no oversell (orders of the product <= its stock, stock never negative), order
//    numbers unique per shop (and whether gapless), every order carries the discount.
// 3. Signed PING throughput (autocannon, 10 connections) against the real server and the same-sized request
//    against a bare Express handler (src/dev/bench-bare-server.ts) in the same run; the ratio is real/bare.
//    The same bare handler checking the signature as the service does is measured too: how much of the gap
//    is the Ed25519 check itself (which no handler can skip), and how much the service adds besides.
// 4. The job worker: how fast it drained the notifications the orders queued. The fake enforces Discord's
//    message limit per channel (5 per 5 s), so a shop's admin-channel posts (in the shop's lane,
//    docs/decisions/admin-channel-lanes.md) outlast the phase that queued them, as in production: they are
//    counted apart, as still queued, and not waited for.
// 5. The admin panel is loaded once (login, dashboard, order list), then peak RSS (VmHWM) of the web process
//    and of the worker process.
//
// --layout split runs the deployment docs/decisions/process-roles.md describes for scale instead: the
// interaction process alone (PROCESS_ROLES=web), the panel in its own process (PROCESS_ROLES=admin, another
// port; step 5 loads it there) and the worker alone (PROCESS_ROLES=worker); each process's peak RSS is printed.
//
// Options: --rates 100,200  --seconds 10  --target 200  --ping-seconds 5  --taxjar-ms 150  --flash-rate 100
// --flash-seconds 8  --server dist|src  --layout one|split  --profile <dir> (node --cpu-prof of the web process
// into <dir>/web, and with --layout split of the worker into <dir>/worker)
// Last lines: `flash sale p99: <N> ms at <R> req/s`, then
// `p99 worst step: X ms at R req/s  ping ratio: Y  peak rss: Z MB`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import request from 'supertest';
import { FakeDiscordApi, type RecordedCall } from '../src/dev/fake-discord-api.js';
import { FakeTaxjar } from '../src/dev/fake-taxjar.js';
import { findFreePort } from '../src/platform/db/embedded-postgres.js';
import { migrate } from '../src/platform/db/migrate.js';
import { createPrisma, type Db } from '../src/platform/db/prisma.js';
import { LANE_DRAIN_TASK } from '../src/platform/jobs/lanes.js';
import { migrateJobQueue } from '../src/platform/jobs/worker.js';
import { DEMO, seedDemo } from '../src/seed/demo-seed.js';
import { benchDatabase } from './lib/bench-database.js';
import { dueJobs, laneBacklog } from './lib/job-backlog.js';
import { stopChildren } from './lib/stop-children.js';
import { ADMIN_CHANNEL_LANE } from '../src/adapters/discord/notifications/admin-channel-lane.js';
import { startProdNodeFlags } from './lib/start-commands.js';
import { cpuBetween, sampleCpu, type CpuSample } from './lib/process-cpu.js';

const { values: opts } = parseArgs({
  options: {
    rates: { type: 'string', default: '100,200' },
    seconds: { type: 'string', default: '10' },
    'ping-seconds': { type: 'string', default: '5' },
    target: { type: 'string', default: '200' },
    'taxjar-ms': { type: 'string', default: '150' },
    'flash-rate': { type: 'string', default: '100' },
    'flash-seconds': { type: 'string', default: '8' },
    server: { type: 'string', default: 'dist' },
    /** one: `npm start`'s layout (web + panel in one process, the worker as its child); split: three processes. */
    layout: { type: 'string', default: 'one' },
    /** Writes a V8 CPU profile of the web process into this folder (node --cpu-prof). */
    profile: { type: 'string' },
  },
});
const RATES = opts
  .rates!.split(',')
  .map(Number)
  .filter((n) => n > 0);
const SECONDS = Number(opts.seconds);
const PING_SECONDS = Number(opts['ping-seconds']);
const TARGET = Number(opts.target);
const TAXJAR_MS = Number(opts['taxjar-ms']);
const FLASH_RATE = Number(opts['flash-rate']);
const FLASH_SECONDS = Number(opts['flash-seconds']);
const APP_ID = '100000000000000099';
const P99_LIMIT_MS = 50;
/** Discord's message limit per channel (its message bucket: 5 per 5 s), enforced by the fake for every channel. */
const ADMIN_CHANNEL_LIMIT = 5;
const ADMIN_CHANNEL_WINDOW_MS = 5_000;
const FLASH_GUILD = '100000000000000777';
const ROOT = join(import.meta.dirname, '..');
if (opts.layout !== 'one' && opts.layout !== 'split') throw new Error('--layout is one or split');
const SPLIT = opts.layout === 'split';

// ------------------------------------------------------------------ infrastructure

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The production build, rebuilt when missing or older than src/. */
function ensureBuild(): void {
  const main = join(ROOT, 'dist', 'src', 'main.js');
  const fresh =
    existsSync(main) &&
    existsSync(join(ROOT, 'dist', 'admin-bundle', 'prebuilt.json')) &&
    statSync(main).mtimeMs >= newestMtime(join(ROOT, 'src'));
  if (fresh) return;
  console.log('building (npm run build): dist/ is missing or older than src/');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('npm run build failed');
}

function startChild(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[server] ${d}`));
  child.stdout!.on('data', (d: Buffer) => {
    // Warnings and errors only (LOG_LEVEL=warn); the start-up banner is info and skipped.
    for (const line of d.toString().split('\n')) if (/"level":[4-6]\d/.test(line)) process.stderr.write(`[server] ${line.slice(0, 400)}\n`);
  });
  return child;
}

async function waitForHttp(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, {
        method: url.endsWith('/readyz') ? 'GET' : 'POST',
        body: url.endsWith('/readyz') ? undefined : '{"type":1}',
      });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/** VmHWM (peak resident set) or VmRSS (now) of a process, in MB. */
function rssMb(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return NaN;
  }
}

/** The supervised job worker: the web process's node child. */
function workerPid(parent: number): number | undefined {
  try {
    const kids = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return kids.find((k) => readFileSync(`/proc/${k}/cmdline`, 'utf8').includes('main.'));
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------ signed interactions

function signer(key: KeyObject) {
  return (body: string) => {
    const timestamp = Math.floor(Date.now() / 1000).toString();
    return {
      'content-type': 'application/json',
      'x-signature-timestamp': timestamp,
      'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), key).toString('hex'),
    };
  };
}

let snow = BigInt(Date.now() - 1420070400000) << 22n;
const snowflake = () => (snow += 1n).toString();

interface Shop {
  guildId: string;
  productId: string;
  shippingTypeId: string;
}

function interaction(shop: Shop, userId: string, token: string, type: number, data: unknown, message?: unknown) {
  const user = { id: userId, username: `bench${userId.slice(-6)}`, global_name: null, discriminator: '0', avatar: null };
  return JSON.stringify({
    id: snowflake(),
    application_id: APP_ID,
    type,
    token,
    version: 1,
    guild_id: shop.guildId,
    channel_id: '100000000000000020',
    member: { user, roles: [], permissions: '0', joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
    app_permissions: '0',
    locale: 'en-US',
    data,
    ...(message ? { message } : {}),
  });
}

const flowMessage = {
  id: '1',
  channel_id: '1',
  flags: 64,
  components: [{ type: 1, components: [{ type: 2, custom_id: 'order:cancel', label: 'Cancel', style: 4 }] }],
};
const STEPS = [
  '/order',
  'product-select',
  'qty-modal',
  'address:new',
  'address-modal',
  'shipping-select',
  'payment-select',
  'confirm',
] as const;
type Step = (typeof STEPS)[number];
const CONFIRM = STEPS.indexOf('confirm');

function stepBody(shop: Shop, step: number, userId: string, token: string): string {
  const i = (type: number, data: unknown, message?: unknown) => interaction(shop, userId, token, type, data, message);
  switch (STEPS[step]) {
    case '/order':
      return i(2, { id: '1', name: 'order', type: 1 });
    case 'product-select':
      return i(3, { custom_id: 'order:product-select', component_type: 3, values: [shop.productId] }, flowMessage);
    case 'qty-modal':
      return i(
        5,
        {
          custom_id: `order:qty-modal:${shop.productId}`,
          components: [{ type: 1, components: [{ type: 4, custom_id: 'quantity', value: '1' }] }],
        },
        flowMessage,
      );
    case 'address:new':
      return i(3, { custom_id: 'order:address:new', component_type: 2 }, flowMessage);
    case 'address-modal':
      return i(
        5,
        {
          custom_id: 'order:address:modal',
          components: [
            ['line1', '1 Bench St'],
            ['line2', ''],
            ['city', 'Springfield'],
            ['state', 'IL'],
            ['postal_country', '62701 US'],
          ].map(([k, v]) => ({ type: 1, components: [{ type: 4, custom_id: k, value: v }] })),
        },
        flowMessage,
      );
    case 'shipping-select':
      return i(3, { custom_id: 'order:shipping-type-select', component_type: 3, values: [shop.shippingTypeId] }, flowMessage);
    case 'payment-select':
      return i(3, { custom_id: 'order:payment-method-select', component_type: 3, values: ['VENMO_P2P'] }, flowMessage);
    default:
      return i(3, { custom_id: 'order:confirm', component_type: 2 }, flowMessage);
  }
}

/** The response type each step answers with when it answers at once. */
const EXPECTED_TYPE: Record<Step, number> = {
  '/order': 4,
  'product-select': 9,
  'qty-modal': 7,
  'address:new': 9,
  'address-modal': 7,
  'shipping-select': 7,
  'payment-select': 7,
  confirm: 7,
};

/**
 * Webhook edits of deferred answers, by interaction token: when the real answer reached Discord (the fake),
 * and what it said (its first embed title).
 */
class FollowUps {
  private readonly waiting = new Map<string, (at: number, title: string, text: string) => void>();
  constructor(fake: FakeDiscordApi) {
    fake.onCall((c: RecordedCall) => {
      // PATCH .../messages/@original (the deferred message itself) or POST /webhooks/{app}/{token} (a new one).
      const m = /^\/webhooks\/\d+\/([^/]+)(\/messages\/@original)?$/.exec(c.path);
      if (!m || (m[2] ? c.method !== 'PATCH' : c.method !== 'POST')) return;
      const body = c.body as { embeds?: { title?: string }[] } | undefined;
      this.waiting.get(m[1]!)?.(performance.now(), body?.embeds?.[0]?.title ?? '', JSON.stringify(body ?? {}));
      this.waiting.delete(m[1]!);
    });
  }
  expect(token: string, timeoutMs = 10_000): Promise<{ at: number; title: string; text: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        reject(new Error('no follow-up within 10 s'));
      }, timeoutMs);
      this.waiting.set(token, (at, title, text) => {
        clearTimeout(timer);
        resolve({ at, title, text });
      });
    });
  }
}

interface Answer {
  ok: boolean;
  answerMs: number;
  doneMs: number;
  deferredByDesign: boolean;
  safetyNet: boolean;
  title: string;
  /**
   * A Confirm whose line sold out since the review: the flow takes it out and shows the product menu saying so
   * (order-flow.ts screenPastRefusal, since 2026-12-06), where it used to answer "Out of stock".
   */
  soldOutNow?: boolean;
  error?: string;
}

const SOLD_OUT_NOW = / is sold out now, so it was taken out of your order\./;

// The driver's HTTP client: node:http on kept-alive sockets. fetch (undici's web streams) cost this process
// ~4 ms of CPU per interaction, on the same 2 cores as the server it measures; this costs a fraction of that.
const driverAgent = new Agent({ keepAlive: true, maxSockets: 512 });

/**
 * POSTs a body; the status and the parsed JSON answer ({} when it is not JSON). A kept-alive socket the server
 * closed as idle (its keepAliveTimeout, 5 s: the pauses between phases are that long) while this request was
 * being written to it fails with ECONNRESET before the server read anything; that one case is sent again on a
 * new socket, as Node's http documentation advises (`request.reusedSocket`). Any other error is the run's.
 */
function postJson(url: string, headers: Record<string, string>, body: string, retried = false): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', agent: driverAgent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: unknown = {};
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // not JSON: the caller reports the status
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && req.reusedSocket && err.code === 'ECONNRESET') postJson(url, headers, body, true).then(resolve, reject);
      else reject(err);
    });
    req.end(body);
  });
}

/** Sends one step and waits for its answer (and, when deferred, for the real answer by webhook). */
async function send(
  url: string,
  signBody: (b: string) => Record<string, string>,
  followUps: FollowUps,
  shop: Shop,
  step: number,
  userId: string,
  scheduled: number,
): Promise<Answer> {
  const token = `bench_${snowflake()}`;
  const body = stepBody(shop, step, userId, token);
  const later = followUps.expect(token);
  later.catch(() => undefined);
  const res = await postJson(url, signBody(body), body);
  const json = res.json as { type?: number; data?: { embeds?: { title?: string; description?: string }[] } };
  const answerMs = performance.now() - scheduled;
  const expected = EXPECTED_TYPE[STEPS[step]!];
  if (res.status === 200 && json.type === expected) {
    return {
      ok: true,
      answerMs,
      doneMs: answerMs,
      deferredByDesign: false,
      safetyNet: false,
      title: json.data?.embeds?.[0]?.title ?? '',
      soldOutNow: SOLD_OUT_NOW.test(JSON.stringify(json.data ?? {})),
    };
  }
  if (res.status === 200 && (json.type === 5 || json.type === 6)) {
    // Deferred at once by design (the step waits on TaxJar), or by the 2 s safety net.
    const safetyNet = answerMs >= 1_900;
    try {
      const done = await later;
      return {
        ok: true,
        answerMs,
        doneMs: done.at - scheduled,
        deferredByDesign: !safetyNet,
        safetyNet,
        title: done.title,
        soldOutNow: SOLD_OUT_NOW.test(done.text),
      };
    } catch (err) {
      return { ok: false, answerMs, doneMs: NaN, deferredByDesign: !safetyNet, safetyNet, title: '', error: (err as Error).message };
    }
  }
  return {
    ok: false,
    answerMs,
    doneMs: NaN,
    deferredByDesign: false,
    safetyNet: false,
    title: '',
    error: `HTTP ${res.status} type ${json.type} ${json.data?.embeds?.[0]?.title ?? ''} ${json.data?.embeds?.[0]?.description ?? ''}`,
  };
}

// ------------------------------------------------------------------ the open-loop run

interface RunResult {
  rate: number;
  sent: number;
  answered: number;
  safetyNet: number;
  failed: number;
  answer: number[][];
  done: number[][];
  byDesign: boolean[];
  failures: string[];
}

async function runAtRate(
  url: string,
  signBody: (b: string) => Record<string, string>,
  followUps: FollowUps,
  shop: Shop,
  rate: number,
  seconds: number,
  userBase: number,
): Promise<RunResult> {
  const answer: number[][] = STEPS.map(() => []);
  const done: number[][] = STEPS.map(() => []);
  const byDesign = STEPS.map(() => false);
  const failures: string[] = [];
  const idle: { userId: string; step: number }[] = [];
  let users = 0;
  let sent = 0;
  let answered = 0;
  let safetyNet = 0;
  let failed = 0;
  const inflight = new Set<Promise<void>>();
  const interval = 1000 / rate;
  const start = performance.now() + 50;
  const end = start + seconds * 1000;
  for (let i = 0; ; i++) {
    const scheduled = start + i * interval;
    if (scheduled >= end) break;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const customer = idle.shift() ?? { userId: `4${String(userBase + ++users).padStart(17, '0')}`, step: 0 };
    const step = customer.step;
    sent++;
    const p = send(url, signBody, followUps, shop, step, customer.userId, scheduled)
      .then((a) => {
        if (a.safetyNet) safetyNet++;
        if (!a.ok) {
          failed++;
          if (failures.length < 5) failures.push(`${STEPS[step]}: ${a.error}`);
          return; // this customer is abandoned
        }
        answered++;
        answer[step]!.push(a.answerMs);
        done[step]!.push(a.doneMs);
        if (a.deferredByDesign) byDesign[step] = true;
        if (step + 1 < STEPS.length) idle.push({ userId: customer.userId, step: step + 1 });
      })
      .catch((err: Error) => {
        failed++;
        if (failures.length < 5) failures.push(`${STEPS[step]}: ${err.message}`);
      });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  await Promise.race([Promise.all(inflight), new Promise((r) => setTimeout(r, 15_000))]);
  return { rate, sent, answered, safetyNet, failed, answer, done, byDesign, failures };
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
/** The CPU each process spent per request in a phase: what the latencies cost, independent of the machine's load. */
function cpuLine(before: CpuSample, after: CpuSample, requests: number, who: { label: string; pid: number | undefined }[]): string {
  const used = cpuBetween(before, after);
  const per = (ms: number) => (requests > 0 ? (ms / requests).toFixed(2) : '—');
  const parts = who.filter((w) => w.pid !== undefined).map((w) => `${w.label} ${per(used.byPid.get(w.pid!) ?? NaN)}`);
  parts.push(`postgres ${per(used.postgres)}`);
  let all = used.postgres;
  for (const ms of used.byPid.values()) if (Number.isFinite(ms)) all += ms;
  return `  CPU ms per request: ${parts.join(', ')}; these processes kept ${((100 * all) / used.wallMs).toFixed(0)}% of one core busy`;
}
const worstAnswerP99 = (r: RunResult) => Math.max(...r.answer.map((xs) => pct(xs, 99)).filter(Number.isFinite));

// ------------------------------------------------------------------ flash sale

/** Walks `n` distinct customers of the flash shop up to the review, `parallel` at a time. */
async function prepareFlashCustomers(
  url: string,
  signBody: (b: string) => Record<string, string>,
  followUps: FollowUps,
  shop: Shop,
  n: number,
  parallel = 12,
): Promise<string[]> {
  const ready: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const userId = `5${String(++next).padStart(17, '0')}`;
      let ok = true;
      for (let step = 0; step < CONFIRM && ok; step++) {
        const a = await send(url, signBody, followUps, shop, step, userId, performance.now());
        ok = a.ok;
        if (!ok) console.log(`  flash sale preparation: ${STEPS[step]} failed: ${a.error}`);
      }
      if (ok) ready.push(userId);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return ready;
}

interface FlashResult {
  rate: number;
  sent: number;
  placed: number;
  soldOut: number;
  failed: number;
  ms: number[];
  failures: string[];
}

async function flashSale(
  url: string,
  signBody: (b: string) => Record<string, string>,
  followUps: FollowUps,
  shop: Shop,
  customers: string[],
  rate: number,
): Promise<FlashResult> {
  const ms: number[] = [];
  const failures: string[] = [];
  let placed = 0;
  let soldOut = 0;
  let failed = 0;
  const inflight: Promise<void>[] = [];
  const interval = 1000 / rate;
  const start = performance.now() + 50;
  for (let i = 0; i < customers.length; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      send(url, signBody, followUps, shop, CONFIRM, customers[i]!, scheduled).then((a) => {
        if (!a.ok && /Out of stock/.test(a.error ?? '')) {
          soldOut++;
          ms.push(a.answerMs);
          return;
        }
        if (!a.ok || a.safetyNet) {
          failed++;
          if (failures.length < 5) failures.push(a.error ?? 'deferred by the 2 s safety net');
          return;
        }
        ms.push(a.doneMs);
        if (a.title === 'Order submitted') placed++;
        else if (a.title === 'Out of stock' || a.soldOutNow) soldOut++;
        else {
          failed++;
          if (failures.length < 5) failures.push(`answer: ${a.title}`);
        }
      }),
    );
  }
  await Promise.all(inflight);
  return { rate, sent: customers.length, placed, soldOut, failed, ms, failures };
}

// ------------------------------------------------------------------ seeding

async function seedShops(
  prisma: Db,
  taxjarUrlKey: string,
): Promise<{
  demo: Shop;
  flash: Shop & { tenantId: string; stock: number };
  admin: { email: string; password: string };
  flashStock: (n: number) => Promise<void>;
}> {
  const admin = await seedDemo(prisma);
  const tenant = await prisma.tenant.findFirstOrThrow();
  // TaxJar on (the key is stored plain here; start-up encrypts it), addresses validated.
  await prisma.tenant.update({
    where: { id: tenant.id },
    data: {
      taxjarEnabled: true,
      taxjarApiKey: taxjarUrlKey,
      addressValidation: true,
      taxjarFromAddress: { country: 'US', zip: '62701', state: 'IL', city: 'Springfield', street: '1 Shop St' },
    },
  });
  const product = await prisma.product.findFirstOrThrow({ where: { tenantId: tenant.id, sku: 'TEE-001' } });
  const shipping = await prisma.shippingType.findFirstOrThrow({ where: { tenantId: tenant.id }, orderBy: { sortOrder: 'asc' } });

  // The flash-sale shop: one product with limited stock, one global discount every order qualifies for.
  const flashTenant = await prisma.tenant.create({
    data: {
      name: 'Flash Shop',
      currency: 'USD',
      enabledPaymentMethods: ['VENMO_P2P'],
      inventoryTracking: true,
      adminChannelId: '100000000000000778',
      paymentInstructions: { VENMO_P2P: { handle: '@flash', instructions: 'Pay @flash on Venmo with your order number.' } },
      guilds: { create: { id: FLASH_GUILD, name: 'Flash Shop Discord' } },
    },
  });
  const flashProduct = await prisma.product.create({
    data: {
      tenantId: flashTenant.id,
      sku: 'DROP-001',
      name: 'Limited Drop Tee',
      unitPriceCents: 3000,
      trackStock: true,
      stock: 1_000_000,
      sortOrder: 1,
    },
  });
  const flashShipping = await prisma.shippingType.create({
    data: { tenantId: flashTenant.id, name: 'Standard', priceCents: 500, sortOrder: 1 },
  });
  await prisma.discount.create({
    data: { tenantId: flashTenant.id, name: 'Drop day 10% off', type: 'PERCENT', percentOff: 10, scope: 'GLOBAL' },
  });
  return {
    demo: { guildId: DEMO.guildId, productId: product.id, shippingTypeId: shipping.id },
    flash: { guildId: FLASH_GUILD, productId: flashProduct.id, shippingTypeId: flashShipping.id, tenantId: flashTenant.id, stock: 0 },
    admin,
    // Set once the customers are prepared (sessions hold no stock): fewer than will click, so some sell out.
    flashStock: async (n) => void (await prisma.product.update({ where: { id: flashProduct.id }, data: { stock: n } })),
  };
}

// ------------------------------------------------------------------ main

async function pingThroughput(url: string, body: string, headers: Record<string, string>, seconds: number): Promise<number> {
  const result = await autocannon({ url, method: 'POST', body, headers, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`PING run had ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.average;
}

/** The admin channels' jobs (in the shops' lanes), which go at Discord's per-channel pace: counted apart. */
const otherJobs = (c: pg.Client) => dueJobs(c, { exceptTask: LANE_DRAIN_TASK });
const adminChannelJobs = (c: pg.Client) => laneBacklog(c, ADMIN_CHANNEL_LANE.name);

/**
 * Waits for every job but the admin channels' to finish (those post at most ADMIN_CHANNEL_LIMIT per window
 * per channel, so a phase's posts outlast it); `adminLeft`: the admin-channel jobs still queued then.
 */
async function drainJobs(c: pg.Client, timeoutMs = 120_000): Promise<{ jobs: number; seconds: number; left: number; adminLeft: number }> {
  const start = performance.now();
  const first = await otherJobs(c);
  let left = first;
  while (left > 0 && performance.now() - start < timeoutMs) {
    await new Promise((r) => setTimeout(r, 250));
    left = await otherJobs(c);
  }
  return { jobs: first - left, seconds: (performance.now() - start) / 1000, left, adminLeft: await adminChannelJobs(c) };
}

async function main(): Promise<void> {
  if (opts.server === 'dist') ensureBuild();
  const db = await benchDatabase('ll_ibench');
  const children: ChildProcess[] = [];
  const fake = await new FakeDiscordApi().start();
  // Discord's per-channel message limit (the fake answers 429 past it, with the headers Discord sends).
  fake.rateLimit({ method: 'POST', path: /^\/channels\/(\d+)\/messages$/, limit: ADMIN_CHANNEL_LIMIT, windowMs: ADMIN_CHANNEL_WINDOW_MS });
  const taxjar = await new FakeTaxjar({ delayMs: TAXJAR_MS, recordCalls: false }).start();
  const followUps = new FollowUps(fake);
  const probe = new pg.Client({ connectionString: db.url });
  probe.on('error', () => undefined);
  try {
    await migrate(db.url);
    await migrateJobQueue(db.url);
    const prisma = createPrisma(db.url, 2);
    const shops = await seedShops(prisma, 'bench-taxjar-key');

    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicKeyHex = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
    const port = await findFreePort();
    // The node flags of `npm run start:prod` (the Docker image's too), so the benchmark runs what production runs.
    const prodFlags = startProdNodeFlags();
    const entry = opts.server === 'dist' ? [...prodFlags, 'dist/src/main.js'] : [...prodFlags, '--import', 'tsx', 'src/main.ts'];
    const serverEnv: Record<string, string> = {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      DISCORD_PUBLIC_KEY: publicKeyHex,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_BOT_TOKEN: 'bench-bot-token-not-a-real-token',
      DISCORD_API_BASE_URL: fake.apiBase,
      DISCORD_GATEWAY_ENABLED: 'false',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      COOKIE_SECURE: 'false',
      SECRETS_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      INVOICE_LINK_SIGNING_SECRET: randomBytes(32).toString('hex'),
      TAXJAR_API_URL: taxjar.url,
    };
    // split: the interaction process serves only the endpoint (PROCESS_ROLES=web), the panel runs in its own
    // process on another port, and the worker alone (npm run worker:prod); see docs/decisions/process-roles.md.
    const adminPort = SPLIT ? await findFreePort() : port;
    // --profile: the web process's profile in <dir>/web, the split worker's in <dir>/worker.
    const profiled = (name: string) => (opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(opts.profile, name)}`] : []);
    const server = startChild([...profiled('web'), ...entry], {
      ...serverEnv,
      ...(SPLIT ? { PROCESS_ROLES: 'web' } : {}),
    });
    const splitChildren = SPLIT
      ? {
          admin: startChild(entry, { ...serverEnv, PORT: String(adminPort), PROCESS_ROLES: 'admin' }),
          worker: startChild([...profiled('worker'), ...entry], {
            ...serverEnv,
            PORT: String(await findFreePort()),
            PROCESS_ROLES: 'worker',
          }),
        }
      : undefined;
    if (splitChildren) children.push(splitChildren.admin, splitChildren.worker);
    children.push(server);
    const barePort = await findFreePort();
    const bare = startChild(['--import', 'tsx', 'src/dev/bench-bare-server.ts'], {
      PORT: String(barePort),
      DISCORD_PUBLIC_KEY: publicKeyHex,
    });
    children.push(bare);
    const base = `http://127.0.0.1:${port}`;
    const url = `${base}/discord/interactions`;
    const adminBase = `http://127.0.0.1:${adminPort}`;
    await waitForHttp(`${base}/readyz`);
    if (SPLIT) await waitForHttp(`${adminBase}/readyz`);
    await waitForHttp(`http://127.0.0.1:${barePort}/discord/interactions`);
    await probe.connect();
    const signBody = signer(privateKey);
    const worker = splitChildren ? splitChildren.worker.pid : workerPid(server.pid!);
    const dbName = new URL(db.url).pathname.slice(1);
    const measured = [
      { label: 'web', pid: server.pid },
      { label: 'worker', pid: worker },
      ...(splitChildren ? [{ label: 'panel', pid: splitChildren.admin.pid }] : []),
      { label: 'bench driver and fakes', pid: process.pid },
    ];
    const cpuNow = () =>
      sampleCpu(
        measured.flatMap((m) => (m.pid === undefined ? [] : [m.pid])),
        dbName,
      );

    console.log(
      `layout ${opts.layout}: web process pid ${server.pid} (${opts.server}), job worker process pid ${worker ?? 'not found'}${splitChildren ? `, admin panel process pid ${splitChildren.admin.pid}` : ''}; TaxJar fake answers after ${TAXJAR_MS} ms; address validation on; demo discount on`,
    );
    console.log(`web rss after start-up ${rssMb(server.pid!, 'VmRSS')} MB; steps: ${STEPS.join(' → ')}`);
    // Warm-up: JIT, connection pools, prepared statements.
    await runAtRate(url, signBody, followUps, shops.demo, 20, 3, 900_000);
    await drainJobs(probe);

    const results: RunResult[] = [];
    let userBase = 0;
    for (const rate of RATES) {
      const cpuBefore = cpuNow();
      const r = await runAtRate(url, signBody, followUps, shops.demo, rate, SECONDS, (userBase += 100_000));
      const cpuAfter = cpuNow();
      results.push(r);
      console.log(
        `\n${rate} req/s offered for ${SECONDS}s (demo shop): sent ${r.sent}, answered ${r.answered}, deferred by the 2 s safety net ${r.safetyNet}, failed ${r.failed}; worst answer p99 ${f1(worstAnswerP99(r))} ms`,
      );
      console.log(
        `  ${'step'.padEnd(16)} ${'n'.padStart(5)} ${'answer p50'.padStart(11)} ${'answer p99'.padStart(11)} ${'done p50'.padStart(9)} ${'done p99'.padStart(9)}`,
      );
      STEPS.forEach((s, i) =>
        console.log(
          `  ${s.padEnd(16)} ${String(r.answer[i]!.length).padStart(5)} ${f1(pct(r.answer[i]!, 50)).padStart(11)} ${f1(pct(r.answer[i]!, 99)).padStart(11)} ${f1(pct(r.done[i]!, 50)).padStart(9)} ${f1(pct(r.done[i]!, 99)).padStart(9)}${r.byDesign[i] ? '  (deferred at once: waits on TaxJar)' : ''}`,
        ),
      );
      for (const f of r.failures) console.log(`  failure: ${f}`);
      console.log(cpuLine(cpuBefore, cpuAfter, r.answered, measured));
      console.log(
        `  web rss ${rssMb(server.pid!, 'VmRSS')} MB (peak ${rssMb(server.pid!)} MB); jobs queued now ${await otherJobs(probe)}, and ${await adminChannelJobs(probe)} admin-channel posts`,
      );
    }
    const sustained = (r: RunResult) =>
      r.failed === 0 && r.safetyNet === 0 && r.answered >= 0.95 * r.sent && worstAnswerP99(r) <= P99_LIMIT_MS;
    const best = results.filter(sustained).map((r) => r.rate);
    console.log(
      `\nhighest rate sustained (every step's answer p99 <= ${P99_LIMIT_MS} ms, no failures or safety-net deferrals): ${best.length ? Math.max(...best) : 'none'} req/s`,
    );
    const drained = await drainJobs(probe);
    console.log(
      `job worker (own process): drained the last ${drained.jobs} jobs in ${drained.seconds.toFixed(1)} s after the runs${drained.left ? ` (${drained.left} still queued)` : ''}; the admin channel's posts still queued: ${drained.adminLeft} (Discord lets a channel take ${ADMIN_CHANNEL_LIMIT} per ${ADMIN_CHANNEL_WINDOW_MS / 1000} s)`,
    );

    // Flash sale.
    const flashN = Math.round(FLASH_RATE * FLASH_SECONDS);
    const prepStart = performance.now();
    const ready = await prepareFlashCustomers(url, signBody, followUps, shops.flash, flashN);
    const stock = Math.floor(ready.length * 0.9);
    await shops.flashStock(stock);
    await drainJobs(probe);
    console.log(
      `\nflash sale: ${ready.length} distinct customers of one shop walked to the review in ${((performance.now() - prepStart) / 1000).toFixed(1)} s; stock set to ${stock}`,
    );
    const jobsBefore = await otherJobs(probe);
    const flashCpuBefore = cpuNow();
    const flash = await flashSale(url, signBody, followUps, shops.flash, ready, FLASH_RATE);
    const flashCpuAfter = cpuNow();
    const checks = await probe.query<{
      orders: number;
      numbers: number;
      lo: number;
      hi: number;
      discounted: number;
      sold: number;
      stock: number;
    }>(
      `
      SELECT count(*)::int AS orders, count(DISTINCT number)::int AS numbers, min(number)::int AS lo, max(number)::int AS hi,
        count(*) FILTER (WHERE "discountCents" > 0)::int AS discounted,
        (SELECT coalesce(sum(quantity), 0)::int FROM order_items i JOIN orders o2 ON o2.id = i."orderId" WHERE o2."tenantId" = $1) AS sold,
        (SELECT stock FROM products WHERE id = $2) AS stock
      FROM orders WHERE "tenantId" = $1`,
      [shops.flash.tenantId, shops.flash.productId],
    );
    const c = checks.rows[0]!;
    const unique = c.orders === c.numbers;
    const gapless = c.orders === 0 || c.hi - c.lo + 1 === c.orders;
    const oversold = c.sold > stock || c.stock < 0;
    console.log(
      `  sent ${flash.sent} confirms at ${FLASH_RATE}/s: placed ${flash.placed}, sold out ${flash.soldOut}, failed ${flash.failed}; p50 ${f1(pct(flash.ms, 50))} ms, p99 ${f1(pct(flash.ms, 99))} ms, max ${f1(pct(flash.ms, 100))} ms`,
    );
    for (const f of flash.failures) console.log(`  failure: ${f}`);
    console.log(cpuLine(flashCpuBefore, flashCpuAfter, flash.sent, measured));
    console.log(
      `  database: ${c.orders} orders, ${c.sold} units sold of ${stock} (stock left ${c.stock}): ${oversold ? 'OVERSOLD' : 'no oversell'}; order numbers ${unique ? 'unique' : 'NOT UNIQUE'} and ${gapless ? 'gapless' : `with gaps (${c.lo}..${c.hi})`}; ${c.discounted} of ${c.orders} orders carry the global discount`,
    );
    const flashDrain = await drainJobs(probe);
    const flashJobs = flashDrain.jobs + Math.max(0, jobsBefore);
    console.log(
      `  job worker: ${flashDrain.left ? `${flashDrain.left} jobs still queued` : 'queue empty'} ${flashDrain.seconds.toFixed(1)} s after the sale (${flashJobs} jobs queued by it), but for the admin channels' ${flashDrain.adminLeft} posts, at Discord's per-channel pace`,
    );
    console.log(`  web rss ${rssMb(server.pid!, 'VmRSS')} MB (peak so far ${rssMb(server.pid!)} MB)`);

    // PING against the bare baseline, alternating, best of two each.
    const pingBody = JSON.stringify({ id: '1', application_id: APP_ID, type: 1, token: 'ping', version: 1 });
    const bareUrl = `http://127.0.0.1:${barePort}/discord/interactions`;
    let real = 0;
    let baseline = 0;
    let signedBaseline = 0;
    for (let round = 0; round < 2; round++) {
      baseline = Math.max(baseline, await pingThroughput(bareUrl, pingBody, { 'content-type': 'application/json' }, PING_SECONDS));
      signedBaseline = Math.max(signedBaseline, await pingThroughput(`${bareUrl}-signed`, pingBody, signBody(pingBody), PING_SECONDS));
      real = Math.max(real, await pingThroughput(url, pingBody, signBody(pingBody), PING_SECONDS));
    }
    console.log(`\nsigned PING: ${real.toFixed(0)} req/s; bare Express handler: ${baseline.toFixed(0)} req/s (best of 2 alternating runs)`);
    // The ceiling the signature check alone puts on the ratio (docs/perf/interactions.md, "the PING ceiling").
    console.log(
      `  the bare handler checking the signature as the service does: ${signedBaseline.toFixed(0)} req/s (${(signedBaseline / baseline).toFixed(2)} of the bare handler); signed PING ${(real / signedBaseline).toFixed(2)} of it`,
    );
    console.log(`  web rss ${rssMb(server.pid!, 'VmRSS')} MB (peak so far ${rssMb(server.pid!)} MB)`);

    // The admin panel, loaded once: login, dashboard, the order list.
    const agent = request.agent(adminBase);
    const t0 = performance.now();
    await agent.get('/admin/login').expect(200);
    const jar = (agent as unknown as { jar: { getCookie(name: string, access: unknown): { value: string } | undefined } }).jar;
    const csrf =
      jar.getCookie('ledgerline_admin_csrf', { domain: '127.0.0.1', path: '/admin/', secure: false, script: false })?.value ?? '';
    const login = await agent
      .post('/admin/login')
      .type('form')
      .set('Origin', adminBase)
      .send({ email: shops.admin.email, password: shops.admin.password, _csrf: csrf });
    if (login.status !== 303) throw new Error(`admin login answered ${login.status}`);
    const panel = () => ({
      Origin: adminBase,
      'X-CSRF-Token':
        jar.getCookie('ledgerline_admin_csrf', { domain: '127.0.0.1', path: '/admin/', secure: false, script: false })?.value ?? '',
    });
    await agent.get('/admin').expect(200);
    await agent.get('/admin/api/dashboard').set(panel()).expect(200);
    await agent.get('/admin/api/resources/Order/actions/list').set(panel()).expect(200);
    console.log(`admin panel loaded once (login, dashboard, order list) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const rss = rssMb(server.pid!);
    const workerRss = worker ? rssMb(worker) : NaN;
    console.log(`web process rss now ${rssMb(server.pid!, 'VmRSS')} MB, peak ${rss} MB; job worker process peak ${workerRss} MB`);
    if (splitChildren)
      console.log(`admin panel process peak ${rssMb(splitChildren.admin.pid!)} MB (the panel was loaded there, not in the web process)`);
    const atTarget = results.find((r) => r.rate === TARGET) ?? results[results.length - 1]!;
    console.log(`flash sale p99: ${Math.round(pct(flash.ms, 99))} ms at ${FLASH_RATE} req/s`);
    console.log(
      `p99 worst step: ${f1(worstAnswerP99(atTarget))} ms at ${atTarget.rate} req/s  ping ratio: ${(real / baseline).toFixed(2)}  peak rss: ${rss} MB`,
    );
    await prisma.$disconnect();
  } finally {
    await probe.end().catch(() => undefined);
    await stopChildren(children);
    await fake.stop();
    await taxjar.stop();
    await db.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench failed: ${err.message}`);
    process.exit(1);
  },
);
