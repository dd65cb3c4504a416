// Start, once main.ts has checked the configuration: database (embedded when DATABASE_URL is unset) -> migrations ->
// services -> HTTP server -> demo seed (embedded, once) -> job worker -> graceful shutdown on SIGINT/SIGTERM.
//
// What runs here follows PROCESS_ROLES (config/process-roles.ts): by default the HTTP surfaces (Discord
// endpoint, REST, invoice pages, webhooks, admin panel) in this process and the job worker in a supervised
// child process (platform/jobs/worker-process.ts), so notifications and role changes never take the CPU
// or the connections that interactions need. A production deployment may run the roles apart instead
// (PROCESS_ROLES=web / admin / worker; `npm run worker`). See docs/decisions/process-roles.md.
import type { Server } from 'node:http';
import { buildApp } from './app.js';
import { ConfigError, type Env } from './config/env.js';
import { loadOrCreateDevSecrets } from './config/dev-secrets.js';
import { createContainer, startMemberGatewayLeader, type Services } from './container.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './platform/db/embedded-postgres.js';
import { describeDatabaseError, waitForDatabase } from './platform/db/connect.js';
import { migrate } from './platform/db/migrate.js';
import { migrateJobQueue, startJobWorkers, type WorkerHandle } from './platform/jobs/worker.js';
import { isSupervisedWorker, superviseWorkerProcess, watchSupervisor, type SupervisedWorker } from './platform/jobs/worker-process.js';
import { resolveProcessRoles } from './config/process-roles.js';
import { createLogger, type Logger } from './platform/logger.js';
import { lowerCpuPriority } from './platform/process-priority.js';
import { serveHttp, type HttpServer } from './platform/http-server.js';
import { exitNow, watchOutputClosed } from './platform/process-exit.js';
import { DEMO, seedDemoIfEmpty } from './seed/demo-seed.js';
import { SIMULATE_HINT_UNREAD, simulateHint, simulatorWanted, startSimulatorMode } from './dev/simulator-mode.js';
import { withoutTrailingSlash } from './platform/base-url.js';
import type { FakeDiscordApi } from './dev/fake-discord-api.js';
import { startDevPayPal, type FakePayPal } from './dev/fakes/fake-paypal.js';
import { DEV_SQUARE_ACCOUNT, startDevSquare, type FakeSquare } from './dev/fakes/fake-square.js';
import { DEV_BTCPAY_STORE, startDevBtcPay, type FakeBtcPay } from './dev/fakes/fake-btcpay.js';
import { connectDemoProcessors } from './seed/demo-processors.js';
import { migrateSecretsAtRest } from './modules/tenants/secrets-at-rest.migration.js';
import type { FakeDiscordGateway } from './dev/fakes/fake-discord-gateway.js';
import type { LeaderHandle } from './platform/db/leader-lock.js';

/**
 * Starts the service with the configuration main.ts checked (main.ts imports this module only then). Resolves once
 * the service runs; a start that fails says why and the process exits with code 1.
 */
