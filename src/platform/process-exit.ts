// How a process ends when its shutdown cannot: a closed output, a stuck shutdown, a second stop signal.
//
// `npm start | head`, or a log collector that died: the process's stdout/stderr is a pipe nobody reads any more.
// A write to it then fails with EPIPE; on process.stdout with no 'error' listener that threw and crashed the
// process mid-way, and its supervised job worker child was left behind. `watchOutputClosed` turns it into one
// call, so the caller can stop in order (see start.ts).

/** Calls `onClosed` once, when a write to stdout or stderr fails (EPIPE: the reading end closed). */
export function watchOutputClosed(onClosed: (stream: 'stdout' | 'stderr', err: NodeJS.ErrnoException) => void): void {
  let called = false;
  for (const [name, stream] of [
    ['stdout', process.stdout],
    ['stderr', process.stderr],
  ] as const) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (called) return;
      called = true;
      onClosed(name, err);
    });
  }
}

/**
 * process.exit(code), and exit even when it cannot: an 'exit' listener that throws (a log stream's flush) made
 * process.exit throw instead of exiting, and the process lived on. Then SIGKILL, the one way left.
 */
export function exitNow(code: number): never {
  try {
    process.exit(code);
  } catch {
    process.kill(process.pid, 'SIGKILL');
  }
  // SIGKILL is delivered at once; this line only satisfies `never`.
  throw new Error('unreachable: the process was killed');
}
