// The one polling loop the tests use to wait for something that happens in the background (a job, a
// webhook, a DM). Its timeout is a budget for something that hangs, not a speed check: on a two-core machine
// with both cores busy, work takes several times longer than on an idle one, so the default is generous.
// A test that waits for something that never happens fails with what it waited for and the last value seen.
import { inspect } from 'node:util';

/** How long `waitFor` polls by default before giving up. */
export const WAIT_TIMEOUT_MS = 45_000;

export interface WaitOptions {
  /** Give up after this long (default `WAIT_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Pause between two probes (default 50 ms). */
  intervalMs?: number;
}

type Falsy = undefined | null | false | 0 | '';

/**
 * Calls `probe` until it returns a truthy value, and returns that value. Throws after `timeoutMs`, naming
 * `what` (a string, or a function called then, for a description that shows the state at that moment) and
 * the last value the probe returned. An error thrown by the probe ends the wait at once.
 */
export async function waitFor<T>(
  what: string | (() => string),
  probe: () => Promise<T | Falsy> | T | Falsy,
  { timeoutMs = WAIT_TIMEOUT_MS, intervalMs = 50 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await probe();
    if (last) return last;
    if (Date.now() >= deadline) {
      const description = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}; last value seen: ${inspect(last, { depth: 4 })}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
