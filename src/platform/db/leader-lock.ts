// Leader election with a PostgreSQL session advisory lock: exactly one process holds the lock, so exactly
// one runs the led work (the Discord gateway connection). The lock lives as long as its connection: a
// process that dies or loses its database connection loses it at once, and the others, trying every
// `pollMs`, take over within one poll. The holder checks its connection every `pollMs` as well, so a
// half-dead connection stops the led work instead of leaving two leaders. A process that lost the lock sits
// out a few polls before trying again, so a standby (not the process whose connection just failed) wins.
// Every step on the lock's connection is bounded by `timeoutMs` on the client's side (connect, the lock attempt,
// the holder's check, closing it): a database that stops answering ends the step with an error, and the holder
// stops the led work, instead of the step waiting forever (2026-12-07). A lock attempt that fails closes its
// connection (it was left open, one more every poll). Not bounded here: when the network to the database goes
// silent (no reset), ending the connection closes our side only; the server keeps the session, and the lock, until
// its TCP keepalive gives up (PostgreSQL's tcp_keepalives_* settings; the kernel's default is about two hours), and
// only then can a standby win. An operator who needs a faster take-over sets those on the server (operating.md).
import pg from 'pg';
import type { Logger } from '../logger.js';

export interface LeaderHandle {
  /** True while this process holds the lock and its work runs. */
  readonly leading: boolean;
  /** Lock attempts made so far (for tests and diagnostics). */
  readonly attempts: number;
  /** Stops trying, stops the led work and releases the lock. */
  stop(): Promise<void>;
}

export interface LeaderOptions {
  connectionString: string;
  /** The lock's key (pg_try_advisory_lock(bigint)); one per kind of led work. */
  lockKey: bigint;
  pollMs: number;
  /** How long a step on the lock's connection may take (default: `pollMs`, at least 5 s). */
  timeoutMs?: number;
  logger: Logger;
  /** Starts the work when the lock is won; returns how to stop it. */
  lead(): Promise<() => Promise<void>>;
}

/** Ends `c` (which releases its session's locks); a connection that does not close within `ms` is destroyed. */
async function endWithin(c: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([
    c.end().then(
      () => 'ended' as const,
      () => 'ended' as const,
    ),
    late,
  ]);
  clearTimeout(timer);
  if (outcome === 'late') c.connection.stream.destroy();
}

export function runWhileLeader(opts: LeaderOptions): LeaderHandle {
  const timeoutMs = opts.timeoutMs ?? Math.max(opts.pollMs, 5_000);
  let stopped = false;
  let client: pg.Client | undefined;
  let stopWork: (() => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<void> = Promise.resolve();
  let attempts = 0;
  /** Ticks to sit out after losing the lock: a process whose connection just failed lets a standby win. */
  let sitOut = 0;
  const SIT_OUT_TICKS = 5;

  const resign = async (why: string) => {
    if (stopWork) sitOut = SIT_OUT_TICKS;
    const work = stopWork;
    stopWork = undefined;
    const c = client;
    client = undefined;
    if (work) {
      opts.logger.info({ why }, 'leader: stopping the led work');
      await work().catch((err: unknown) => opts.logger.warn({ err }, 'leader: stopping the led work failed'));
    }
    // Ending the session releases the advisory lock.
    if (c) await endWithin(c, timeoutMs);
  };

  const tick = async () => {
    if (stopped) return;
    let c: pg.Client | undefined;
    try {
      if (client && stopWork) {
        await client.query('SELECT 1'); // still connected, so still holding the lock
        return;
      }
      if (sitOut > 0) {
        sitOut -= 1;
        return;
      }
      c = new pg.Client({ connectionString: opts.connectionString, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
      const attempt = c;
      // A lost connection must not crash the process; the next tick sees it and resigns.
      c.on('error', (err) => {
        opts.logger.warn({ err }, 'leader: lock connection lost');
        if (client === attempt) busy = busy.then(() => resign('lock connection lost'));
      });
      await c.connect();
      attempts += 1;
      const { rows } = await c.query<{ won: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS won', [opts.lockKey.toString()]);
      if (!rows[0]?.won || stopped) {
        await endWithin(c, timeoutMs);
        return;
      }
      client = c;
      opts.logger.info('leader: lock won; starting the led work');
      stopWork = await opts.lead();
    } catch (err) {
      opts.logger.warn({ err }, 'leader: tick failed; resigning if leading');
      // A lock attempt that failed (connecting, or the lock query) closes its own connection; the holder's is
      // closed by resign.
      if (c && c !== client) await endWithin(c, timeoutMs);
      await resign('tick failed');
    }
  };

  const loop = () => {
    busy = busy.then(tick);
    void busy.finally(() => {
      if (!stopped) timer = setTimeout(loop, opts.pollMs);
    });
  };
  loop();

  return {
    get leading() {
      return !!stopWork;
    },
    get attempts() {
      return attempts;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await busy;
      await resign('stopped');
    },
  };
}
