// Stops a benchmark's child processes and waits until they have exited, so that its scratch database is
// dropped only once nothing uses it. A fixed pause was not enough: the job worker finishes its running jobs
// before it exits (an admin-channel post may be waiting out Discord's per-channel limit), and when the
// database was dropped under it, it logged a screen of "terminating connection" warnings after the results.
import type { ChildProcess } from 'node:child_process';

/** SIGTERM to each child still running; SIGKILL to any not gone after `graceMs` (the service's own shutdown timeout is 10 s). */
export async function stopChildren(children: Array<ChildProcess | undefined>, graceMs = 15_000): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }),
  );
}
