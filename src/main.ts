// The start command (`npm start`, start:prod, the Docker image, the supervised worker child, `npm run worker`):
// checks the configuration first, then loads the service (start.ts) and starts it.
//
// Its static imports are only what reading and reporting the configuration needs. A misconfigured start says so at
// once instead of after loading the whole application (Express, AdminJS, Prisma, the fakes: seconds of CPU, more
// under tsx or on a busy machine), so an operator fixing a config line by line does not wait on every try.
//
// What the process runs follows PROCESS_ROLES (config/process-roles.ts): by default the HTTP surfaces (Discord
// endpoint, REST, invoice pages, webhooks, admin panel) in this process and the job worker in a supervised
// child process (platform/jobs/worker-process.ts), so notifications and role changes never take the CPU
// or the connections that interactions need. A production deployment may run the roles apart instead
// (PROCESS_ROLES=web / admin / worker; `npm run worker`). See docs/decisions/process-roles.md.
import 'dotenv/config';
import { ConfigError, loadEnv, type Env } from './config/env.js';
import { limitHeapGrowth } from './platform/heap-growth.js';

async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      // No logger yet; in production this line is JSON too (pino's shape), so log pipelines can parse it.
      const line =
        process.env.NODE_ENV === 'production'
          ? JSON.stringify({ level: 60, time: Date.now(), name: 'ledgerline', msg: err.message })
          : err.message;
      process.stderr.write(`${line}\n`);
      process.exit(1);
    }
    throw err;
  }
  // First: the heap's growth limit holds for everything this process allocates from here on, the application's
  // modules included.
  limitHeapGrowth(env.HEAP_GROWING_PERCENT);
  const { start } = await import('./start.js');
  await start(env);
}

void main();
