// The cap per flag on one runner (platform/jobs/flag-cap.ts), driven by graphile-worker's own events in the order
// its workers emit them (dist/worker.js: ask for the forbidden flags, fetch, then job:start or getJob:empty or
// getJob:error; job:complete when a job ends, worker:fatalError when a slot dies recording it). The cap at work on
// a real runner is test/scale/webhook-runner.test.ts.
import { EventEmitter } from 'node:events';
import type { WorkerEvents } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { capRunningPerFlag } from '../../src/platform/jobs/flag-cap.js';

function runner() {
  const events = new EventEmitter() as WorkerEvents;
  const forbidden = capRunningPerFlag(events, { prefix: 'endpoint:', max: 2 });
  const emit = (name: string, payload: object) => (events as unknown as EventEmitter).emit(name, payload);
  const worker = (workerId: string) => ({ workerId });
  return {
    forbidden,
    start: (workerId: string, flags: string[] | null) =>
      emit('job:start', { worker: worker(workerId), job: { flags: flags && Object.fromEntries(flags.map((f) => [f, true])) } }),
    empty: (workerId: string) => emit('worker:getJob:empty', { worker: worker(workerId) }),
    fetchFailed: (workerId: string) => emit('worker:getJob:error', { worker: worker(workerId), error: new Error('connection lost') }),
    complete: (workerId: string) => emit('job:complete', { worker: worker(workerId), job: {} }),
    died: (workerId: string) => emit('worker:fatalError', { worker: worker(workerId), error: new Error('seppuku') }),
  };
}

/** Whether the promise has settled after the pending callbacks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('capRunningPerFlag', () => {
  it('forbids a flag once `max` of its jobs run, and frees it when one ends', async () => {
    const r = runner();
    expect(await r.forbidden()).toEqual([]);
    r.start('w1', ['endpoint:a']);
    expect(await r.forbidden()).toEqual([]);
    r.start('w2', ['endpoint:a', 'other']);
    expect(await r.forbidden()).toEqual(['endpoint:a']);
    r.start('w3', ['endpoint:b']);
    expect(await r.forbidden()).toEqual(['endpoint:a']);
    r.start('w4', null); // a job without a capped flag counts for nothing
    r.complete('w1');
    expect(await r.forbidden()).toEqual([]);
    r.empty('w5');
  });

  it('takes fetches one at a time: a second ask waits until the first fetch came back, and sees what it took', async () => {
    const r = runner();
    r.start('w0', ['endpoint:a']);
    expect(await r.forbidden()).toEqual([]); // w1 asks ...
    const second = r.forbidden(); // ... and w2, before w1's fetch came back
    expect(await settled(second)).toBe(false);
    r.start('w1', ['endpoint:a']); // w1 took a's second job
    expect(await second).toEqual(['endpoint:a']);
    const third = r.forbidden();
    expect(await settled(third)).toBe(false);
    r.empty('w2'); // w2 found nothing else
    expect(await third).toEqual(['endpoint:a']);
    const fourth = r.forbidden();
    r.fetchFailed('w3'); // a fetch that failed gives the turn on too
    expect(await fourth).toEqual(['endpoint:a']);
  });

  it('forgets the job of a slot that died recording it', async () => {
    const r = runner();
    await r.forbidden();
    r.start('w1', ['endpoint:a']);
    await r.forbidden();
    r.start('w2', ['endpoint:a']);
    expect(await r.forbidden()).toEqual(['endpoint:a']);
    r.died('w2');
    r.empty('w3');
    expect(await r.forbidden()).toEqual([]);
  });
});
