// The HTTP server's connections, on real sockets: an idle keep-alive connection outlives Node's default (5 s, and
// 1 s of grace, on Node 20 and 24), so a load balancer's pooled connection is not closed under it; a stop during a
// request ends once the request is answered, not a keep-alive timeout later, and cuts no answer: pipelined requests
// are all answered, and a big answer to a slow reader arrives whole.
import { createServer, request, Agent, type IncomingMessage, type RequestListener } from 'node:http';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { serveHttp, type HttpServer } from './http-server.js';

const ok: RequestListener = (_req, res) => res.end('ok');
const opened: { close(): unknown }[] = [];
// Last opened first: the connections go before the servers, whose close waits for them.
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
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

/** Served on a free port with a keep-alive timeout far past a test's own: a stop that waited for it fails the test. */
async function serveLongKeepAlive(handler: RequestListener): Promise<HttpServer> {
  const served = await serveHttp(handler, { port: 0, host: '127.0.0.1', keepAliveTimeoutMs: 600_000, onError: () => undefined });
  opened.push(served);
  return served;
}

/**
 * A server whose handler holds every request until `release()`, then answers it with `answer(req)`; `arrived(n)`
 * resolves once `n` requests have reached the handler.
 */
async function holdingServer(answer: (req: IncomingMessage) => string | Buffer) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let reached = 0;
  const served = await serveLongKeepAlive((req, res) => {
    reached++;
    void released.then(() => res.end(answer(req)));
  });
  return {
    served,
    port: portOf(served.server),
    release,
    async arrived(n: number) {
      while (reached < n) await sleep(10);
    },
  };
}

/** A raw connection that keeps what it receives; `closed` resolves when it closes. */
function recordingConnection(port: number) {
  const socket = connect(port, '127.0.0.1');
  opened.push({ close: () => socket.destroy() });
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  return { socket, received: () => received, closed: once(socket, 'close') };
}

/** The answers received on one connection, each from after its `HTTP/1.1 `. */
const answersIn = (received: string) => received.split('HTTP/1.1 ').slice(1);

describe('the HTTP server', () => {
  it('keeps an idle keep-alive connection open past Node’s default (5 s, and 1 s of grace)', { timeout: 60_000 }, async () => {
    // HTTP_KEEP_ALIVE_TIMEOUT_MS's default (src/config/env.test.ts).
    const ours = await serveHttp(ok, { port: 0, host: '127.0.0.1', keepAliveTimeoutMs: 65_000, onError: () => undefined });
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
      const held = await holdingServer(() => 'ok');
      const agent = new Agent({ keepAlive: true });
      opened.push({ close: () => agent.destroy() });
      const response = new Promise<IncomingMessage>((resolve, reject) =>
        request({ port: held.port, host: '127.0.0.1', agent }, resolve).on('error', reject).end(),
      );
      await held.arrived(1); // the stop begins while the request is in flight
      const stopped = held.served.close();
      held.release();
      const res = await response;
      res.resume();
      await once(res, 'end');
      expect(res.statusCode).toBe(200);
      expect(res.headers.connection).toBe('close');
      await stopped;
      expect(await new Promise<number>((r) => held.served.server.getConnections((_e, n) => r(n)))).toBe(0);
    },
  );

  it('a stop while two pipelined requests of one connection are in flight answers both', { timeout: 60_000 }, async () => {
    const held = await holdingServer((req) => req.url!);
    const connection = recordingConnection(held.port);
    connection.socket.write('GET /first HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /second HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await held.arrived(2); // both requests are in the handler before the stop
    const stopped = held.served.close();
    held.release();
    await stopped;
    await connection.closed;
    const answers = answersIn(connection.received());
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/\/first$/);
    expect(answers[1]).toMatch(/\/second$/);
    // The first keeps the connection for the second; the last one says it is closing.
    expect(answers[0]!.toLowerCase()).toContain('connection: keep-alive');
    expect(answers[1]!.toLowerCase()).toContain('connection: close');
  });

  it(
    'a big answer to a slow reader, ended during the stop, arrives whole while another connection’s answer ends',
    { timeout: 60_000 },
    async () => {
      const size = 32 * 1024 * 1024; // far more than the socket buffers hold: most of it waits for the reader
      const held = await holdingServer((req) => (req.url === '/big' ? Buffer.alloc(size, 97) : 'ok'));
      const port = held.port;
      const slow = connect(port, '127.0.0.1');
      opened.push({ close: () => slow.destroy() });
      let bytes = 0;
      slow.on('data', (d: Buffer) => (bytes += d.length));
      const slowClosed = once(slow, 'close');
      slow.write('GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      slow.pause(); // reads nothing until the other answer is out
      const other = await rawConnection(port);
      const otherAnswer = other.get();
      await held.arrived(2);
      const stopped = held.served.close();
      held.release();
      expect(await otherAnswer).toBe('HTTP/1.1 200 OK');
      slow.resume();
      await slowClosed;
      await stopped;
      expect(bytes).toBeGreaterThan(size); // the whole body and its head
    },
  );

  it(
    'a stop during a streamed answer (begun before it, as keep-alive) closes the connection once the answer ends',
    { timeout: 60_000 },
    async () => {
      let finish!: () => void;
      const finished = new Promise<void>((r) => (finish = r));
      let begun!: () => void;
      const hasBegun = new Promise<void>((r) => (begun = r));
      const stream: RequestListener = (_req, res) => {
        res.write('part one;');
        begun();
        void finished.then(() => res.end('part two'));
      };
      const served = await serveLongKeepAlive(stream);
      const connection = recordingConnection(portOf(served.server));
      connection.socket.write('GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await hasBegun;
      const stopped = served.close();
      finish();
      await connection.closed;
      await stopped;
      const received = connection.received();
      expect(received.toLowerCase()).toContain('connection: keep-alive'); // its head went out before the stop
      expect(received).toContain('part one;');
      expect(received).toContain('part two');
    },
  );

  it(
    'a request sent after the stop on a connection whose answer has not begun is answered too, the last saying close',
    { timeout: 60_000 },
    async () => {
      const held = await holdingServer((req) => req.url!);
      const connection = recordingConnection(held.port);
      connection.socket.write('GET /before HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await held.arrived(1);
      const stopped = held.served.close(); // /before is marked to close the connection
      connection.socket.write('GET /after HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'); // sent before the client could see it
      await held.arrived(2);
      held.release();
      await connection.closed;
      await stopped;
      const answers = answersIn(connection.received());
      expect(answers).toHaveLength(2);
      expect(answers[0]).toMatch(/\/before$/);
      expect(answers[0]!.toLowerCase()).toContain('connection: keep-alive'); // the mark moved to the request after it
      expect(answers[1]).toMatch(/\/after$/);
      expect(answers[1]!.toLowerCase()).toContain('connection: close');
    },
  );
});
