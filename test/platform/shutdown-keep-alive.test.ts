// A SIGTERM while a request is in flight on a keep-alive connection (a load balancer's, which keeps its connections
// open between requests): the request is answered with `Connection: close`, so the balancer sends its next one to
// another instance, and the process ends as soon as that answer is out, with code 0. Before, the answer said
// `keep-alive` (this test's failure on the old code) and the stop waited until the connection's keep-alive timeout
// closed it: 6 s then; with the keep-alive timeout above a balancer's (HTTP_KEEP_ALIVE_TIMEOUT_MS, 10 minutes here),
// that wait would run past SHUTDOWN_TIMEOUT_MS (code 1).
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

describe('a stop while a keep-alive request is in flight', { timeout: 240_000 }, () => {
  it('answers it with Connection: close and exits with code 0 without waiting for the keep-alive timeout', async () => {
    const { child, exited, output, port } = await startServingMain(
      {
        DATABASE_URL: testDatabaseUrl(),
        // Far past SHUTDOWN_TIMEOUT_MS: a stop that waited for the connection's keep-alive timeout would exit with code 1.
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '600000',
        SHUTDOWN_TIMEOUT_MS: '120000',
      },
      children,
    );

    // A keep-alive request whose body is on its way: in flight until the rest of it comes.
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', (d: Buffer) => (received += d.toString()));
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const body = '{"not":"an order"}';
    socket.write(
      `POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n{`,
    );
    // Answered after the request above was read (same connection order on one event loop).
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    child.kill('SIGTERM');
    await waitFor('the shutdown to start', () => output().includes('shutting down'));
    socket.write(body.slice(1));
    await socketClosed; // closed by the service once its answer is out
    const head = received.split('\r\n\r\n')[0]!;
    expect(head).toMatch(/^HTTP\/1\.1 [1-5]\d\d /);
    expect(head.toLowerCase()).toContain('connection: close');
    expect(await exited).toBe(0);
    expect(output()).not.toContain('shutdown did not finish within SHUTDOWN_TIMEOUT_MS');
  });
});
