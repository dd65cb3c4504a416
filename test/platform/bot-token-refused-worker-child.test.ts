// The whole service as `npm start` runs it (src/main.ts, PROCESS_ROLES unset: web and admin here, the job worker in
// a supervised child) on the test file's own database and a fake Discord that refuses the bot's token (401, Discord's
// body). A receipt DM runs in the child, where Discord refuses the token; the parent's /readyz and /metrics say so.
// worker-tells-supervisor.test.ts checks the IPC path with a fixture child; this checks the service's own wiring of it
// (container.ts tells the supervisor, start.ts hands it to the parent's BotTokenWatch).
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/modules/shared/events.js';
import { enqueueJob } from '../../src/platform/jobs/queue.js';
import { testDb } from '../helpers/db.js';
import { startSupervisedMain, stopDevMains, type SupervisedMain } from '../helpers/dev-start.js';
import { factories } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { waitFor } from '../helpers/wait-for.js';

const f = factories();
const children: ChildProcess[] = [];
let fake: FakeDiscordApi;
let main: SupervisedMain;
const output = () => main.output();

beforeAll(async () => {
  // Discord answers every call made with a refused token so.
  fake = await new FakeDiscordApi().start();
  fake.fail({ path: /^\//, status: 401, body: { message: '401: Unauthorized', code: 0 }, times: Infinity });
  // Only the job reaches Discord (the member gateway, off, would ask for its URL with the token too).
  main = await startSupervisedMain(
    { DISCORD_BOT_TOKEN: 'test-bot-token-xxxxxxxxxxxxxxxxxxxx', DISCORD_API_BASE_URL: fake.apiBase },
    children,
  );
}, 180_000);

afterAll(async () => {
  await stopDevMains(children);
  await fake?.stop();
});

const readyz = async () => {
  const res = await fetch(`${main.base}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};
const refusedGauge = () => main.metric('ledgerline_discord_bot_token_refused');

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
