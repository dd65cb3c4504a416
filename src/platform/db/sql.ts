// Hand-written SQL on plain `pg`, on the same pool as Prisma (createDatabase in database.ts), for the order
// flow's hot path: the session steps and submit (see docs/perf/orders.md).
// Statements are Prisma.sql fragments (Prisma's copy of sql-template-tag: parameters, never string
// concatenation), so the same fragment runs through Prisma or through here.
//
// Why not Prisma for these: on Prisma 6's client engine every query, raw or not, costs ~0.5-1 ms of
// Node CPU in its WASM query compiler, and it sends every statement unprepared, so PostgreSQL plans the
// flow's large CTE statements on every call (~1 ms each). Here each statement is a named prepared
// statement (parsed and planned once per connection) and costs ~0.1 ms of client CPU.
//
// What this layer guarantees, so rows read here look like rows read through Prisma:
// - Date parameters are sent as UTC (the columns are `timestamp(3)` without time zone and hold UTC, as
//   Prisma writes them); `timestamp` results are read back as UTC Dates, whatever the process's TZ.
// - int8 results come back as strings (Prisma: BigInt): cast counts to int in the SQL.
// - Errors are pg's DatabaseError (code, constraint, detail); isRetryableTxError and isUniqueViolation
//   (prisma.ts) recognise them as they recognise Prisma's.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Prisma } from '../../generated/prisma/index.js';
import { isDatabaseUnavailable } from './db-faults.js';
import { isRetryableTxError, retryPause, type Db, type Tx } from './prisma.js';

/** Runs statements: the pool (each statement on its own) or a transaction's connection. */
export interface SqlRunner {
  /** The rows of one statement. */
  query<T>(statement: Prisma.Sql): Promise<T[]>;
  /** The number of rows one statement wrote. */
  execute(statement: Prisma.Sql): Promise<number>;
}

/** A transaction's statements (SqlClient.transaction). */
export interface TxRunner extends SqlRunner {
  /**
   * The transaction's last statement and its COMMIT, sent together: on a pipelining connection (the
   * checkout pool's, database.ts) the server commits as soon as the statement is done, so the row locks
   * the statement takes are held for the statement and the commit only, not also for a round trip to this
   * process (which, on a busy machine, waits for its event loop). The rows once committed. When the
   * statement fails, the server answers the COMMIT with a rollback and the statement's error is thrown, so
   * a statement whose checks must hold raises when they do not (raise_check_failed, check-failure.ts)
   * rather than reporting it for the caller to roll back. Nothing may run in the transaction after it.
   */
  queryThenCommit<T>(statement: Prisma.Sql): Promise<T[]>;
}

export interface SqlClient extends SqlRunner {
  /**
   * Runs `fn` in one transaction (READ COMMITTED) on one connection, retrying it whole on serialization
   * failure or deadlock. Preconditions must be checked inside `fn` (row locks, conditional writes).
   * `timeoutMs` (default 15 s, as withTransaction's) bounds each statement, lock waits included: a
   * transaction stuck behind a lock fails with PostgreSQL's 57014 instead of hanging.
   */
  transaction<T>(fn: (tx: TxRunner) => Promise<T>, opts?: { retries?: number; timeoutMs?: number }): Promise<T>;
}

/** Where a shared SQL helper can run: Prisma (client or interactive transaction) or this layer. */
export type SqlTarget = Db | Tx | SqlRunner;

function isPrisma(target: SqlTarget): target is Db | Tx {
  return '$queryRaw' in target;
}

/** The rows of `statement` on whichever target the caller holds (its transaction, if it has one). */
export function queryRows<T>(target: SqlTarget, statement: Prisma.Sql): Promise<T[]> {
  return isPrisma(target) ? target.$queryRaw<T[]>(statement) : target.query<T>(statement);
}

/** Runs `statement` on whichever target the caller holds; the number of rows written. */
export function executeSql(target: SqlTarget, statement: Prisma.Sql): Promise<number> {
  return isPrisma(target) ? target.$executeRaw(statement) : target.execute(statement);
}

/**
 * A Date parameter as ISO 8601 in UTC ("...Z"): a `timestamp` column ignores the zone and stores the UTC
 * wall time (what Prisma stores), and a `timestamptz` one gets the right instant whatever the session's
 * TimeZone. (pg's own default sends local time with an offset, which a `timestamp` column would store as
 * local time.)
 */
function toParam(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toParam);
  return v;
}

const TIMESTAMP_OID = 1114;
/**
 * `timestamp` (without time zone) text holds UTC here: read it as UTC, not as the process's local time.
 * Also for timestamps inside JSON built in SQL (row_to_json gives "2026-01-02T03:04:05.678", no zone).
 */
export const parseUtcTimestamp = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);

/**
 * A row from JSON (json_agg, row_to_json) with its timestamp `fields` turned into Dates: JSON carries them as
 * text without a zone, holding UTC, where a plain column comes back a Date. Null stays null.
 */
export function withUtcDates<T>(row: Record<string, unknown>, fields: readonly string[]): T {
  const out = { ...row };
  for (const f of fields) {
    const v = out[f];
    if (typeof v === 'string') out[f] = parseUtcTimestamp(v);
  }
  return out as T;
}
const resultTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID && format !== 'binary'
      ? parseUtcTimestamp
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** The checkout pool's connections pipeline (database.ts): queries are sent without waiting for the one before. */
function isPipelining(client: pg.PoolClient): boolean {
  return (client as pg.PoolClient & { pipeline?: boolean }).pipeline === true;
}