export async function start(env: Env): Promise<void> {
  // Its output closed (`npm start | head`, a log collector that died): nobody reads this process any more. It
  // stops in order with code 1, its worker child too; a supervisor restarts it with its output connected. A
  // supervised worker shares its supervisor's output and ends with it (watchSupervisor).
  const outputClosed = (stream: string) => {
    if (!isSupervisedWorker()) void shutdown(`its ${stream} was closed`, 1);
  };
  const logger = createLogger({
    level: env.LOG_LEVEL,
    pretty: env.LOG_PRETTY ?? env.NODE_ENV === 'development',
    onOutputClosed: () => outputClosed('stdout'),
  });

  let embedded: EmbeddedPostgresHandle | undefined;
  let services: Services | undefined;
  let worker: WorkerHandle | undefined;
  let workerProcess: SupervisedWorker | undefined;
  let serving: HttpServer | undefined;
  let fakeDiscord: FakeDiscordApi | undefined;
  let fakePayPal: FakePayPal | undefined;
  let fakeSquare: FakeSquare | undefined;
  let fakeBtcPay: FakeBtcPay | undefined;
  let fakeGateway: FakeDiscordGateway | undefined;
  let memberGateway: LeaderHandle | undefined;
  let stopping = false;
  /** What a stopping process waits on now: logged when the shutdown runs past SHUTDOWN_TIMEOUT_MS. */
  let waitingOn = 'nothing yet';

  const shutdown = async (reason: string, code: number) => {
    if (stopping) {
      // A second SIGTERM/SIGINT while a shutdown waits: stop now. The jobs in flight are freed by the job
      // worker liveness sweep (JOB_WORKER_STALE_SECONDS) and run again, as after a crash.
      if (reason === 'SIGTERM' || reason === 'SIGINT') {
        logger.error({ reason, waitingOn }, 'second stop signal while shutting down; exiting now');
        exitNow(1);
      }
      return;
    }
    stopping = true;
    // The bound of the whole shutdown: past it, the process exits with code 1 whatever it still waits on.
    const force = setTimeout(() => {
      logger.error(
        { waitingOn, timeoutMs: env.SHUTDOWN_TIMEOUT_MS },
        `shutdown did not finish within SHUTDOWN_TIMEOUT_MS; exiting while waiting on ${waitingOn}`,
      );
      serving?.server.closeAllConnections();
      exitNow(1);
    }, env.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    try {
      logger.info({ reason }, 'shutting down');
      // The worker child: no restart from now on; it is stopped after the requests in flight finish.
      const childStopped = workerProcess?.stop(env.SHUTDOWN_TIMEOUT_MS);
      if (serving) {
        waitingOn = 'the HTTP requests in flight';
        await serving.close(); // in-flight requests finish first, then their connections close
      }
      waitingOn = 'the job worker process';
      await childStopped;
      waitingOn = 'the member gateway connection';
      await memberGateway?.stop();
      waitingOn = 'the jobs in progress';
      await worker?.stop();
      waitingOn = 'the database connections';
      await services?.close();
    } catch (err) {
      logger.error({ err }, 'error while stopping');
      code = code || 1;
    } finally {
      waitingOn = 'the development fakes and the embedded database';
      await fakeGateway?.stop().catch(() => undefined);
      await fakeDiscord?.stop().catch(() => undefined);
      await fakePayPal?.stop().catch(() => undefined);
      await fakeSquare?.stop().catch(() => undefined);
      await fakeBtcPay?.stop().catch(() => undefined);
      await embedded?.stop().catch((err) => logger.error({ err }, 'error while stopping the embedded database'));
      clearTimeout(force);
      try {
        logger.flush?.();
      } catch {
        // A log stream that cannot flush must not keep the process running.
      }
      exitNow(code);
    }
  };
  // A supervised worker leaves Ctrl-C to its supervisor, which stops it after its own requests (watchSupervisor).
  if (!isSupervisedWorker()) process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  watchOutputClosed(outputClosed);
  // A promise nobody awaited failed (e.g. a write after a dropped connection): log it and keep serving;
  // every request and job handles its own failures, so one stray rejection must not end the process.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection; the service keeps running'));

  const roles = resolveProcessRoles(env);
  const supervised = isSupervisedWorker();
  const http = roles.web || roles.admin;
  // A supervised worker whose parent is gone (even killed) stops too, finishing the jobs it holds.
  watchSupervisor(() => void shutdown('the supervising process exited', 0));

  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl && !http) {
      // The embedded database belongs to the process that serves requests (one owner per data directory).
      throw new ConfigError([
        'DATABASE_URL: required for a process without the web or admin role (PROCESS_ROLES=worker): point it at the database the web process uses',
      ]);
    }
    if (!databaseUrl) {
      logger.info({ dir: env.EMBEDDED_PG_DIR }, 'DATABASE_URL is unset: starting the embedded PostgreSQL');
      embedded = await startEmbeddedPostgres({ dataDir: env.EMBEDDED_PG_DIR, port: env.EMBEDDED_PG_PORT, log: (m) => logger.info(m) });
      databaseUrl = embedded.url;
    }
    await waitForDatabase(databaseUrl, env.DATABASE_START_TIMEOUT_MS);
    // The supervisor migrated before starting this child; every other process migrates (under a lock).
    if (!supervised) {
      const applied = await migrate(databaseUrl, {
        onLockRetry: (migration, attempt, err) =>
          logger.warn({ migration, attempt, err: err.message }, 'migration waited too long for a lock (a long transaction?): trying again'),
      });
      if (applied.length) logger.info({ applied }, 'migrations applied');
      await migrateJobQueue(databaseUrl);
    }

    const dev = env.NODE_ENV !== 'production' ? loadOrCreateDevSecrets() : undefined;
    const discordPublicKeyHex = env.DISCORD_PUBLIC_KEY ?? dev?.discordPublicKeyHex;
    if (!discordPublicKeyHex) throw new ConfigError(['DISCORD_PUBLIC_KEY: required']);
    // No Discord application in development: run against the in-process fake Discord API (npm run simulate).
    // Fakes and the simulator serve the HTTP process; a worker child gets their URLs from its supervisor.
    const simulator = http && simulatorWanted(env) ? await startSimulatorMode(env) : undefined;
    if (simulator) {
      fakeDiscord = simulator.fake;
      fakeGateway = simulator.gateway;
      env = simulator.env;
    }
    // Development without PAYPAL_API_BASE_URL: a local fake PayPal (its own sandbox: nothing is charged), so
    // the invoice page, webhooks and refunds work end to end; the demo shop is connected to it.
    if (http && env.NODE_ENV !== 'production' && !env.PAYPAL_API_BASE_URL) {
      fakePayPal = await startDevPayPal();
      env = { ...env, PAYPAL_API_BASE_URL: fakePayPal.url };
    }
    // Likewise Square (Cash App Pay): its API and the Web Payments SDK script come from a local fake.
    if (http && env.NODE_ENV !== 'production' && !env.SQUARE_API_BASE_URL) {
      fakeSquare = await startDevSquare();
      env = {
        ...env,
        SQUARE_API_BASE_URL: fakeSquare.url,
        SQUARE_WEB_PAYMENTS_SDK_URL: env.SQUARE_WEB_PAYMENTS_SDK_URL ?? fakeSquare.sdkUrl,
      };
    }
    // BTCPay Server is each shop's own (its URL is part of the connection): the demo shop gets a local fake one, at
    // the same address at every start (DEV_BTCPAY_PORT), so a connection an owner made to it outlives a restart.
    if (http && env.NODE_ENV !== 'production') fakeBtcPay = await startFakeBtcPay(env.DEV_BTCPAY_PORT, env.PORT);
    services = createContainer({ env, logger, databaseUrl, discordPublicKeyHex, devSecrets: dev });
    if (http && !services.invoices.linksAvailable())
      logger.warn(
        'invoice links cannot be sent from Discord (set PUBLIC_BASE_URL and INVOICE_LINK_SIGNING_SECRET): customers are not offered PayPal, Cash App Pay or Bitcoin there',
      );
    // Secrets written before encryption existed (or under an older key) are encrypted with the current key.
    if (!supervised) {
      const encrypted = await migrateSecretsAtRest(services.db, services.secrets);
      if (encrypted.taxjarKeys || encrypted.connections) logger.info(encrypted, 'secrets at rest encrypted with the current key');
    }

    // Before AdminJS loads: its start-up (component bundling) and every later collection run at the lower priority.
    if (roles.admin && !roles.web && !roles.worker && env.ADMIN_NICE > 0) lowerCpuPriority(env.ADMIN_NICE, logger, 'admin panel');
    if (http) {
      const app = await buildApp(services, { web: roles.web, admin: roles.admin });
      serving = await listen(app, env, logger);
    }
    // Once listening: a first start that fails before (PORT in use, the usual first-run snag) seeds nothing, and the
    // next start creates the demo shop and prints its one-time login. Seeded before listen, that login was never shown.
    const seeded = embedded ? await seedDemoIfEmpty(services) : undefined;
    // A later start of the embedded demo: where its login went, and what to do when it is lost.
    const demoLogin =
      seeded ?? (embedded && (await services.db.adminUser.findUnique({ where: { email: DEMO.adminEmail }, select: { email: true } })));
    if (roles.worker && !http && env.WORKER_NICE > 0) lowerCpuPriority(env.WORKER_NICE, logger, 'job worker');
    if (roles.worker) {
      worker = await startJobWorkers({
        connectionString: databaseUrl,
        bus: services.bus,
        apart: services.runApart,
        logger,
        concurrency: env.WORKER_CONCURRENCY,
        staleMs: env.JOB_WORKER_STALE_SECONDS * 1000,
        onJobFailure: services.jobFailed,
        vacuumEveryMs: env.JOB_TABLE_VACUUM_SECONDS * 1000,
      });
      logger.info(
        { concurrency: env.WORKER_CONCURRENCY, apart: services.runApart.map((a) => `${a.name}: ${a.concurrency}`), supervised },
        'job worker running',
      );
    }
    if (roles.superviseWorker) {
      const { botToken, metrics } = services;
      // The same program with PROCESS_ROLES=worker, given what this process decided at start-up (the
      // embedded database's URL, the simulator's and the local fakes' URLs, the dev public key).
      workerProcess = superviseWorkerProcess({
        logger,
        // Its restarts are counted in /metrics; /readyz says while it is down.
        watch: services.jobWorkerChild,
        // The child runs the DMs and role changes: when Discord refuses the bot's token there, this process's /readyz
        // and /metrics say so (its own REST client may never call Discord with the token). Its failed job attempts are
        // counted in this process's /metrics (the child serves none).
        onMessage: (m) => {
          if (m.kind === 'discord-bot-token-refused') botToken.refusedElsewhere(new Date(m.at));
          else if (m.kind === 'job-failed') metrics.jobFailures.inc({ task: m.task });
        },
        env: {
          DATABASE_URL: databaseUrl,
          DISCORD_PUBLIC_KEY: discordPublicKeyHex,
          DISCORD_API_BASE_URL: env.DISCORD_API_BASE_URL,
          DISCORD_BOT_TOKEN: env.DISCORD_BOT_TOKEN,
          DISCORD_APPLICATION_ID: env.DISCORD_APPLICATION_ID,
          DISCORD_SIMULATOR: 'false',
          PAYPAL_API_BASE_URL: env.PAYPAL_API_BASE_URL,
          SQUARE_API_BASE_URL: env.SQUARE_API_BASE_URL,
          SQUARE_WEB_PAYMENTS_SDK_URL: env.SQUARE_WEB_PAYMENTS_SDK_URL,
        },
      });
    }
    // Member joins and role changes (entitlements): one gateway connection across all processes, held by a
    // process that runs jobs (or the web process when jobs are switched off everywhere).
    if (roles.worker || (roles.web && !env.WORKERS_ENABLED)) memberGateway = startMemberGatewayLeader(services);
    if (!serving) {
      logger.child({}, { level: 'info' }).info({ roles: env.PROCESS_ROLES ?? ['worker'], supervised }, 'Ledgerline job worker is running');
      return;
    }
    const { server } = serving;
    let demoConnected = false;
    if (fakePayPal || fakeSquare || fakeBtcPay) {
      const addr = server.address();
      demoConnected = await connectDemoProcessors(
        services,
        { paypal: fakePayPal, square: fakeSquare, btcpay: fakeBtcPay },
        `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : env.PORT}`,
      );
    }
    printBanner(logger, env, server, demoLogin || undefined, embedded?.dataDir);
    if (env.NODE_ENV !== 'production' && !seeded && (await services.db.tenant.count()) === 0) {
      process.stdout.write(
        'This database has no shop yet. Create yours and its first admin (README, "Your own shop, from an empty database"):\n' +
          '  npm run shop:create -- --name "My Shop" --guild <Discord server id> --currency USD --time-zone <e.g. America/Chicago>\n' +
          '  npm run admin:create -- --email you@example.com --shop "My Shop"\n\n',
      );
    }
    const connectedTo = demoConnected
      ? ' The demo shop is connected to it.'
      : ' To use it, connect a shop in Settings -> Payments (README).';
    if (fakePayPal) {
      process.stdout.write(
        `Payments: PAYPAL_API_BASE_URL is unset, so PayPal calls go to a local fake PayPal at ${fakePayPal.url} (development only; nothing is charged).${connectedTo}\n` +
          `  A shop's PayPal webhook: Add Webhook with the URL its PayPal card shows at ${fakePayPal.url}/developer and save the Webhook ID it gives (kept across restarts).\n\n`,
      );
    }
    if (fakeSquare) {
      process.stdout.write(
        `Payments: SQUARE_API_BASE_URL is unset, so Square (Cash App Pay) calls go to a local fake Square at ${fakeSquare.url}.${connectedTo}\n` +
          `  A shop's Square card: Application ID ${DEV_SQUARE_ACCOUNT.applicationId}, Location ID ${DEV_SQUARE_ACCOUNT.locationId}, Access token ${DEV_SQUARE_ACCOUNT.accessToken}.\n` +
          `  Its webhook: Add subscription with the Webhook URL the card shows at ${fakeSquare.url}/developer/webhooks and save the signature key it gives (kept across restarts).\n\n`,
      );
    }
    if (fakeBtcPay) {
      process.stdout.write(
        `Payments: a local fake BTCPay Server runs at ${fakeBtcPay.url} (development only; the same address at every start, DEV_BTCPAY_PORT).${connectedTo}\n` +
          `  A shop's BTCPay card: Server URL ${fakeBtcPay.url}, Store ID ${DEV_BTCPAY_STORE.storeId}, API key ${DEV_BTCPAY_STORE.apiKey}.\n` +
          `  Its webhook: Create Webhook with the Webhook URL the card shows at ${fakeBtcPay.url}/stores/${DEV_BTCPAY_STORE.storeId}/webhooks and save the secret it shows (kept across restarts).\n\n`,
      );
    }
    if (simulator) {
      const addr = server.address();
      const info = simulator.publish(`http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : env.PORT}`);
      process.stdout.write(
        `Discord simulator mode: Discord calls go to the fake API at ${info.fakeDiscordUrl}.\n  ${await simulateHint(services.db).catch(() => SIMULATE_HINT_UNREAD)}\n\n`,
      );
    }
  } catch (err) {
    reportStartupError(logger, err);
    await shutdown('start-up failed', 1);
  }
}

