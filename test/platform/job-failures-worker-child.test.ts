// The whole service as `npm start` runs it (src/main.ts, PROCESS_ROLES unset: web and admin here, the job worker in
// a supervised child) on the test file's own database and a fake Discord that answers 500 to opening a DM. A receipt
// DM runs in the child and fails; the parent's /metrics counts the failed attempts in ledgerline_job_failures_total
// (the child tells it over their IPC channel: it serves no /metrics of its own, and the parent's counter said 0).
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
  // Discord fails every DM channel it is asked to open (a 5xx: the job is retried with backoff).
  fake = await new FakeDiscordApi().start();
  fake.fail({ path: /^\/users\/@me\/channels/, status: 500, body: { message: '500: Internal Server Error', code: 0 }, times: Infinity });
  const started = await startMainUntil(
    {
      PROCESS_ROLES: '', // unset: the job worker runs in a supervised child
      NODE_ENV: 'test',
      DISCORD_PUBLIC_KEY: 'a'.repeat(64),
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_BOT_TOKEN: 'test-bot-token-xxxxxxxxxxxxxxxxxxxx',
      DISCORD_API_BASE_URL: fake.apiBase,
      // Only the job reaches Discord.
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

const failuresOf = async (task: string) => {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`ledgerline_job_failures_total{task="${task}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
};

describe('a job that fails in the supervised job worker child', () => {
  it("is counted in the parent's /metrics", async () => {
    const task = `${EVENTS.orderPaid}>discord-notify`;
    expect(await failuresOf(task)).toBe(0);

    // A receipt DM for a paid order: the child's job worker runs it, and Discord answers 500.
    const s = await f.shop();
    const order = await f.order({ tenantId: s.tenant.id, customerId: s.customer.id, status: 'PAID', paymentStatus: 'paid' });
    await enqueueJob(testDb(), task, { tenantId: s.tenant.id, orderId: order.id, paymentId: order.payment.id });

    // The child logs the failed attempt (its stdout is the parent's)...
    await waitFor(
      () => `the job worker child to log the failed attempt:\n${output().slice(-3000)}`,
      () => output().includes('job failed; it will be retried with backoff'),
      { timeoutMs: 120_000 },
    );
    // ...and the parent's /metrics counts it.
    const counted = await waitFor(
      () => `the parent's /metrics to count the failure:\n${output().slice(-3000)}`,
      async () => failuresOf(task),
    );
    expect(counted).toBeGreaterThanOrEqual(1);
    expect(fake.calls.some((c) => c.status === 500 && c.path === '/users/@me/channels')).toBe(true);
  }, 180_000);
});
