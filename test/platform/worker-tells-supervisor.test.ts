// The job worker runs in a child process by default (process-roles.ts), and it is the one that sends DMs and changes
// roles: when Discord refuses the bot's token there, the supervising process (which serves /readyz and /metrics) is
// told over the IPC channel, and its /readyz says so. Without it, the refusal was only in the child's log.
import { REST } from '@discordjs/rest';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { watchBotToken } from '../../src/adapters/discord/discord-rest.js';
import { createLogger } from '../../src/platform/logger.js';
import { superviseWorkerProcess, type SupervisedWorker } from '../../src/platform/jobs/worker-process.js';
import { healthRoutes } from '../../src/surfaces/http/health.routes.js';
import { waitFor } from '../helpers/wait-for.js';

let worker: SupervisedWorker | undefined;
afterEach(async () => {
  await worker?.stop(10_000);
  worker = undefined;
});

describe("Discord refusing the bot's token in the job worker child", () => {
  it("reaches the supervisor's /readyz", async () => {
    const watch = watchBotToken(new REST(), () => undefined);
    const app = express().use(healthRoutes({ checkDatabase: () => Promise.resolve(), botTokenRefusedAt: watch.refusedAt }));
    expect((await request(app).get('/readyz')).body).toEqual({ status: 'ready', database: 'ok' });

    const at = '2026-12-07T01:02:03.000Z';
    worker = superviseWorkerProcess({
      logger: createLogger({ level: 'silent', pretty: false }),
      env: { REFUSED_AT: at },
      args: ['--import', 'tsx', 'test/fixtures/tell-supervisor.child.ts'],
      onMessage: (m) => m.kind === 'discord-bot-token-refused' && watch.refusedElsewhere(new Date(m.at)),
    });
    await waitFor('the child told its supervisor', () => watch.refusedAt());

    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.discordBotToken).toBe(`refused by Discord at ${at}: restart with a valid DISCORD_BOT_TOKEN`);
  });
});
