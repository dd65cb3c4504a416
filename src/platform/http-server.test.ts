// The HTTP server's connections, on real sockets: an idle keep-alive connection outlives Node's 5 s default (a load
// balancer's pooled connection is not closed under it), and a stop during a request ends once the request is
// answered, not a keep-alive timeout later.
import { createServer, request, Agent, type IncomingMessage, type RequestListener } from 'node:http';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../config/env.js';
import { serveHttp, type HttpServer } from './http-server.js';

const ok: RequestListener = (_req, res) => res.end('ok');
const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) await o.close();
});

/** One raw connection; `get` sends a GET on it and resolves with the answer's status line, or 'closed'. */
async function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  opened.push({ close: () => socket.destroy() });
  return {
    isClosed: () => closed,
    async get(): Promise<string> {
      received = '';
      if (closed) return 'closed';
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      while (!/\r\n\r\nok$/.test(received) && !closed) await sleep(10);
      return closed && !received ? 'closed' : received.split('\r\n')[0]!;
    },
  };
}

function portOf(server: import('node:http').Server): number {
  return (server.address() as import('node:net').AddressInfo).port;
}

describe('the HTTP server', () => {
  it('keeps an idle keep-alive connection open past Node’s default (5 s, and 1 s more on Node 24)', { timeout: 60_000 }, async () => {
    const env = loadEnv({});
    expect(env.HTTP_KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    const ours = await serveHttp(ok, {
      port: 0,
      host: '127.0.0.1',
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      onError: () => undefined,
    });
    opened.push(ours);
    // The control: Node's own server, as the service listened before; it closes the same idle connection.
    const plain = createServer(ok).listen(0, '127.0.0.1');
    await once(plain, 'listening');
    opened.push({ close: () => new Promise((r) => plain.close(r)) });

    const kept = await rawConnection(portOf(ours.server));
    const dropped = await rawConnection(portOf(plain));
    expect(await kept.get()).toBe('HTTP/1.1 200 OK');
    expect(await dropped.get()).toBe('HTTP/1.1 200 OK');
    // Idle past Node's default, as a balancer's pooled connection between two requests.
    await sleep(8_000);
    expect(dropped.isClosed()).toBe(true);
    expect(kept.isClosed()).toBe(false);
    expect(await kept.get()).toBe('HTTP/1.1 200 OK');
  });

  it(
    'a stop during a request answers it, then closes its connection at once (not a keep-alive timeout later)',
    { timeout: 60_000 },
    async () => {
      let answer!: () => void;
      let reached!: () => void;
      const answered = new Promise<void>((r) => (answer = r));
      const inHandler = new Promise<void>((r) => (reached = r));
      const slow: RequestListener = (_req, res) => {
        reached();
        void answered.then(() => res.end('ok'));
      };
      // A keep-alive timeout far past this test's own: a stop that waited for it would fail the test.
      const served: HttpServer = await serveHttp(slow, {
        port: 0,
        host: '127.0.0.1',
        keepAliveTimeoutMs: 600_000,
        onError: () => undefined,
      });
      const agent = new Agent({ keepAlive: true });
      opened.push({ close: () => agent.destroy() });
      const response = new Promise<IncomingMessage>((resolve, reject) =>
        request({ port: portOf(served.server), host: '127.0.0.1', agent }, resolve)
          .on('error', reject)
          .end(),
      );
      await inHandler; // the stop begins while the request is in flight
      const stopped = served.close();
      answer();
      const res = await response;
      res.resume();
      await once(res, 'end');
      expect(res.statusCode).toBe(200);
      expect(res.headers.connection).toBe('close');
      await stopped;
      expect(await new Promise<number>((r) => served.server.getConnections((_e, n) => r(n)))).toBe(0);
    },
  );
});
