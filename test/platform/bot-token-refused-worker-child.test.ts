// The whole service as `npm start` runs it (src/main.ts, PROCESS_ROLES unset: web and admin here, the job worker in
// a supervised child) on the test file's own database and a fake Discord that refuses the bot's token (401, Discord's
// body). A receipt DM runs in the child, where Discord refuses the token; the parent's /readyz and /metrics say so.
// worker-tells-supervisor.test.ts checks the IPC path with a fixture child; this checks the service's own wiring of it
// (container.ts tells the supervisor, start.ts hands it to the parent's BotTokenWatch).
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { enqueueJob } from '../../src/platform/jobs/queue.js';
import { TEST_SECRETS_KEYS } from '../helpers/app.js';
import { testDb } from '../helpers/db.js';
import { startMainUntil } from '../helpers/dev-start.js';
import { factories } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { waitFor } from '../helpers/wait-for.js';

const f = factories();
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const children: ChildProcess[] = [];
let fake: FakeDiscordApi;
let base = '';
let output = () => '';

beforeAll(async () => {
  // Discord answers every call made with a refused token so.
  fake = await new FakeDiscordApi().start();
  fake.fail({ path: /^\//, status: 401, body: { message: '401: Unauthorized', code: 0 }, times: Infinity });
  const started = await startMainUntil(
    {
      PROCESS_ROLES: '', // unset: the job worker runs in a supervised child
      NODE_ENV: 'test',
      DISCORD_PUBLIC_KEY: 'a'.repeat(64),
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_BOT_TOKEN: 'test-bot-token-xxxxxxxxxxxxxxxxxxxx',
      DISCORD_API_BASE_URL: fake.apiBase,
      // Only the job reaches Discord (the member gateway would ask for its URL with the token too).
      DISCORD_GATEWAY_ENABLED: 'false',
      PAYPAL_API_BASE_URL: 'http://127.0.0.1:9',
      SQUARE_API_BASE_URL: 'http://127.0.0.1:9',
      SECRETS_ENCRYPTION_KEYS: TEST_SECRETS_KEYS,
      METRICS_TOKEN,
      LOG_LEVEL: 'warn',
    },
    children,
    (out) => /Ledgerline is running at (http:\/\/\S+)/.exec(out)?.[1]?.replace('//localhost:', '//127.0.0.1:'),
  );
  base = started.found;
  let out = started.output;
  started.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  started.child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  output = () => out;
}, 180_000);

afterAll(async () => {
  // SIGTERM: the parent stops its child in order before it exits (no job worker left on the file's database).
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await fake?.stop();
});

const readyz = async () => {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};
const refusedGauge = async () => {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return (await res.text()).split('\n').find((l) => l.startsWith('ledgerline_discord_bot_token_refused '));
};

describe('a bot token Discord refused to the supervised job worker child', () => {
  it("shows on the parent's /readyz (still 200) and /metrics", async () => {
    expect(await readyz()).toEqual({ status: 200, body: { status: 'ready', database: 'ok' } });
    expect(await refusedGauge()).toBe('ledgerline_discord_bot_token_refused 0');

    // A receipt DM for a paid order: the child's job worker runs it, and Discord refuses the token.
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
    await enqueueJob(testDb(), `${EVENTS.orderPaid}>discord-notify`, {
      tenantId: s.tenant.id,
      orderId: order.id,
      paymentId: order.payment.id,
    });

    // The child says it in its log (its stdout is the parent's)...
    await waitFor(
      () => `the job worker child to log the refusal:\n${output().slice(-3000)}`,
      () => output().includes("Discord refused the bot's token (401)"),
      { timeoutMs: 120_000 },
    );
    // ...and has told the parent over their IPC channel just before.
    const ready = await waitFor(
      () => `the parent's /readyz to say the token was refused:\n${output().slice(-3000)}`,
      async () => {
        const r = await readyz();
        return r.body.discordBotToken ? r : undefined;
      },
    );
    expect(ready).toEqual({
      status: 200,
      body: {
        status: 'ready',
        database: 'ok',
        discordBotToken: expect.stringMatching(/^refused by Discord at \d{4}-.+: restart with a valid DISCORD_BOT_TOKEN$/),
      },
    });
    expect(await refusedGauge()).toBe('ledgerline_discord_bot_token_refused 1');
    // The refusal was the DM's: the job reached the fake Discord with the token and got its 401.
    expect(fake.calls.filter((c) => c.status === 401 && String(c.headers.authorization).startsWith('Bot '))).toEqual([
      expect.objectContaining({ method: 'POST', path: '/users/@me/channels' }),
    ]);
  }, 180_000);
});
