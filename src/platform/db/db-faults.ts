// What a database fault looks like from here, whichever layer raised it (pg, pg-pool, Prisma's adapter):
// the database is unreachable or restarting, a connection died under a query, or a statement ran out of
// time. Surfaces turn these into "try again" answers (REST: 503 + Retry-After; Discord: a "try again"
// follow-up) instead of a 500, and transactions that died before COMMIT are retried.

/** SQLSTATE classes/codes meaning "the database (or this connection to it) is not usable right now". */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '53300', // too_many_connections
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'P1001', // Prisma: can't reach database server
  'P1002', // Prisma: database server timed out
  'P1017', // Prisma: server closed the connection
  'P2024', // Prisma: timed out fetching a connection from the pool
]);

/**
 * Prisma's driver-adapter error kinds for a connection lost or never made. A connection closed under a query
 * comes as P2010 with cause { kind: 'ConnectionClosed' } and no SQLSTATE ("Server has closed the connection."):
 * before this set, /readyz called it "error" and a request that hit it was answered 500 instead of 503.
 */
const UNAVAILABLE_KINDS = new Set(['ConnectionClosed', 'DatabaseNotReachable', 'TooManyConnections', 'TlsConnectionError']);

const UNAVAILABLE_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'terminating connection',
    'timeout exceeded when trying to connect',
    'Connection ended unexpectedly',
    'Client has encountered a connection error',
    'Client was closed and is not queryable',
    'the database system is (starting up|shutting down|in recovery mode)',
    "Can't reach database server",
    'ECONNREFUSED',
    'ECONNRESET',
    'server closed the connection unexpectedly',
    'Query read timeout',
  ].join('|'),
  'i',
);

/** 57014: statement_timeout (or a lock wait it bounds) fired; the work did not happen. */
const TIMEOUT_CODES = new Set(['57014', '55P03']);

/** The error, its causes, and Prisma's driver-adapter error with its cause (where pg's SQLSTATE is kept). */
function* causes(err: unknown): Generator<Record<string, unknown>> {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const e = current as Record<string, unknown>;
    yield e;
    const meta = e.meta as Record<string, unknown> | undefined;
    const adapterError = meta?.driverAdapterError as Record<string, unknown> | undefined;
    if (adapterError) {
      yield adapterError;
      if (adapterError.cause && typeof adapterError.cause === 'object') yield adapterError.cause as Record<string, unknown>;
    }
    current = e.cause;
  }
}

/**
 * An error's own words. Prisma starts its messages with the caller's source ("Invalid `x` invocation in
 * <file>:<line>" and a code frame of the lines around it), and that frame can hold any text at all: in a
 * bundled runtime, Prisma's own strings ("could not serialize", "Can't reach database server"). Only what
 * follows the frame is the error; matching the whole message once made a dead connection look like a
 * serialization failure and retried it past its bound.
 */
function ownMessage(e: Record<string, unknown>): string | undefined {
  const m = e.message;
  if (typeof m !== 'string') return undefined;
  return /^\s*Invalid `/.test(m) && m.includes('\n\n') ? m.slice(m.lastIndexOf('\n\n') + 2) : m;
}

/** An error's message without Prisma's caller frame: what an operator command prints on one line. */
export function ownWords(err: unknown): string {
  if (err && typeof err === 'object') {
    const m = ownMessage(err as Record<string, unknown>);
    if (m !== undefined) return m.trim();
  }
  return String(err);
}

/** True when any cause carries one of `codes` (SQLSTATE, Prisma code, errno). */
export function hasErrorCode(err: unknown, codes: ReadonlySet<string>): boolean {
  for (const e of causes(err)) if (codesOf(e).some((c) => codes.has(c))) return true;
  return false;
}

/** True when any cause's own message (never a code frame) matches. */
export function hasErrorMessage(err: unknown, pattern: RegExp): boolean {
  for (const e of causes(err)) {
    const m = ownMessage(e);
    if (m !== undefined && pattern.test(m)) return true;
  }
  return false;
}

function codesOf(e: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of ['code', 'originalCode', 'errno']) if (typeof e[k] === 'string') out.push(e[k] as string);
  const meta = e.meta as Record<string, unknown> | undefined;
  if (typeof meta?.code === 'string') out.push(meta.code);
  return out;
}

/** The database cannot be used now (down, restarting, connection lost or pool exhausted). */
export function isDatabaseUnavailable(err: unknown): boolean {
  // Any SQLSTATE of class 08 (connection exception) too, so not a fixed set of codes: hasErrorCode cannot say it.
  for (const e of causes(err)) {
    if (codesOf(e).some((c) => UNAVAILABLE_CODES.has(c) || c.startsWith('08'))) return true;
    if (typeof e.kind === 'string' && UNAVAILABLE_KINDS.has(e.kind)) return true;
  }
  return hasErrorMessage(err, UNAVAILABLE_MESSAGE);
}

/** A statement (or a lock wait) ran out of its time budget. */
export function isDatabaseTimeout(err: unknown): boolean {
  return (
    hasErrorCode(err, TIMEOUT_CODES) ||
    hasErrorMessage(err, /canceling statement due to statement timeout|lock timeout|Query read timeout/i)
  );
}

/** Either of the above: the caller should be told to try again shortly, not that something broke. */
export function isTransientDatabaseFault(err: unknown): boolean {
  return isDatabaseUnavailable(err) || isDatabaseTimeout(err);
}

/** Prisma codes for a query whose values do not fit the schema (a value of the wrong type or format). */
const INPUT_PRISMA_CODES = new Set(['P2006', 'P2007', 'P2009', 'P2012', 'P2019', 'P2020', 'P2023', 'P2033']);

/**
 * The query was refused for the values it carried, not for the state of the data or the database: Prisma's
 * own validation (a NaN page size, a negative skip, an unknown sort field) or PostgreSQL's data exceptions
 * (class 22: "abc" for a number, a malformed date, a NUL byte). Reaching the database with such values is
 * a caller's mistake (a hand-edited panel URL, say) and answers 400, not 500.
 */
export function isQueryInputError(err: unknown): boolean {
  for (const e of causes(err)) {
    if (e.name === 'PrismaClientValidationError') return true;
    if (codesOf(e).some((c) => INPUT_PRISMA_CODES.has(c) || /^22[0-9A-Z]{3}$/.test(c))) return true;
    const kind = (e as { kind?: unknown }).kind;
    if (kind === 'InvalidInputValue' || kind === 'ValueOutOfRange' || kind === 'InvalidIsolationLevel') return true;
  }
  return false;
}
