// How far V8 lets a process's heap grow past what was live at its last full collection (HEAP_GROWING_PERCENT).
//
// V8 picks that factor itself, between 1.1 and 4, from how fast it collects against how fast the program
// allocates: under a burst of requests it allocates fast, so the heap may grow to four times its live size
// before the next full collection. In the interaction process that was garbage, not data (live ~30 MB,
// old space 95 MB at the peak; RSS back to ~130 MB once the burst passed), and it was what took the web
// process past 250 MB at 200 req/s (docs/perf/interactions.md, "The heap's growth"). A fixed factor of
// 1 + percent/100 keeps the peak near the live size at the cost of more frequent full collections, which V8
// does mostly concurrently and incrementally.
//
// Set in-process with v8.setFlagsFromString, once, at start-up, so every way of starting a process (npm start,
// start:prod, the worker child, npm run worker, the Docker image, the benchmarks) gets it from one place.
// V8 reads this flag each time it computes the heap's next limit (MemoryController::GrowingFactor in
// heap-controller.cc), so setting it after V8 has started takes effect at the next full collection.
import { setFlagsFromString } from 'node:v8';

/** The V8 flag for a growing percent, or undefined for 0 (V8's own dynamic factor). */
export function heapGrowthFlag(percent: number): string | undefined {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growing percent must be a whole number >= 0, not ${percent}`);
  return percent === 0 ? undefined : `--heap-growing-percent=${percent}`;
}

/** Applies HEAP_GROWING_PERCENT to this process (0 leaves V8's own behaviour). */
export function limitHeapGrowth(percent: number): void {
  const flag = heapGrowthFlag(percent);
  if (flag) setFlagsFromString(flag);
}
