// A local stand-in for Discord's gateway (v10, JSON encoding, no compression) that speaks its protocol:
// on connect HELLO (op 10, heartbeat_interval); IDENTIFY (op 2) is answered with the READY dispatch (op 0);
// HEARTBEAT (op 1) with HEARTBEAT_ACK (op 11); dispatch() sends events (op 0, with a sequence number) to
// every identified session. The fake Discord API's GET /gateway/bot points @discordjs/ws here (set
// FakeDiscordApi.guilds.gatewayUrl). Used by the tests and by the development server's simulator mode.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

interface Session {
  socket: WebSocket;
  identified: boolean;
  intents: number;
  seq: number;
  sessionId: string;
}

export class FakeDiscordGateway {
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sessions = new Set<Session>();
  /** Every IDENTIFY received, with its intents (a takeover shows as a second one). */
  readonly identifies: { intents: number; token: string }[] = [];
  url = '';

  constructor(private readonly opts: { botUserId: string; heartbeatIntervalMs?: number }) {}

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.server = createServer((_req, res) => res.writeHead(426).end());
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket) => this.accept(socket));
    await new Promise<void>((r) => this.server!.listen(port, host, r));
    const addr = this.server.address() as AddressInfo;
    this.url = `ws://${host}:${addr.port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sessions) s.socket.terminate();
    this.sessions.clear();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((r) => this.server!.close(() => r()));
    }
    this.server = undefined;
  }

  /** Identified sessions open right now. */
  get connections(): number {
    return [...this.sessions].filter((s) => s.identified).length;
  }

  /** Sends a dispatch (op 0) to every identified session; returns how many got it. */
  dispatch(t: string, d: unknown): number {
    let sent = 0;
    for (const s of this.sessions) {
      if (!s.identified) continue;
      s.seq += 1;
      s.socket.send(JSON.stringify({ op: 0, t, s: s.seq, d }));
      sent += 1;
    }
    return sent;
  }

  private accept(socket: WebSocket): void {
    const session: Session = { socket, identified: false, intents: 0, seq: 0, sessionId: Math.random().toString(36).slice(2) };
    this.sessions.add(session);
    socket.on('close', () => this.sessions.delete(session));
    socket.on('error', () => this.sessions.delete(session));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs ?? 41_250 }, s: null, t: null }));
    socket.on('message', (raw) => {
      let msg: { op: number; d: unknown };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        socket.close(4002, 'Decode error');
        return;
      }
      if (msg.op === 1) {
        socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      } else if (msg.op === 2) {
        const d = msg.d as { token?: string; intents?: number; shard?: [number, number] };
        if (!d?.token) return socket.close(4004, 'Authentication failed');
        session.identified = true;
        session.intents = d.intents ?? 0;
        this.identifies.push({ intents: session.intents, token: d.token });
        session.seq += 1;
        socket.send(
          JSON.stringify({
            op: 0,
            t: 'READY',
            s: session.seq,
            d: {
              v: 10,
              user: { id: this.opts.botUserId, username: 'Ledgerline', discriminator: '0', global_name: null, avatar: null, bot: true },
              guilds: [],
              session_id: session.sessionId,
              resume_gateway_url: this.url,
              shard: d.shard ?? [0, 1],
              application: { id: this.opts.botUserId, flags: 0 },
            },
          }),
        );
      } else if (msg.op === 6) {
        // RESUME: this fake keeps no sessions across connections; Discord answers INVALID_SESSION (op 9).
        socket.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      }
    });
  }
}