/** COMMIT, checked: PostgreSQL answers a COMMIT of a failed transaction with ROLLBACK, not an error. */
async function commit(client: pg.PoolClient): Promise<void> {
  const result = await client.query('COMMIT');
  if (result.command !== 'COMMIT') throw new Error(`COMMIT was answered ${result.command}: the transaction was rolled back`);
}

/** A plan cached for a statement whose result columns changed (a migration ran meanwhile): re-prepare. */
function isStalePlan(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  return e?.code === '0A000' && /cached plan must not change result type/i.test(e.message ?? '');
}

/**
 * The SqlClient on `pool` (the pool is the caller's to end). With `transactionPool`, transactions take their
 * connection from that pool instead, and single statements still run on `pool` (see database.ts: checkout
 * submits wait on row locks inside their transactions, so they get a small pool of their own).
 */
export function createSqlClient(pool: pg.Pool, opts: { transactionPool?: pg.Pool } = {}): SqlClient {
  const txPool = opts.transactionPool ?? pool;
  // Statement text -> prepared statement name. The flow has a few dozen distinct statements; pg keeps each
  // one prepared per connection. `generation` renames them all after a stale plan, so every connection
  // prepares them afresh (the old ones are freed with their connections).
  const names = new Map<string, string>();
  let generation = 0;
  function nameOf(text: string): string {
    let name = names.get(text);
    if (!name) {
      if (names.size >= 500) names.clear();
      name = `ll_${generation}_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  }

  async function run<T>(client: pg.Pool | pg.PoolClient, statement: Prisma.Sql): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    const config = { name: nameOf(statement.text), text: statement.text, values: statement.values.map(toParam), types: resultTypes };
    try {
      return await client.query<T & pg.QueryResultRow>(config);
    } catch (err) {
      if (!isStalePlan(err)) throw err;
      generation += 1;
      names.clear();
      // Outside a transaction the statement can simply run again; inside one, the transaction is aborted
      // and transaction() retries it whole.
      if (client !== pool) throw err;
      return client.query<T & pg.QueryResultRow>({ ...config, name: nameOf(statement.text) });
    }
  }

  function runner(client: pg.Pool | pg.PoolClient): SqlRunner {
    return {
      async query<T>(statement: Prisma.Sql) {
        return (await run<T>(client, statement)).rows;
      },
      async execute(statement: Prisma.Sql) {
        return (await run(client, statement)).rowCount ?? 0;
      },
    };
  }

  return {
    ...runner(pool),
    async transaction<T>(fn: (tx: TxRunner) => Promise<T>, opts: { retries?: number; timeoutMs?: number } = {}): Promise<T> {
      const retries = opts.retries ?? 5;
      const timeoutMs = Math.max(1, Math.floor(opts.timeoutMs ?? 15_000));
      // One round trip: BEGIN and the transaction-local timeout as one simple query.
      const begin = `BEGIN; SET LOCAL statement_timeout = ${timeoutMs}`;
      for (let attempt = 0; ; attempt++) {
        const client = await txPool.connect();
        let broken: Error | undefined;
        // Set once COMMIT is sent (here, or by queryThenCommit): from then on it cannot be retried.
        let committing = false;
        // The server ended the transaction (queryThenCommit's COMMIT was answered): nothing to roll back.
        let ended = false;
        // On a pipelining connection the transaction's first statement follows BEGIN without waiting for
        // its answer (one round trip less); BEGIN can then only fail with the connection, which fails that
        // statement too. Its outcome is still awaited before anything is committed.
        const pipelined = isPipelining(client);
        const began = client.query(begin).then(() => undefined);
        if (pipelined) began.catch(() => undefined);
        const tx: TxRunner = {
          ...runner(client),
          async queryThenCommit<R>(statement: Prisma.Sql): Promise<R[]> {
            if (committing) throw new Error('queryThenCommit: the transaction is already committing');
            if (!pipelined) {
              const rows = (await run<R>(client, statement)).rows;
              committing = true;
              await commit(client);
              return rows;
            }
            // Both on the wire now; the COMMIT's answer tells whether the statement's work was kept.
            committing = true;
            const [done, committed] = await Promise.allSettled([run<R>(client, statement), commit(client)]);
            ended = committed.status === 'fulfilled' || !isDatabaseUnavailable(committed.reason);
            await began;
            if (done.status === 'rejected') throw done.reason;
            if (committed.status === 'rejected') throw committed.reason;
            return done.value.rows;
          },
        };
        try {
          if (!pipelined) await began;
          const result = await fn(tx);
          await began;
          if (!committing) {
            committing = true;
            await commit(client);
          }
          return result;
        } catch (err) {
          // A connection that cannot even roll back is discarded, not returned to the pool.
          if (!ended) {
            await client.query('ROLLBACK').catch((e: unknown) => {
              broken = e instanceof Error ? e : new Error(String(e));
            });
          }
          if (isDatabaseUnavailable(err)) broken ??= err instanceof Error ? err : new Error(String(err));
          // A connection lost before COMMIT was sent took the whole transaction with it: safe to run again
          // on a fresh connection. Lost during COMMIT, the outcome is unknown: the caller must find out.
          // Once only: a database that is down stays down for longer than a request can wait.
          const lostBeforeCommit = !committing && attempt === 0 && isDatabaseUnavailable(err);
          if (lostBeforeCommit || (attempt < retries && (isRetryableTxError(err) || isStalePlan(err)))) {
            await retryPause(attempt);
            continue;
          }
          throw err;
        } finally {
          client.release(broken);
        }
      }
    },
  };
}
