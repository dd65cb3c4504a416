// Prometheus metrics (prom-client), one registry per service instance. What is measured where:
// - HTTP latency per surface and route: an Express middleware mounted after the Discord endpoint (its
//   PING path pays nothing); Discord interactions are timed per kind and step where they are handled.
// - Job queue: depth, permanently failed jobs and the oldest waiting job's age are read from
//   graphile-worker's tables when scraped (true across every instance sharing the database); attempt
//   failures are counted by this instance's worker.
// - Discord REST: every response by route and status (429s included), from @discordjs/rest's events, and whether
//   Discord refused the bot's token.
// - Database pool: total, idle and waiting clients of the service's one pg pool, read when scraped, and how
//   long each statement or transaction waited for a connection (a histogram: saturation between scrapes shows).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type pg from 'pg';
import type { BacklogRow } from './jobs/job-admin.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Queue depth, failed jobs and oldest waiting age per task (JobAdmin.backlog). */
export interface JobQueueStats {
  byTask: BacklogRow[];
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ledgerline_' });
  const registers = [registry];

  const httpDuration = new Histogram({
    name: 'ledgerline_http_request_duration_seconds',
    help: 'HTTP request latency by surface (api, admin, invoice, webhooks, health) and route pattern.',
    labelNames: ['surface', 'route', 'method', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const interactionDuration = new Histogram({
    name: 'ledgerline_discord_interaction_duration_seconds',
    help: 'Time to answer a Discord interaction, by kind (command, component, modal, autocomplete), step (command name or component route) and outcome: ok (answered), deferred (up front: the step waits on a slow outside service), deferred_late (the DISCORD_DEFER_AFTER_MS safety net: the service was slow), error.',
    labelNames: ['kind', 'step', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const jobFailures = new Counter({
    name: 'ledgerline_job_failures_total',
    help: 'Job attempts that failed on this instance or in the job worker child it supervises (each is retried with backoff until max attempts).',
    labelNames: ['task'],
    registers,
  });
  const workerRestarts = new Counter({
    name: 'ledgerline_job_worker_restarts_total',
    help: 'Times the job worker child this process supervises (the default of npm start) exited unasked and was started again (1 s, doubling to 30 s while it keeps dying within a minute). Rising: it is crash-looping; its log lines say why.',
    registers,
  });
  const discordRest = new Counter({
    name: 'ledgerline_discord_rest_responses_total',
    help: 'Discord REST responses by route and status; status="429" are rate-limit refusals.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const discordRateLimitWaits = new Counter({
    name: 'ledgerline_discord_rest_rate_limit_waits_total',
    help: 'Times @discordjs/rest held a request back to stay inside a rate-limit bucket.',
    labelNames: ['route', 'global'],
    registers,
  });

  let pool: Pick<pg.Pool, 'totalCount' | 'idleCount' | 'waitingCount' | 'options' | 'connect'> | undefined;
  const poolWait = new Histogram({
    name: 'ledgerline_db_pool_wait_seconds',
    help: 'Time a statement or transaction waited for a connection of the service pool (about 0 while one is idle). A rising tail means every connection is checked out: statements hold them longer than they run (a busy CPU makes round trips slow), see docs/perf/interactions.md.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  new Gauge({
    name: 'ledgerline_db_pool_connections',
    help: 'Connections of the service pool (shared by Prisma and the order flow) by state; max is DATABASE_POOL_SIZE.',
    labelNames: ['state'],
    registers,
    collect() {
      if (!pool) return;
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'waiting_clients' }, pool.waitingCount);
      this.set({ state: 'max' }, pool.options.max ?? 10);
    },
  });

  let botTokenRefused: { refusedAt(): Date | null } | undefined;
  new Gauge({
    name: 'ledgerline_discord_bot_token_refused',
    help: "1 once Discord refused the bot's token (401): no DM, role or admin-channel post leaves this instance until it restarts with a valid DISCORD_BOT_TOKEN (the jobs wait, retried). 0 otherwise.",
    registers,
    collect() {
      this.set(botTokenRefused?.refusedAt() ? 1 : 0);
    },
  });

  let readJobs: (() => Promise<JobQueueStats>) | undefined;
  /** The read of the scrape under way: prom-client collects every metric at once, and the four job gauges share it. */
  let jobsRead: Promise<boolean> | undefined;
  // One query per scrape sets all the job gauges, each waiting for it in its own collect: written before the read
  // had set them, they said the previous scrape's queue.
  const readJobsOnce = (): Promise<boolean> =>
    (jobsRead ??= (async () => {
      try {
        // Called in a then: a read that throws before it returns its promise must not clear jobsRead before it is set.
        const stats = await Promise.resolve().then(() => readJobs!());
        for (const g of [jobsWaiting, jobsFailed, jobsOldest]) g.reset();
        for (const t of stats.byTask) {
          jobsWaiting.set({ task: t.task }, t.waiting);
          jobsFailed.set({ task: t.task }, t.failed);
          jobsOldest.set({ task: t.task }, t.oldestWaitingSeconds);
        }
        return true;
      } catch {
        return false;
      } finally {
        jobsRead = undefined;
      }
    })());
  /** How long a scrape waits for that read (observeJobs): a database that does not answer must not fail the scrape. */
  let jobsTimeoutMs = 900;
  // Past the bound the scrape goes on without it (scrape_ok 0); the read is not started again while it runs.
  const readJobsBounded = (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      readJobsOnce(),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), jobsTimeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  async function collectJobs() {
    if (readJobs) await readJobsBounded();
  }
  const jobsWaiting = new Gauge({
    name: 'ledgerline_jobs_waiting',
    help: 'Jobs waiting to run (due or scheduled for a retry), by task.',
    labelNames: ['task'],
    registers,
    collect: collectJobs,
  });
  const jobsFailed = new Gauge({
    name: 'ledgerline_jobs_failed',
    help: 'Jobs that used up their attempts and will not run again unless retried from the panel, by task.',
    labelNames: ['task'],
    registers,
    collect: collectJobs,
  });
  const jobsOldest = new Gauge({
    name: 'ledgerline_jobs_oldest_waiting_age_seconds',
    help: 'Age of the oldest job still waiting to run, by task.',
    labelNames: ['task'],
    registers,
    collect: collectJobs,
  });
  new Gauge({
    name: 'ledgerline_jobs_scrape_ok',
    help: '1 when the job queue could be read at this scrape (within READY_TIMEOUT_MS); 0: the job gauges are from an earlier scrape.',
    registers,
    async collect() {
      if (!readJobs) return;
      this.set((await readJobsBounded()) ? 1 : 0);
    },
  });

  // @discordjs/rest's bucket routes keep the major id (/channels/123.../messages): one label per route shape instead.
  const routeShape = (route: string) => route.replace(/\d{15,}/g, ':id');

  return {
    registry,
    httpDuration,
    interactionDuration,
    jobFailures,
    workerRestarts,
    /**
     * Reads pool use at every scrape, and times every wait for one of its connections: `connect` is wrapped,
     * which Prisma's adapter, the plain-SQL client and `pool.query` all go through.
     */
    observePool(p: NonNullable<typeof pool>) {
      pool = p;
      const connect = p.connect.bind(p) as (cb?: (err: Error | undefined, ...rest: unknown[]) => void) => Promise<unknown> | void;
      const timed = (cb?: (err: Error | undefined, ...rest: unknown[]) => void) => {
        const started = performance.now();
        const waited = () => poolWait.observe((performance.now() - started) / 1000);
        if (typeof cb === 'function')
          return connect((err, ...rest) => {
            waited();
            cb(err, ...rest);
          });
        return (connect() as Promise<unknown>).finally(waited);
      };
      p.connect = timed as typeof p.connect;
    },
    /** Reads the job queue at every scrape, waiting at most `timeoutMs` for it (READY_TIMEOUT_MS, as /readyz's check). */
    observeJobs(read: () => Promise<JobQueueStats>, timeoutMs = 900) {
      readJobs = read;
      jobsTimeoutMs = timeoutMs;
    },
    /** 1 once Discord refused the bot's token (a 401): this instance reaches Discord no more until restarted with a valid one. */
    observeBotToken(watch: { refusedAt(): Date | null }) {
      botTokenRefused = watch;
    },
    /** Counts the responses and rate-limit waits of a @discordjs/rest client (its 'response' and 'rateLimited' events). */
    observeDiscordRest(rest: { on(event: string, listener: (...args: never[]) => void): unknown }) {
      rest.on('response', ((request: { method: string; route: string }, response: { status: number }) => {
        discordRest.inc({ method: request.method, route: routeShape(request.route), status: String(response.status) });
      }) as never);
      rest.on('rateLimited', ((info: { route: string; global: boolean }) => {
        discordRateLimitWaits.inc({ route: routeShape(info.route), global: String(info.global) });
      }) as never);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
