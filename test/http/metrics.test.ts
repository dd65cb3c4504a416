// GET /metrics after real traffic: REST API and health requests, a signed Discord interaction, Discord REST
// calls (one refused with 429), a job that fails on a real worker, and jobs waiting and failed in the
// queue. Every named series is present and moves between two scrapes; without the token there is nothing.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemActor } from '../../src/modules/shared/actor.js';
import { startWorker, type WorkerHandle } from '../../src/platform/jobs/worker.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';
import { signDiscordBody } from '../helpers/discord-signer.js';
import { factories, snowflake } from '../helpers/factories.js';
import { FakeDiscordApi } from '../fakes/fake-discord-api.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN = 'metrics-token-for-tests-0123456789';
let t: TestApp;
let discord: FakeDiscordApi;
let worker: WorkerHandle | undefined;

beforeAll(async () => {
  discord = await new FakeDiscordApi().start();
  t = await createTestApp({ env: { METRICS_TOKEN: TOKEN, DISCORD_API_BASE_URL: discord.apiBase } });
});
afterAll(async () => {
  await worker?.stop();
  await t?.services.close();
  await discord?.stop();
});

const scrape = async () => {
  const res = await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.text;
};
/** The value of one sample line, e.g. value(text, 'ledgerline_jobs_waiting{task="x"}'); 0 when absent. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** A signed slash command: `name` in a guild (a random one, set up for no shop, unless given) by a user. */
async function interaction(name = 'catalog', guildId = snowflake(), userId = snowflake()) {
  const body = JSON.stringify({
    id: snowflake(),
    application_id: '123456789012345678',
    type: 2,
    token: `tok${snowflake()}`,
    version: 1,
    guild_id: guildId,
    channel_id: snowflake(),
    member: { user: { id: userId, username: 'u' }, roles: [], permissions: '0' },
    data: { id: snowflake(), name, type: 1 },
  });
  return request(t.app).post('/discord/interactions').set(signDiscordBody(t.keys, body)).send(body);
}

describe('/metrics', () => {
  it('is refused without the token', async () => {
    expect((await request(t.app).get('/metrics')).status).toBe(401);
    expect((await request(t.app).get('/metrics').set('Authorization', 'Bearer wrong-token-wrong-token')).status).toBe(401);
  });

  it('does not exist without METRICS_TOKEN', async () => {
    const plain = await createTestApp();
    try {
      expect((await request(plain.app).get('/metrics')).status).toBe(404);
    } finally {
      await plain.services.close();
    }
  });

  it('shows every named series moving after real traffic', async () => {
    const before = await scrape();
    const tenantId = (await factories().tenant()).id;
    const { key } = await t.services.apiKeys.create({ tenantId, actor: systemActor }, 'metrics', 'READ_WRITE');

    // HTTP surfaces: REST API (route pattern, not the raw path) and health.
    await request(t.app).get('/api/products').set('Authorization', `Bearer ${key}`).expect(200);
    await request(t.app).get('/healthz').expect(200);
    // Discord: a signed command, timed by kind and step; a step deferred up front (its shop uses TaxJar) is told
    // from a direct answer by its outcome (the safety net's deferral is "deferred_late": answer-in-time.test.ts).
    expect((await interaction()).status).toBe(200);
    const taxShop = await factories().shop({
      tenant: {
        taxjarEnabled: true,
        taxjarApiKey: 'k',
        taxjarFromAddress: { country: 'US', zip: '62701', state: 'IL', city: 'Springfield', street: '1 Shop Rd' },
      },
    });
    expect((await interaction('order', taxShop.guild.id, taxShop.customer.discordUserId)).body).toEqual({ type: 5, data: { flags: 64 } });
    await discord.waitFor((c) => c.method === 'PATCH' && c.path.startsWith('/webhooks/123456789012345678/'));
    // Discord REST: one 429 (retried by @discordjs/rest after retry_after), then success.
    const channel = snowflake();
    discord.fail({
      method: 'POST',
      path: /^\/channels\/\d+\/messages$/,
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.05, global: false },
      headers: { 'retry-after': '0.05' },
    });
    await t.services.discordRest.post(`/channels/${channel}/messages`, { body: { content: 'hi' } });
    // Jobs: one waiting, one that used up its attempts, and a real failing attempt on the worker.
    const db = testDb();
    await db.$executeRaw`SELECT graphile_worker.add_job('metrics.waiting', '{}'::json, run_at => now() + interval '1 hour')`;
    await db.$executeRaw`SELECT graphile_worker.add_job('metrics.dead', '{}'::json, max_attempts => 1)`;
    // A job waiting in a shop's lane (a rate-limited admin channel's, say) counts under its own task.
    await db.$executeRaw`INSERT INTO lane_jobs ("tenantId", lane, task, payload, "notBefore") VALUES (${tenantId}, 'metrics-lane', 'metrics.laned', '{}', now() + interval '1 hour')`;
    await db.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = 1, last_error = 'boom' WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'metrics.dead')`;
    let failed = false;
    t.services.bus.registerTask('metrics.flaky', {
      schema: z.object({}),
      run: async () => {
        failed = true;
        throw new Error('flaky');
      },
    });
    const jobFailures = t.services.metrics.jobFailures;
    worker = await startWorker({
      connectionString: testDatabaseUrl(),
      bus: t.services.bus,
      logger: t.services.logger,
      concurrency: 1,
      pollIntervalMs: 50,
      onJobFailure: (task) => jobFailures.inc({ task }),
    });
    await db.$executeRaw`SELECT graphile_worker.add_job('metrics.flaky', '{}'::json, max_attempts => 1)`;
    await waitFor(
      'the flaky job to fail and be counted',
      async () => failed && value(await t.services.metrics.registry.metrics(), 'ledgerline_job_failures_total{task="metrics.flaky"}') > 0,
    );

    const after = await scrape();
    const moved = (series: string) => expect(value(after, series), series).toBeGreaterThan(value(before, series));
    moved('ledgerline_http_request_duration_seconds_count{surface="api",route="/api/products",method="GET",status="200"}');
    moved('ledgerline_http_request_duration_seconds_count{surface="health",route="/healthz",method="GET",status="200"}');
    moved('ledgerline_discord_interaction_duration_seconds_count{kind="command",step="/catalog",outcome="ok"}');
    moved('ledgerline_discord_interaction_duration_seconds_count{kind="command",step="/order",outcome="deferred"}');
    moved('ledgerline_discord_rest_responses_total{method="POST",route="/channels/:id/messages",status="429"}');
    moved('ledgerline_discord_rest_responses_total{method="POST",route="/channels/:id/messages",status="200"}');
    moved('ledgerline_job_failures_total{task="metrics.flaky"}');
    moved('ledgerline_db_pool_wait_seconds_count');
    moved('ledgerline_jobs_waiting{task="metrics.waiting"}');
    moved('ledgerline_jobs_failed{task="metrics.dead"}');
    moved('ledgerline_jobs_waiting{task="metrics.laned"}');
    expect(value(after, 'ledgerline_jobs_oldest_waiting_age_seconds{task="metrics.waiting"}')).toBeGreaterThanOrEqual(0);
    expect(after).toContain('ledgerline_jobs_oldest_waiting_age_seconds{task="metrics.waiting"}');
    expect(value(after, 'ledgerline_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(value(after, 'ledgerline_db_pool_connections{state="max"}')).toBe(t.env.DATABASE_POOL_SIZE);
    expect(after).toContain('ledgerline_db_pool_connections{state="in_use"}');
    expect(after).toContain('ledgerline_process_resident_memory_bytes');
  });
});
