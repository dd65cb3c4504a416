// The service's HTTP server: how long an idle connection is kept, and how a stop closes every connection.
//
// Keep-alive: a load balancer (nginx's `keepalive` upstreams, AWS's ALB) keeps idle connections to each instance
// and sends later requests on them, for up to its own idle timeout (60 s for both by default). The side that closes
// an idle connection first must be the balancer: Node's default (5 s) closed it first, and a request the balancer
// sent on it at that moment failed as a 502 with nothing in our logs; nginx does not retry a POST elsewhere, so a
// Discord interaction failed that way ("This interaction failed"). HTTP_KEEP_ALIVE_TIMEOUT_MS (65 s by default)
// is set above the balancer's. headersTimeout stays Node's: since Node 18 it need not exceed the keep-alive
// timeout, and a longer one only widens the window of a client that sends its headers slowly.
//
// Stopping: server.close() closes the idle connections, but a connection whose request is in flight stays open
// after its answer, until the keep-alive timeout ends it (measured on Node 20 and 24: a stop during a request
// waited the whole timeout, 5 s with Node's default and 65 s with ours, past SHUTDOWN_TIMEOUT_MS). While closing,
// each answered request's connection is closed as soon as it is idle, and the answers not yet begun, or to a
// request that still arrives on an open connection, say `Connection: close`.
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';

export interface HttpServer {
  readonly server: Server;
  /** Stops taking connections; resolves once the requests in flight are answered and every connection is closed. */
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
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    if (closing) res.shouldKeepAlive = false;
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // After 'finish' Node marks the connection idle (in the same turn): closeIdleConnections then finds it.
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  const handle: HttpServer = {
    server,
    close() {
      closing = true;
      // The answers not begun yet say so (`Connection: close`): the client sends its next request elsewhere.
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      return closed;
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
