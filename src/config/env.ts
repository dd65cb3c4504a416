// All configuration, parsed once with zod. A missing or malformed variable stops start-up with one
// readable message listing every problem (see ConfigError).
import express from 'express';
import { z } from 'zod';
import { parseKeyring } from '../platform/secret-box.js';
import { parseProcessRoles } from './process-roles.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = z.url({ protocol: /^https?$/ });

/** TRUST_PROXY as Express's "trust proxy" value: boolean, hop count, or a list of addresses/CIDRs/names. */
export function parseTrustProxy(v: string): boolean | number | string[] {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * TRUST_PROXY parsed and compiled as Express compiles it, so a value Express refuses ("yes", a misspelt address)
 * is listed with the other problems, naming the variable, before anything starts (it stopped start-up after the
 * migrations with Express's bare "invalid IP address: yes").
 */
function trustProxySetting(v: string, ctx: z.RefinementCtx): boolean | number | string[] {
  const value = parseTrustProxy(v);
  try {
    express().set('trust proxy', value);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `${(err as Error).message}; expected true, false, a hop count, or comma-separated addresses/CIDRs or loopback, linklocal, uniquelocal`,
    });
    return z.NEVER;
  }
  return value;
}

/** Variables a production process cannot run without. */
const PRODUCTION_REQUIRED = [
  'DISCORD_PUBLIC_KEY',
  'DISCORD_APPLICATION_ID',
  'DISCORD_BOT_TOKEN',
  'SESSION_SECRET',
  'DATABASE_URL',
  'SECRETS_ENCRYPTION_KEYS',
] as const;
const PRODUCTION_REQUIRED_MESSAGE = 'required when NODE_ENV=production';

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: url.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: bool.optional(),
    BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'a size such as 100kb or 1mb')
      .default('100kb'),
    /** At most what a Node timer can wait (2^31 - 1 ms): past it, Node fires the timer after 1 ms and every shutdown was cut short. */
    SHUTDOWN_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1, 'at most 2147483647 (about 24.8 days, the longest wait a timer can hold)')
      .default(10_000),
    /**
     * How long an idle keep-alive connection stays open: above the idle timeout of the load balancer in front (60 s
     * for nginx's upstream keepalive and AWS's ALB), so the balancer, not us, closes it (src/platform/http-server.ts).
     * At most 4,200 s: above the longest idle timeout an ALB allows (4,000 s).
     */
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(4_200_000).default(65_000),
    /** /readyz answers 503 when the database has not answered within this (a load balancer's probe must not hang); /metrics reads the job queue within it. */
    READY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(900),

    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /**
     * Connections of the process's service pool. 5, not pg's 10: on a 2-core host the interaction process's
     * every-step p99 at 200 req/s was lower with 5 in 14 of 17 alternating benchmark pairs (fewer backends
     * competing for the cores the process needs); docs/decisions/pool-size.md.
     */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
    /** How long a request waits for a database connection before it is answered 503. */
    DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** Server-side bound on each statement (lock waits included). */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
    /** How long start-up waits for the database to answer before it stops with "cannot reach the database". */
    DATABASE_START_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** How long a connection of the service pool may sit idle before it is closed (the checkout pool keeps its own). */
    DATABASE_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    EMBEDDED_PG_DIR: z.string().min(1).default('data/postgres'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).optional(),

    DISCORD_APPLICATION_ID: z
      .string()
      .regex(/^\d{15,21}$/, 'a Discord snowflake')
      .optional(),
    DISCORD_PUBLIC_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "64 hex characters (the application's public key)")
      .optional(),
    DISCORD_BOT_TOKEN: z.string().min(20).optional(),
    DISCORD_API_BASE_URL: url.default('https://discord.com/api'),
    /** A @discordjs/proxy shared by every instance (its URL without /api): Discord REST calls go through it, so rate limits are shared. */
    DISCORD_REST_PROXY_URL: url.optional(),
    DISCORD_ADMIN_PERMISSION: z.enum(['ADMINISTRATOR', 'MANAGE_GUILD']).default('MANAGE_GUILD'),
    /** Interactions whose X-Signature-Timestamp is older than this are refused (replay protection). */
    DISCORD_MAX_SIGNATURE_AGE_SECONDS: z.coerce.number().int().positive().default(300),
    /**
     * A handler that has not answered this long after its request ARRIVED is deferred (Discord allows 3 s).
     * At most 2500 outside tests; tests set it (0: defer at once; very large: never by time) so no test
     * depends on how fast the machine is.
     */
    DISCORD_DEFER_AFTER_MS: z.coerce.number().int().min(0).default(2000),
    /** The gateway listener (member joins and role changes) in the process holding its advisory lock; needs the bot token. */
    DISCORD_GATEWAY_ENABLED: bool.default(true),
    /** How often a process not holding the gateway lock tries to take it (and the holder checks it still does). */
    GATEWAY_LEADER_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
    /** Development only: start a local fake Discord API and a generated key pair when no application is configured. */
    DISCORD_SIMULATOR: bool.optional(),

    SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    /** The secret SESSION_SECRET replaced: sessions it signed stay valid until they expire (rotation). */
    SESSION_SECRET_PREVIOUS: z.string().min(32, 'at least 32 characters').optional(),
    /**
     * Which proxies in front of us to believe (X-Forwarded-For/-Proto/-Host), with Express's "trust proxy"
     * semantics: "false", "true", a hop count ("1"), or comma-separated addresses/CIDRs or the names
     * loopback, linklocal, uniquelocal. Default: loopback.
     */
    TRUST_PROXY: z.string().trim().min(1).default('loopback').transform(trustProxySetting),
    COOKIE_SECURE: bool.optional(),
    ADMIN_JS_TMP_DIR: z.string().min(1).default('admin-bundle'),
    /** Serve AdminJS's development build of its own scripts (26 MB a page) instead of its production build. */
    ADMIN_DEV_BUNDLES: bool.default(false),
    /** Bearer token a Prometheus scraper sends to GET /metrics; unset: no /metrics endpoint. */
    METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),

    INVOICE_LINK_SIGNING_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    /** The secret INVOICE_LINK_SIGNING_SECRET replaced: links it signed keep working during the grace period. */
    INVOICE_LINK_SIGNING_SECRET_PREVIOUS: z.string().min(32, 'at least 32 characters').optional(),
    INVOICE_LINK_DEFAULT_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(7 * 24 * 3600),

    /**
     * Development only: the port of the local fake BTCPay Server `npm start` runs when NODE_ENV is not production. Fixed,
     * so a shop's BTCPay connection to it (its server URL is stored with the connection) works after a restart; 0: a
     * new free port at each start.
     */
    DEV_BTCPAY_PORT: z.coerce.number().int().min(0).max(65535).default(3900),

    TAXJAR_API_URL: url.default('https://api.taxjar.com'),
    TAXJAR_TIMEOUT_MS: z.coerce.number().int().min(100).max(2500).default(1500),

    /** "kid:base64key[,kid0:oldkey]": AES-256-GCM keys for secrets at rest; the first encrypts. Required in production. */
    SECRETS_ENCRYPTION_KEYS: z.string().min(1).optional(),
    /** Overrides PayPal's host for every connection (a local fake in development and tests). Its cert URLs are then trusted too. */
    PAYPAL_API_BASE_URL: url.optional(),
    /** Overrides Square's API host for every Square connection (a local fake in development and tests). */
    SQUARE_API_BASE_URL: url.optional(),
    /** Overrides the Web Payments SDK script the invoice page loads for Cash App Pay (the fake's /v1/square.js). */
    SQUARE_WEB_PAYMENTS_SDK_URL: url.optional(),
    /** Open checkouts older than this are asked about by the reconciliation job (a lost webhook). */
    CHECKOUT_RECONCILE_AFTER_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(5),
    PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),

    /** Requests per minute, counted in PostgreSQL across instances (429 with Retry-After beyond). */
    RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_INVOICE_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    RATE_LIMIT_WEBHOOKS_PER_MINUTE: z.coerce.number().int().min(1).default(600),

    /**
     * What this process runs (comma-separated): web (Discord endpoint, REST, invoice pages, provider
     * webhooks), admin (the panel), worker (jobs and the member gateway). Unset: web and admin here and the
     * worker in a supervised child process (process-roles.ts; docs/decisions/process-roles.md).
     */
    PROCESS_ROLES: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => parseProcessRoles(v, ctx)),
    /** Jobs one worker process runs at once (notifications wait on Discord, so mostly I/O). */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(10),
    /**
     * Webhook deliveries one worker process sends at once, on slots of their own (each waits up to
     * WEBHOOK_TIMEOUT_MS on the shop's endpoint): an endpoint that does not answer holds these, never WORKER_CONCURRENCY's.
     */
    WEBHOOK_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(8),
    /**
     * Of those, how many one endpoint may hold at once (per worker process): an endpoint that answers, but
     * slowly, takes at most these, and the others stay free for every other endpoint's deliveries.
     */
    WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
    /**
     * How long one webhook attempt (connect, send, answer) may take before it fails and holds its slot no longer.
     * The test suite shortens it where a test needs attempts to time out (docs/decisions/outgoing-webhooks.md).
     */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    WORKERS_ENABLED: bool.default(true),
    /**
     * How much a process that only runs jobs lowers its own CPU priority (nice value, 0-19; 0 keeps it). On a
     * machine the worker shares with the interaction process (`npm start`, or a small host), interactions,
     * which Discord gives 3 seconds, get the CPU first and the jobs catch up when it is free.
     */
    WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
    /**
     * The same for a process that only serves the admin panel (PROCESS_ROLES=admin): a person at a browser can
     * wait a little; a Discord interaction cannot. AdminJS's page loads, and V8's collections of its large heap
     * (tens of ms on every core), then yield to the interaction process on a shared machine.
     */
    ADMIN_NICE: z.coerce.number().int().min(0).max(19).default(5),
    /**
     * How far V8 may grow this process's heap past what was live at its last full collection, in percent
     * (platform/heap-growth.ts). 0 leaves V8's own choice (up to 300% under a burst of requests, which took the
     * web process past 250 MB with ~30 MB live); 50 keeps the peak near the live size for a little more GC work.
     */
    HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(300).default(50),
    /** Connections of the pool that only checkout submits use (their transactions wait on row locks). */
    DATABASE_CHECKOUT_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(4),
    /** A job worker silent for this long is taken for dead and its jobs are run again (worker-liveness.ts). */
    JOB_WORKER_STALE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
    /**
     * A worker process vacuums graphile-worker's job table this often, when at least 100 jobs finished since
     * (platform/jobs/job-table-vacuum.ts): autovacuum visits it at most once a minute, and the dead rows of a
     * burst of jobs slow every fetch of the next one. 0 leaves the table to autovacuum.
     */
    JOB_TABLE_VACUUM_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),

    ORDER_SESSION_TTL_MINUTES: z.coerce.number().int().positive().default(30),
  })
  .superRefine((env, ctx) => {
    if (env.SECRETS_ENCRYPTION_KEYS) {
      try {
        parseKeyring(env.SECRETS_ENCRYPTION_KEYS);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['SECRETS_ENCRYPTION_KEYS'], message: (err as Error).message });
      }
    }
    if (env.NODE_ENV !== 'test' && env.DISCORD_DEFER_AFTER_MS > 2500) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_DEFER_AFTER_MS'], message: 'at most 2500 (Discord drops answers after 3 s)' });
    }
    // A stopping worker waits for the webhook attempts in progress, for at most SHUTDOWN_TIMEOUT_MS: a longer attempt
    // would be cut off at every deploy (and sent again later). Under a second, most endpoints could never answer.
    if (env.WEBHOOK_TIMEOUT_MS > env.SHUTDOWN_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_TIMEOUT_MS'],
        message: `at most SHUTDOWN_TIMEOUT_MS (${env.SHUTDOWN_TIMEOUT_MS}): a shutdown waits that long for the attempts in progress; raise both together`,
      });
    }
    if (env.NODE_ENV !== 'test' && env.WEBHOOK_TIMEOUT_MS < 1000) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_TIMEOUT_MS'], message: 'at least 1000 (an endpoint gets a second to answer)' });
    }
  });

export type Env = z.output<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment. Empty strings count as unset, so `FOO=` in .env means "use the default". */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  // Read from the raw environment, not in the schema's refinement: zod skips a refinement when a field fails to
  // parse (PORT=abc hid every missing variable), and the message lists every problem at once.
  if (cleaned.NODE_ENV === 'production') {
    for (const key of PRODUCTION_REQUIRED) if (!cleaned[key]) problems.push(`${key}: ${PRODUCTION_REQUIRED_MESSAGE}`);
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/** Where Discord REST calls go: the shared proxy when there is one (it forwards to Discord), else Discord's API (or a fake). */
export function discordRestBaseUrl(env: Pick<Env, 'DISCORD_API_BASE_URL' | 'DISCORD_REST_PROXY_URL'>): string {
  return env.DISCORD_REST_PROXY_URL ? `${env.DISCORD_REST_PROXY_URL.replace(/\/+$/, '')}/api` : env.DISCORD_API_BASE_URL;
}
