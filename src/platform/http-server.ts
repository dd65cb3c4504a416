// The service's HTTP server: how long an idle connection is kept, and how a stop closes every connection.
//
// Keep-alive: a load balancer (nginx's `keepalive` upstreams, AWS's ALB) keeps idle connections to each instance
// and sends later requests on them, for up to its own idle timeout (60 s for both by default). The side that closes
// an idle connection first must be the balancer: Node's default (5 s, and 1 s of grace on top, on Node 20 and 24)
// closed it first, and a request the balancer sends on it at that moment fails as a 502 with nothing in our logs;
// nginx does not pass a POST it has sent to another instance, so a Discord interaction could fail that way ("This
// interaction failed"). HTTP_KEEP_ALIVE_TIMEOUT_MS (65 s by default) is set above the balancer's. headersTimeout
// stays Node's: since Node 18 it need not exceed the keep-alive timeout, and a longer one only widens the window
// of a client that sends its headers slowly.
//
// Stopping: server.close() closes the connections that are idle at that moment, but a connection whose request
// is in flight stayed open after its answer until the keep-alive timeout ended it (measured on Node 20 and 24: a
// stop during a request waited the whole timeout, 6 s with Node's default and 66 s with ours, past
// SHUTDOWN_TIMEOUT_MS). While closing, a connection's last answer in flight says `Connection: close` when it has
// not begun yet (Node then closes the connection once that answer is out), and a connection whose answer had
// already begun (a stream, which went out as keep-alive) is closed once it is out. Only the last answer of a
// connection is marked, and the mark moves to a request that arrives after it: requests sent one after another on a
// connection (pipelined) are all answered, unless the last marked answer had begun when the next one came. A
// connection is closed only after what was written to it is sent (destroySoon), so an answer on its way to a slow
// reader is not cut. Not handled here: a client that stops sending in the middle of its request holds the stop until
// SHUTDOWN_TIMEOUT_MS; an answer that had ended but was still being sent when the stop began is cut by
// server.close() itself (Node's closeIdleConnections), as before; and a request sent on a connection as it closes
// (idle at the stop, or after a streamed answer) gets no answer, which the client must send again.
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpServer {
  readonly server: Server;
  /**
   * Stops taking connections; resolves once every connection has closed, so after the requests in flight are
   * answered (but for a client that went away, whose handler may still be running).
   */
  close(): Promise<void>;
}

export interface HttpServerOptions {
  port: number;
  host: string;
  /** How long an idle keep-alive connection is kept open (HTTP_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /** An error the listening server reports later (an accept that failed, EMFILE): logged, the server goes on. */
  onError: (err: Error) => void;
}

/** Listens on `port` and `host`; rejects with the listen error (EADDRINUSE, EACCES...) as Node gives it. */
export function serveHttp(handler: RequestListener, opts: HttpServerOptions): Promise<HttpServer> {
  const server = createServer(handler);
  server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  let closing = false;
  /** Each connection's latest request still being answered (a pipelined request follows the one before it). */
  const lastInFlight = new Map<Socket, ServerResponse>();
  /** The connections whose close removes their entry above (once each: a keep-alive connection serves many requests). */
  const watched = new WeakSet<Socket>();
  /** The answers this stop turned from keep-alive to `Connection: close` (an HTTP/1.0 one may have been so already). */
  const marked = new WeakSet<ServerResponse>();
  const markClosing = (res: ServerResponse) => {
    if (res.headersSent || !res.shouldKeepAlive) return;
    res.shouldKeepAlive = false;
    marked.add(res);
  };
  // Before the app's handler, which may answer in the same turn: a request that arrives while closing is marked first.
  server.prependListener('request', (req, res: ServerResponse) => {
    const socket = req.socket;
    if (!watched.has(socket)) {
      watched.add(socket);
      // Node 20 fires no 'close' on a pipelined response still queued when its connection dies: without this, the
      // entry (and the socket) was kept for good, one per such connection (seen in review: 199 of 199 held after GC).
      socket.once('close', () => lastInFlight.delete(socket));
    }
    if (closing) {
      // The mark moves to the connection's new last answer: the one before it, not begun, keeps the connection for it.
      const before = lastInFlight.get(socket);
      if (before && marked.has(before) && !before.headersSent) {
        before.shouldKeepAlive = true;
        marked.delete(before);
      }
      markClosing(res);
    }
    lastInFlight.set(socket, res);
    res.once('close', () => {
      if (lastInFlight.get(socket) !== res) return; // a later request on this connection is still to be answered
      lastInFlight.delete(socket);
      // Sends what is still buffered, then the FIN; destroyed once written (as Node does for `Connection: close`).
      if (closing && !socket.destroyed) socket.destroySoon();
    });
  });
  const handle: HttpServer = {
    server,
    close() {
      closing = true;
      for (const res of lastInFlight.values()) markClosing(res);
      // Node 19+: close() also closes the connections that are idle now.
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      server.on('error', opts.onError);
      resolve(handle);
    });
  });
}
