// The composition root: the one place that builds every service and port. No DI library: plain functions
// taking one `deps` object. Surfaces receive the finished Services and never construct modules themselves.
import type { KeyObject } from 'node:crypto';
import type { Env } from './config/env.js';
import type { DevSecrets } from './config/dev-secrets.js';
import { systemClock, type Clock } from './platform/clock.js';
import { createPrisma, type Db } from './platform/db/prisma.js';
import { EventBus } from './platform/jobs/queue.js';
import type { Logger } from './platform/logger.js';
import { importDiscordPublicKey } from './surfaces/discord/signature.js';

export interface ContainerOptions {
  env: Env;
  logger: Logger;
  databaseUrl: string;
  /** Hex Ed25519 public key that verifies interactions (the application's, or the dev simulator's). */
  discordPublicKeyHex: string;
  clock?: Clock;
  /** Generated development secrets (outside production, when not configured). */
  devSecrets?: DevSecrets;
}

export interface Services {
  env: Env;
  logger: Logger;
  db: Db;
  bus: EventBus;
  clock: Clock;
  databaseUrl: string;
  discordPublicKey: KeyObject;
  checkDatabase(): Promise<void>;
  close(): Promise<void>;
}

export function createContainer(opts: ContainerOptions): Services {
  const { env, logger } = opts;
  const db = createPrisma(opts.databaseUrl, env.DATABASE_POOL_SIZE);
  const bus = new EventBus();
  const clock = opts.clock ?? systemClock;

  return {
    env,
    logger,
    db,
    bus,
    clock,
    databaseUrl: opts.databaseUrl,
    discordPublicKey: importDiscordPublicKey(opts.discordPublicKeyHex),
    async checkDatabase() {
      await db.$queryRaw`SELECT 1`;
    },
    async close() {
      await db.$disconnect();
    },
  };
}
