// Runs a script against DATABASE_URL, or against the project's embedded PostgreSQL when it is unset: the one
// the running service (npm start) holds, when it runs, else one started for the script and stopped after it. Before,
// a command run beside the service (the password reset its banner points to) was refused: "another Ledgerline
// process is already using the embedded database". Errors end the process with one readable line.
import { loadEnv } from '../../src/config/env.js';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.js';
import { waitForDatabase } from '../../src/platform/db/connect.js';

export async function withScriptDatabase(fn: (url: string) => Promise<void>): Promise<void> {
  let exitCode = 0;
  const env = loadEnv();
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  let url = env.DATABASE_URL;
  try {
    if (!url) {
      const running = await runningEmbeddedPostgres({ dataDir: env.EMBEDDED_PG_DIR });
      if (running) console.error(`Using the embedded database of the running Ledgerline (pid ${running.ownerPid}).`);
      else embedded = await startEmbeddedPostgres({ dataDir: env.EMBEDDED_PG_DIR, port: env.EMBEDDED_PG_PORT });
      url = running?.url ?? embedded!.url;
    }
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
