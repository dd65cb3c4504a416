// A cap on how many jobs that share a flag one job runner runs at once (graphile-worker's `forbiddenFlags`).
// A job added with a flag that starts with the cap's prefix (`webhook-endpoint:<id>`) counts against that flag
// while a slot of the runner runs it; once `max` run, the runner's slots fetch past the flag's other jobs, which
// stay where they are (their attempts, schedule and order untouched) until one of the running ones ends.
//
// graphile-worker asks for the forbidden flags before each slot's fetch and learns what was fetched only when
// the fetch returns. Slots fetch at once when jobs arrive together (each is nudged by the same notification),
// so on their own all of them would see the flag under its cap and take its jobs. The fetches are therefore
// taken one at a time: a slot's fetch holds the turn from the moment it asks for the forbidden flags until it
// comes back (`job:start`, `worker:getJob:empty` or `worker:getJob:error`: exactly one of them follows every
// ask), so each fetch sees what the one before it took. A fetch is one indexed query, so one at a time costs a
// few milliseconds where jobs arrive at once, and nothing otherwise.
//
// The count is the runner's own (in this process): with several worker instances a flag's jobs run at most
// `max` at once on each.
import type { WorkerEvents } from 'graphile-worker';

export interface FlagCap {
  /** The flags it caps: each flag that starts with this, separately. */
  prefix: string;
  /** How many jobs with one such flag a runner runs at once. */
  max: number;
}

/** The runner's `forbiddenFlags` for `cap`, kept by the runner's `events`. */
export function capRunningPerFlag(events: WorkerEvents, cap: FlagCap): () => Promise<string[]> {
  /** The capped flag of the job each slot runs (by graphile-worker's worker id). */
  const running = new Map<string, string>();
  let fetching = false;
  const waiting: (() => void)[] = [];

  const nextFetch = () => {
    const next = waiting.shift();
    if (next) next();
    else fetching = false;
  };
  const forget = (workerId: string) => running.delete(workerId);

  events.on('job:start', ({ worker, job }) => {
    const flag = Object.keys(job.flags ?? {}).find((f) => f.startsWith(cap.prefix));
    if (flag) running.set(worker.workerId, flag);
    nextFetch();
  });
  events.on('worker:getJob:empty', nextFetch);
  events.on('worker:getJob:error', nextFetch);
  events.on('job:complete', ({ worker }) => forget(worker.workerId));
  // A slot that could not record its job's outcome ends without `job:complete` (graphile-worker's "seppuku").
  events.on('worker:fatalError', ({ worker }) => forget(worker.workerId));

  return async () => {
    if (fetching) await new Promise<void>((resolve) => waiting.push(resolve));
    fetching = true;
    const counts = new Map<string, number>();
    for (const flag of running.values()) counts.set(flag, (counts.get(flag) ?? 0) + 1);
    return [...counts].filter(([, n]) => n >= cap.max).map(([flag]) => flag);
  };
}
