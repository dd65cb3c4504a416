// Builds the real app (same composition root as production) on the test file's database.
import type { Express } from 'express';
import { buildApp } from '../../src/app.js';
import { loadEnv, type Env } from '../../src/config/env.js';
import { createContainer, type Services } from '../../src/container.js';
import type { Clock } from '../../src/platform/clock.js';
import type { ResolveHost } from '../../src/platform/outbound/outbound-url.js';
import { createLogger, type Logger } from '../../src/platform/logger.js';
import { testDatabaseUrl } from './db.js';
import { generateDiscordTestKeys, type DiscordTestKeys } from './discord-signer.js';

/** A fixed AES-256-GCM key for tests (never used outside them). */
export const TEST_SECRETS_KEYS = `test1:${Buffer.alloc(32, 7).toString('base64')}`;

export interface TestApp {
  app: Express;
  services: Services;
  keys: DiscordTestKeys;
  env: Env;
}

export async function createTestApp(
  opts: { env?: Record<string, string>; clock?: Clock; logger?: Logger; resolveHost?: ResolveHost } = {},
): Promise<TestApp> {
  const keys = generateDiscordTestKeys();
  const env = loadEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DISCORD_APPLICATION_ID: '123456789012345678',
    DISCORD_BOT_TOKEN: 'test-bot-token-xxxxxxxxxxxxxxxxxxxx',
    SESSION_SECRET: 'test-session-secret-test-session-secret',
    INVOICE_LINK_SIGNING_SECRET: 'test-invoice-secret-test-invoice-secret',
    COOKIE_SECURE: 'false',
    SECRETS_ENCRYPTION_KEYS: TEST_SECRETS_KEYS,
    // No Discord answer is deferred because the machine is slow: tests that want deferral say so (0 = at once).
    DISCORD_DEFER_AFTER_MS: '600000',
    // Likewise /readyz: its own bound is tested in test/http/faults/readyz.test.ts.
    READY_TIMEOUT_MS: '30000',
    // Likewise waiting for a pooled connection ("busy, try again" after 5 s in production): on a busy machine a
    // storm of submits can queue longer than that. The bound's own behaviour is tested in db-faults.test.ts.
    DATABASE_ACQUIRE_TIMEOUT_MS: '60000',
    ...opts.env,
  });
  const logger = opts.logger ?? createLogger({ level: env.LOG_LEVEL, pretty: false });
  const services = createContainer({
    env,
    logger,
    databaseUrl: testDatabaseUrl(),
    discordPublicKeyHex: keys.publicKeyHex,
    clock: opts.clock,
    resolveHost: opts.resolveHost,
  });
  const app = await buildApp(services);
  return { app, services, keys, env };
}