async function listen(app: import('express').Express, env: Env, logger: Logger): Promise<HttpServer> {
  const { PORT: port, HOST: host } = env;
  try {
    return await serveHttp(app, {
      port,
      host,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      onError: (err) => logger.error({ err }, 'the HTTP server reported an error'),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new ConfigError([`PORT: ${port} is already in use on ${host}; stop the other program or set PORT`]);
    throw err;
  }
}

/** The development fake BTCPay on its fixed port; a port in use is a configuration problem, said as PORT's is. */
async function startFakeBtcPay(port: number, servicePort: number): Promise<FakeBtcPay> {
  // Started before the service listens: PORT the same then failed as "in use; stop the other program", the other
  // program being this one.
  if (port !== 0 && port === servicePort)
    throw new ConfigError([
      `PORT: ${servicePort} is also DEV_BTCPAY_PORT, the development fake BTCPay Server's port: set PORT or DEV_BTCPAY_PORT to another port`,
    ]);
  try {
    return await startDevBtcPay(port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new ConfigError([
      `DEV_BTCPAY_PORT: ${port} is already in use on 127.0.0.1 (the development fake BTCPay Server's port: another npm start?); stop the other program, or set DEV_BTCPAY_PORT to a free port (0: a new one at each start, and a shop's BTCPay connection to the fake then stops working at the next restart)`,
    ]);
  }
}

function printBanner(
  logger: Logger,
  env: Env,
  server: Server,
  /** The demo admin: with its password when this start created it, without on the starts after. */
  demoLogin: { email: string; password?: string } | undefined,
  embeddedDataDir?: string,
) {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : env.PORT;
  // Without its trailing slash, as invoice links are built: not https://shop.example//admin.
  const base = withoutTrailingSlash(env.PUBLIC_BASE_URL ?? `http://localhost:${port}`);
  const lines = [
    `Ledgerline is running at ${base}`,
    `  Admin panel:            ${base}/admin`,
    `  REST API:               ${base}/api`,
    `  Discord interactions:   ${base}/discord/interactions`,
    `  Health / readiness:     ${base}/healthz  ${base}/readyz`,
  ];
  if (embeddedDataDir) lines.push(`  Embedded database:      ${embeddedDataDir}`);
  // Production logs are read by machines: the banner is one JSON line like every other (no seed runs there).
  // It is written whatever LOG_LEVEL says (a child at level info): an operator running at warn still learns
  // that the service is up and where, and process supervisors (and npm run chaos) wait for this line.
  if (env.NODE_ENV === 'production') {
    logger.child({}, { level: 'info' }).info(
      {
        port,
        url: base,
        admin: `${base}/admin`,
        api: `${base}/api`,
        discord: `${base}/discord/interactions`,
        metrics: env.METRICS_TOKEN ? `${base}/metrics` : undefined,
      },
      `Ledgerline is running at ${base}`,
    );
    return;
  }
  if (demoLogin?.password) {
    lines.push(
      '',
      'Demo shop created. Admin panel login (shown once, keep it):',
      `  email:    ${demoLogin.email}`,
      `  password: ${demoLogin.password}`,
    );
  } else if (demoLogin) {
    lines.push(
      '',
      `Demo admin: ${demoLogin.email} (its password was shown at the first start; lost it? npm run admin:password-reset -- --email ${demoLogin.email})`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  logger.info({ port }, 'listening');
}

function reportStartupError(logger: Logger, err: unknown) {
  if (process.env.NODE_ENV === 'production') {
    const message = err instanceof ConfigError ? err.message : (describeDatabaseError(err) ?? (err as Error)?.message ?? String(err));
    logger.fatal({ err: err instanceof ConfigError ? undefined : err }, `Ledgerline could not start: ${message}`);
    return;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    return;
  }
  const message = describeDatabaseError(err) ?? (err as Error)?.message ?? String(err);
  process.stderr.write(`Ledgerline could not start: ${message}\n`);
  logger.debug({ err }, 'start-up error');
}
