// Runs a script against DATABASE_URL, or against the project's embedded PostgreSQL when it is unset
// (started for the script and stopped after it). Errors end the process with one readable line.
import { loadEnv } from '../../src/config/env.js';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.js';
import { waitForDatabase } from '../../src/platform/db/connect.js';

export async function withScriptDatabase(fn: (url: string) => Promise<void>): Promise<void> {
  let exitCode = 0;
  const env = loadEnv();
  const embedded = env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: env.EMBEDDED_PG_DIR, port: env.EMBEDDED_PG_PORT });
  const url = env.DATABASE_URL ?? embedded!.url;
  try {
    await waitForDatabase(url, 10_000);
    await fn(url);
  } catch (err) {
    console.error(`Failed: ${(err as Error).message}`);
    exitCode = 1;
  } finally {
    await embedded?.stop();
  }
  process.exit(exitCode);
}
