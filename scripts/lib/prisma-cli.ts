// Runs the Prisma CLI offline (JS schema engine, see prisma.config.ts) and returns its stdout.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const PRISMA_BIN = resolve('node_modules/.bin/prisma');

/** `databaseUrl`: the CLI's adapter connects even for pure schema diffs, so give it a reachable server. */
export function prismaCli(args: string[], databaseUrl?: string): string {
  const res = spawnSync(PRISMA_BIN, args, {
    encoding: 'utf8',
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl || process.env.DATABASE_URL || 'postgresql://placeholder@127.0.0.1:1/placeholder',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`prisma ${args.join(' ')} failed:\n${res.stderr || res.stdout}`);
  return res.stdout;
}

/** SQL that creates the schema.prisma datamodel from nothing. */
export function schemaToSql(databaseUrl: string, schemaPath = 'prisma/schema.prisma'): string {
  return prismaCli(['migrate', 'diff', '--from-empty', '--to-schema-datamodel', schemaPath, '--script'], databaseUrl);
}

/** Runs fn with the URL of a PostgreSQL server's maintenance database: DATABASE_URL's server, or a throw-away embedded one. */
export async function withTempServer<T>(fn: (adminUrl: string) => Promise<T>): Promise<T> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { startEmbeddedPostgres } = await import('../../src/platform/db/embedded-postgres.js');
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = '/postgres';
    return fn(u.toString());
  }
  const tmp = await mkdtemp(join(tmpdir(), 'ledgerline-pg-'));
  const embedded = await startEmbeddedPostgres({ dataDir: join(tmp, 'pg'), durable: false });
  try {
    return await fn(embedded.adminUrl);
  } finally {
    await embedded.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}
