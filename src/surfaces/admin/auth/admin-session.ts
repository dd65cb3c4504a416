// Panel sessions: express-session with connect-pg-simple on the admin_sessions table (created by our
// migration, so createTableIfMissing stays false). The cookie is httpOnly, SameSite=Lax, scoped to /admin,
// and Secure when COOKIE_SECURE is on (default: production only, where TLS is expected in front of us).
//
// Writes: a session row is written when the session changed (login, a new CSRF token, the admin's row
// changed) and otherwise only when its stored expiry is more than SESSION_TOUCH_INTERVAL_MS behind where this
// request would move it; the panel's many API calls in between write nothing (docs/decisions/admin-panel-fixes.md).
// Expiry is decided by the store, with the injected clock: `expire` = last write + the cookie's lifetime.
import connectPgSimple from 'connect-pg-simple';
import session, { type SessionData } from 'express-session';
import pg from 'pg';
import type { Clock } from '../../../platform/clock.js';
import type { PanelAdmin } from './panel-admin.js';

export const SESSION_COOKIE = 'ledgerline_admin';
/** Idle lifetime: activity pushes the expiry forward (rolling, written at most once per SESSION_TOUCH_INTERVAL_MS). */
export const SESSION_TTL_SECONDS = 8 * 3600;
/**
 * An unchanged session's expiry is written at most once per this interval. So a session ends between
 * TTL - 5 min and TTL after its last request (7 h 55 min .. 8 h), never later.
 */
export const SESSION_TOUCH_INTERVAL_MS = 5 * 60_000;
const PRUNE_INTERVAL_MS = 15 * 60_000;
const TABLE = 'admin_sessions';

declare module 'express-session' {
  interface SessionData {
    /** Set only after a successful login, on a regenerated session. Refreshed from admin_users per request. */
    adminUser?: PanelAdmin;
    /** Per-session CSRF token (see csrf.ts). */
    csrfToken?: string;
  }
}

export interface AdminSessionOptions {
  databaseUrl: string;
  /** Signing secrets: the first signs, every one verifies (rotation: SESSION_SECRET, SESSION_SECRET_PREVIOUS). */
  secret: string | string[];
  secure: boolean;
  clock: Clock;
}

/**
 * The session's lifetime: its cookie's (30 min before login, 8 h after), as express-session stores it, to the
 * nearest second. express-session sets `originalMaxAge` by reading back `expires - Date.now()` just after
 * setting `expires = Date.now() + maxAge`, so on a busy machine it comes out a few milliseconds short of the
 * configured lifetime (e.g. 28,799,994 for 8 h); the lifetimes are whole minutes.
 */
function lifetimeMs(sess: SessionData): number {
  const max = (sess.cookie as { originalMaxAge?: number | null } | undefined)?.originalMaxAge;
  return typeof max === 'number' && max > 0 ? Math.round(max / 1000) * 1000 : SESSION_TTL_SECONDS * 1000;
}

/** Epoch seconds for to_timestamp(), as connect-pg-simple writes `expire` (a timestamp without time zone). */
const epoch = (ms: number) => ms / 1000;

export function createAdminSessionStore(opts: { pool: pg.Pool; clock: Clock }) {
  const { pool, clock } = opts;
  const PgStore = connectPgSimple(session);
  const now = () => clock.now().getTime();

  // connect-pg-simple reads "now" from Date.now() and writes the expiry on every request (touch). Ours reads
  // the injected clock and writes an unchanged session only when its expiry has fallen behind; destroy is
  // connect-pg-simple's.
  class AdminSessionStore extends PgStore {
    private pruneTimer: NodeJS.Timeout;

    constructor() {
      super({ pool, tableName: TABLE, createTableIfMissing: false, pruneSessionInterval: false });
      this.pruneTimer = setInterval(() => this.pruneSessions(), PRUNE_INTERVAL_MS);
      this.pruneTimer.unref();
    }

    override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
      pool
        .query<{ sess: SessionData | string }>(`SELECT sess FROM ${TABLE} WHERE sid = $1 AND expire >= to_timestamp($2)`, [
          sid,
          epoch(now()),
        ])
        .then(
          ({ rows: [row] }) => {
            if (!row) return callback(null, null);
            try {
              callback(null, typeof row.sess === 'string' ? (JSON.parse(row.sess) as SessionData) : row.sess);
            } catch {
              this.destroy(sid, (err) => callback(err, null));
            }
          },
          (err: unknown) => callback(err),
        );
    }

    override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
      pool
        .query(
          `INSERT INTO ${TABLE} (sid, sess, expire) VALUES ($1, $2, to_timestamp($3))
           ON CONFLICT (sid) DO UPDATE SET sess = EXCLUDED.sess, expire = EXCLUDED.expire`,
          [sid, sess, epoch(now() + lifetimeMs(sess))],
        )
        .then(
          () => callback?.(),
          (err: unknown) => callback?.(err),
        );
    }

    /** Called by express-session for an unchanged session: one conditional UPDATE, which matches (writes) rarely. */
    override touch(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
      const expire = now() + lifetimeMs(sess);
      pool
        .query(`UPDATE ${TABLE} SET expire = to_timestamp($2) WHERE sid = $1 AND expire < to_timestamp($3)`, [
          sid,
          epoch(expire),
          epoch(expire - SESSION_TOUCH_INTERVAL_MS),
        ])
        .then(
          () => callback?.(),
          (err: unknown) => callback?.(err),
        );
    }

    override pruneSessions(callback?: (err: Error) => void): void {
      pool.query(`DELETE FROM ${TABLE} WHERE expire < to_timestamp($1)`, [epoch(now())]).then(
        () => callback?.(undefined as unknown as Error),
        (err: Error) => callback?.(err),
      );
    }

    override close(): void {
      clearInterval(this.pruneTimer);
      super.close();
    }
  }
  return new AdminSessionStore();
}

export function adminSessionMiddleware(opts: AdminSessionOptions) {
  // A small pool of its own; allowExitOnIdle so an idle pool never keeps a process (or a test worker) alive.
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 3, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
  // A connection dropped by the server (idle or in use) must not end the process: the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return session({
    store: createAdminSessionStore({ pool, clock: opts.clock }),
    secret: opts.secret,
    name: SESSION_COOKIE,
    resave: false,
    saveUninitialized: false,
    // The cookie's Expires moves with every response (no database write); the row's expiry, which decides,
    // moves at most once per SESSION_TOUCH_INTERVAL_MS (the store's touch).
    rolling: true,
    cookie: { httpOnly: true, secure: opts.secure, sameSite: 'lax', path: '/admin', maxAge: SESSION_TTL_SECONDS * 1000 },
  });
}
