// A process that only runs background jobs (WORKER_NICE) or only serves the admin panel (ADMIN_NICE) yields
// the CPU to one that answers Discord interactions (docs/decisions/process-roles.md). Raising one's own nice
// value needs no privilege; lowering it back does, so this is done once, at start-up, and never undone.
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import type { Logger } from './logger.js';

/** This process's threads (Linux: each has its own nice value), or [0] (the calling one) elsewhere. */
function threadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [0];
  }
}

/**
 * Adds `by` to this process's nice value: on Linux a per-thread attribute, so every thread that exists now is
 * set (the JavaScript thread, V8's GC helpers, libuv's pool) and the ones started later inherit it.
 */
export function lowerCpuPriority(by: number, logger: Logger, what: 'job worker' | 'admin panel'): void {
  const target = Math.min(19, getPriority() + by);
  try {
    for (const tid of threadIds()) setPriority(tid, target);
    logger.info({ nice: target }, `${what} CPU priority lowered`);
  } catch (err) {
    // A sandbox may refuse it (seccomp, a container without the call): the process still runs, at equal priority.
    logger.warn({ err, nice: target }, `could not lower the ${what} CPU priority`);
  }
}
