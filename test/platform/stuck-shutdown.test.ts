// A shutdown that cannot finish (here: a request whose body never comes, so the server never closes) must still
// end the process: past SHUTDOWN_TIMEOUT_MS it exits with code 1 and logs what it waited on, and a second SIGTERM
// exits at once. Before, the bound only closed the HTTP connections, and a second signal was ignored.
import type { ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/db.js';
import { startServingMain } from '../helpers/main-process.js';
import { waitFor } from '../helpers/wait-for.js';

const children: ChildProcess[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const s of sockets.splice(0)) s.destroy();
});

/** Starts src/main.ts (web only) and leaves one request in flight; its output so far, read on. */
async function startWithRequestInFlight(env: Record<string, string>) {
  const { child, exited, output, port } = await startServingMain({ DATABASE_URL: testDatabaseUrl(), ...env }, children);
  // A request whose body never comes: the server cannot close while it is in flight.
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  socket.write('POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
  // Answered after the request above was read (same connection order on one event loop).
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  return { child, exited, output };
}

describe('a shutdown that cannot finish', { timeout: 180_000 }, () => {
  it('exits with code 1 past SHUTDOWN_TIMEOUT_MS, naming what it waited on', async () => {
    const svc = await startWithRequestInFlight({ SHUTDOWN_TIMEOUT_MS: '10000' });
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toBe(1);
    expect(svc.output()).toContain('exiting while waiting on the HTTP requests in flight');
  });

  it('exits at once with code 1 on a second SIGTERM', async () => {
    const svc = await startWithRequestInFlight({ SHUTDOWN_TIMEOUT_MS: '120000' });
    svc.child.kill('SIGTERM');
    await waitFor('the shutdown to start', () => svc.output().includes('shutting down'));
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toBe(1);
    expect(svc.output()).toContain('second stop signal while shutting down; exiting now');
  });
});
