// Runs a script against DATABASE_URL, or against the project's embedded PostgreSQL when it is unset: the one
// the running service (npm start) holds, when it runs (waited for while it starts), else one started for the
// script and stopped after it. Before, a command run beside the service (the password reset its banner points to)
// was refused: "another Ledgerline process is already using the embedded database".
//
// The schema: the embedded database is this checkout's own, so it is migrated as `npm start` would (a command run
// on a fresh machine before any start failed on "table public.guilds does not exist", with a page of Prisma's
// source). A DATABASE_URL database is only checked: an operator command must not migrate a shared database behind
// the upgrade procedure's back (docs/decisions/operating.md); it refuses with the command that does. Errors end
// the process with one readable line.
import { loadEnv } from '../../src/config/env.js';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.js';
import { waitForDatabase } from '../../src/platform/db/connect.js';
import { migrate, pendingMigrations } from '../../src/platform/db/migrate.js';
import { ownWords } from '../../src/platform/db/db-faults.js';
import { migrateJobQueue } from '../../src/platform/jobs/worker.js';
import { countWords } from '../../src/platform/count-words.js';

export interface ScriptDatabaseOptions {
  /**
   * 'current' (default): the script needs this version's schema (embedded: migrated; DATABASE_URL: refused when
   * behind). 'as-is': the script sees to the schema itself (db:migrate, db:seed).
   */
  schema?: 'current' | 'as-is';
}

export async function withScriptDatabase(fn: (url: string) => Promise<void>, options: ScriptDatabaseOptions = {}): Promise<void> {
  let exitCode = 0;
  const env = loadEnv();
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  let url = env.DATABASE_URL;
  try {
    if (!url) {
      const running = await runningEmbeddedPostgres({
        dataDir: env.EMBEDDED_PG_DIR,
        onWait: (pid) => console.error(`Waiting for the running Ledgerline (pid ${pid}) to start its embedded database…`),
      });
      if (running) console.error(`Using the embedded database of the running Ledgerline (pid ${running.ownerPid}).`);
      else embedded = await startEmbeddedPostgres({ dataDir: env.EMBEDDED_PG_DIR, port: env.EMBEDDED_PG_PORT });
      url = running?.url ?? embedded!.url;
    }
    await waitForDatabase(url, 10_000);
    if (options.schema !== 'as-is') {
      if (env.DATABASE_URL) await refuseWhenBehind(url);
      else {
        // Under migrate's advisory lock: beside a service that is migrating, this waits for it and finds nothing to do.
        await migrate(url);
        await migrateJobQueue(url);
      }
    }
    await fn(url);
  } catch (err) {
    console.error(`Failed: ${ownWords(err)}`);
    exitCode = 1;
  } finally {
    await embedded?.stop();
  }
  process.exit(exitCode);
}

async function refuseWhenBehind(url: string): Promise<void> {
  const pending = await pendingMigrations(url);
  if (!pending.length) return;
  throw new Error(
    `the database (DATABASE_URL) lacks ${countWords(pending.length, 'migration')} of this version (${pending.length === 1 ? pending[0] : `${pending[0]} … ${pending.at(-1)}`}). Run \`npm run db:migrate\` first (in production: docs/decisions/operating.md, "Upgrading several instances").`,
  );
}
