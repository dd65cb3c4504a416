// Lock probe for an upgrade rehearsal (docs/perf/upgrade-2026-12-05.md): while `prisma migrate deploy` (or the
// start command's runner) applies migrations to a big database, it asks what live traffic would ask and says how
// long each question waited.
//
//   node --import tsx scripts/upgrade-lock-probe.ts --url <database url> [--interval 100] [--threshold 200]
//
// Every --interval ms, on a connection of its own per question, for each big table: a read (the first row by
// primary key: an ACCESS SHARE lock, blocked only by ACCESS EXCLUSIVE) and a write (an UPDATE of one row's own
// value in a transaction rolled back: a ROW EXCLUSIVE lock and the row's lock, as an order's writer takes them).
// A question that took longer than --threshold ms is printed (start time, table, kind, milliseconds). Beside
// them, a sampler prints every change of the strong locks other sessions hold on those tables (pg_locks:
// SHARE and above) with the holder's statement. Stop it with Ctrl-C / SIGTERM: it prints, per question, the
// longest wait and the total time waited. Changes nothing (every write is rolled back).
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.DATABASE_URL },
    interval: { type: 'string', default: '100' },
    threshold: { type: 'string', default: '200' },
  },
});
if (!opts.url) {
  console.error('--url (or DATABASE_URL) is required');
  process.exit(1);
}
const INTERVAL_MS = Number(opts.interval);
const THRESHOLD_MS = Number(opts.threshold);
const APP = 'upgrade-lock-probe';

/** The big tables of a big shop, each with a column its write sets to itself (no trigger watches it). */
const TABLES: [table: string, column: string][] = [
  ['orders', 'updatedAt'],
  ['order_items', 'quantity'],
  ['payments', 'updatedAt'],
  ['payment_receipts', 'createdAt'],
  ['refunds', 'createdAt'],
  ['customers', 'updatedAt'],
];

const since = Date.now();
const stamp = () => new Date().toISOString().slice(11, 23);
const waits = new Map<string, { max: number; total: number; count: number }>();
let stopping = false;

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: opts.url, application_name: APP });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

async function question(name: string, run: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const c = await connect();
  while (!stopping) {
    const t0 = performance.now();
    const startedAt = stamp();
    try {
      await run(c);
    } catch (err) {
      console.log(`${startedAt} ${name} error: ${(err as Error).message}`);
      await c.query('ROLLBACK').catch(() => undefined);
    }
    const ms = performance.now() - t0;
    if (ms > THRESHOLD_MS) {
      console.log(`${startedAt} ${name} waited ${Math.round(ms)} ms`);
      const w = waits.get(name) ?? { max: 0, total: 0, count: 0 };
      waits.set(name, { max: Math.max(w.max, ms), total: w.total + ms, count: w.count + 1 });
    }
    await new Promise((r) => setTimeout(r, Math.max(0, INTERVAL_MS - ms)));
  }
  await c.end();
}

/** Prints each change of the SHARE-or-stronger table locks other sessions hold (or wait for) on the big tables. */
async function sampler(): Promise<void> {
  const c = await connect();
  let last = '';
  while (!stopping) {
    const { rows } = await c.query<{ line: string }>(
      `SELECT format('%s %s %s by pid %s: %s', t.relname, l.mode, CASE WHEN l.granted THEN 'held' ELSE 'waited for' END, l.pid,
                     left(regexp_replace(a.query, '\\s+', ' ', 'g'), 90)) AS line
       FROM pg_locks l JOIN pg_class t ON t.oid = l.relation JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'relation' AND t.relname = ANY($1) AND a.application_name <> $2
         AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock')
       ORDER BY 1`,
      [TABLES.map(([t]) => t), APP],
    );
    const now = rows.map((r) => r.line).join('\n');
    if (now !== last) {
      console.log(`${stamp()} locks: ${now ? `\n  ${now.replaceAll('\n', '\n  ')}` : 'none strong'}`);
      last = now;
    }
    await new Promise((r) => setTimeout(r, INTERVAL_MS));
  }
  await c.end();
}

async function main(): Promise<void> {
  const c = await connect();
  const ids = new Map<string, string>();
  for (const [table] of TABLES) {
    const { rows } = await c.query<{ id: string }>(`SELECT id FROM "${table}" ORDER BY id DESC LIMIT 1`);
    if (rows[0]) ids.set(table, rows[0].id);
  }
  await c.end();
  const loops: Promise<void>[] = [sampler()];
  for (const [table, column] of TABLES) {
    const id = ids.get(table);
    if (!id) continue;
    loops.push(question(`${table} read`, (q) => q.query(`SELECT id FROM "${table}" ORDER BY id LIMIT 1`)));
    loops.push(
      question(`${table} write`, async (q) => {
        await q.query('BEGIN');
        await q.query(`UPDATE "${table}" SET "${column}" = "${column}" WHERE id = $1`, [id]);
        await q.query('ROLLBACK');
      }),
    );
  }
  console.log(`${stamp()} probing ${ids.size} tables every ${INTERVAL_MS} ms; waits over ${THRESHOLD_MS} ms are printed`);
  const stop = () => {
    stopping = true;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await Promise.all(loops);
  console.log(`summary after ${Math.round((Date.now() - since) / 1000)} s (waits over ${THRESHOLD_MS} ms):`);
  for (const [name, w] of [...waits].sort()) {
    console.log(`  ${name}: ${w.count} waits, longest ${Math.round(w.max)} ms, ${Math.round(w.total)} ms in all`);
  }
  if (waits.size === 0) console.log('  none');
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`probe failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
