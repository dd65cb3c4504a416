// services.exports: the bookkeeping CSVs (orders, payments, refunds, tax) for a date range in the shop's
// time zone, streamed. open() checks the request and returns the rows as an async iterable of CSV text;
// nothing is read until the caller pulls, and each pull reads one batch from a server-side cursor
// (DECLARE ... CURSOR in a REPEATABLE READ, READ ONLY transaction on its own pooled connection: one
// consistent snapshot, never the whole result in memory). The HTTP surfaces pipe it to the response with
// stream.pipeline, so a slow client slows the reads (backpressure) and a client that goes away ends the
// transaction and frees the connection. At most EXPORT_CONCURRENCY exports per process hold a connection, and
// one per shop in the whole deployment (EXPORT_CONCURRENCY_PER_SHOP).
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type { Db } from '../../platform/db/prisma.js';
import { AppError } from '../../platform/errors.js';
import { isCalendarDay } from '../../platform/zoned-time.js';
import { csvRow } from './csv.js';
import { EXPORT_KINDS, EXPORTS, type ExportKind } from './export-kinds.js';

export { EXPORT_KINDS, type ExportKind } from './export-kinds.js';

/** Rows per FETCH: large enough to amortise the round trip, small enough to keep memory flat. */
export const EXPORT_BATCH_ROWS = 500;
export const EXPORT_CONCURRENCY = 3;
/**
 * Exports one shop may have open at once, in the whole deployment. Without it one shop (an API key opening
 * three and reading slowly: a slot is held until the reader finishes, up to the 10-minute idle bound) refused
 * every other shop's. Counted in the process first (no connection taken), then across instances by a
 * transaction advisory lock on the shop (EXPORT_LOCK_CLASS, hashtext of its id), held by the export's
 * transaction: N instances no longer allow N exports of one shop at once.
 */
export const EXPORT_CONCURRENCY_PER_SHOP = 1;
/** The advisory lock class of "a shop's export is open" (pg_try_advisory_xact_lock(int, int); any constant). */
const EXPORT_LOCK_CLASS = 0x4c4c4558;

export interface ExportRequest {
  kind: string;
  from: string;
  to: string;
}

export interface OpenExport {
  filename: string;
  /** CSV text: the header, then one chunk per batch of rows. Ends the cursor's transaction when done. */
  chunks: AsyncIterable<string>;
  /** Ends the transaction and frees the connection; call it when the response ends, however it ends (idempotent). */
  close(): Promise<void>;
}

export interface ExportService {
  /**
   * Opens the cursor (so a bad request fails before any byte is sent). VALIDATION_FAILED (kind, dates),
   * NOT_FOUND (tenant), RATE_LIMITED (EXPORT_CONCURRENCY exports already running in the process, or this shop's
   * export already open in any instance).
   */
  open(tenantId: string, req: ExportRequest): Promise<OpenExport>;
}

export function createExportService(deps: { db: Db; pool: pg.Pool; batchRows?: number }): ExportService {
  let running = 0;
  const runningByShop = new Map<string, number>();
  const release = (tenantId: string) => {
    running -= 1;
    const left = (runningByShop.get(tenantId) ?? 1) - 1;
    if (left > 0) runningByShop.set(tenantId, left);
    else runningByShop.delete(tenantId);
  };
  const batch = deps.batchRows ?? EXPORT_BATCH_ROWS;

  return {
    async open(tenantId, req) {
      if (!(EXPORT_KINDS as readonly string[]).includes(req.kind)) {
        throw new AppError('VALIDATION_FAILED', `Unknown export kind "${req.kind}": use one of ${EXPORT_KINDS.join(', ')}.`, {
          fields: [{ path: 'kind', message: `one of ${EXPORT_KINDS.join(', ')}` }],
        });
      }
      const bad = (['from', 'to'] as const).filter((k) => !isCalendarDay(req[k]));
      if (bad.length) {
        throw new AppError('VALIDATION_FAILED', `Give the dates as YYYY-MM-DD (${bad.join(' and ')}).`, {
          fields: bad.map((path) => ({ path, message: 'a date, YYYY-MM-DD' })),
        });
      }
      if (req.from > req.to)
        throw new AppError('VALIDATION_FAILED', `The range starts (from ${req.from}) after it ends (to ${req.to}).`, {
          fields: [{ path: 'from', message: 'on or before "to"' }],
        });
      const tenant = await deps.db.tenant.findUnique({ where: { id: tenantId }, select: { id: true, timeZone: true } });
      if (!tenant) throw new AppError('NOT_FOUND', 'Shop not found.');
      const shopBusy = () =>
        new AppError('RATE_LIMITED', "This shop's other export is still being downloaded: try again when it has finished.", {
          retryAfterSeconds: 30,
        });
      if ((runningByShop.get(tenantId) ?? 0) >= EXPORT_CONCURRENCY_PER_SHOP) throw shopBusy();
      if (running >= EXPORT_CONCURRENCY)
        throw new AppError('RATE_LIMITED', 'Other exports are running: try again in a minute.', { retryAfterSeconds: 30 });
      running += 1;
      runningByShop.set(tenantId, (runningByShop.get(tenantId) ?? 0) + 1);
      const kind = req.kind as ExportKind;
      const def = EXPORTS[kind];
      let client: pg.PoolClient | undefined;
      try {
        client = await deps.pool.connect();
        // A slow reader may pause between batches longer than the pool's idle-in-transaction bound.
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL idle_in_transaction_session_timeout = '10min'");
        // The shop's slot across instances: held by this transaction, so it ends with it however it ends.
        const { rows } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_xact_lock($1::int, hashtext($2)) AS free', [
          EXPORT_LOCK_CLASS,
          tenantId,
        ]);
        if (!rows[0]?.free) throw shopBusy();
        const sql = def.query({ tenantId, timeZone: tenant.timeZone, from: req.from, to: req.to });
        await client.query({ text: `DECLARE ledgerline_export NO SCROLL CURSOR FOR ${sql.text}`, values: sql.values as unknown[] });
      } catch (err) {
        await client?.query('ROLLBACK').catch(() => undefined);
        client?.release();
        release(tenantId);
        throw err;
      }
      const conn = client;
      let closed = false;
      const close = async (commit: boolean) => {
        if (closed) return;
        closed = true;
        try {
          await conn.query(commit ? 'COMMIT' : 'ROLLBACK');
        } catch {
          // the connection broke: releasing it below discards it
        } finally {
          conn.release();
          release(tenantId);
        }
      };
      async function* chunks(): AsyncGenerator<string> {
        try {
          yield csvRow(def.header);
          for (;;) {
            const { rows } = await conn.query<Record<string, unknown>>(`FETCH ${batch} FROM ledgerline_export`);
            if (rows.length === 0) break;
            let chunk = '';
            for (const r of rows) chunk += csvRow(def.row(r));
            yield chunk;
          }
          await close(true);
        } finally {
          // The consumer stopped early (client went away) or a FETCH failed.
          await close(false);
        }
      }
      return { filename: `${kind}-${req.from}-to-${req.to}.csv`, chunks: chunks(), close: () => close(false) };
    },
  };
}

/**
 * Pipes an opened export into `out` (an HTTP response) with stream.pipeline: the next batch is read only
 * when `out` has drained (backpressure), and `out` closing early stops the reads. The export is closed
 * however it ends; a failure after the first byte is rethrown for the caller to log (the client sees a
 * cut response).
 */
export async function streamExport(exp: OpenExport, out: Writable): Promise<void> {
  try {
    await pipeline(Readable.from(exp.chunks, { objectMode: false }), out);
  } finally {
    await exp.close();
  }
}
