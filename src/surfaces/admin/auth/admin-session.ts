// Panel sessions: express-session with connect-pg-simple on the admin_sessions table (created by our
// migration, so createTableIfMissing stays false). The cookie is httpOnly, SameSite=Lax, scoped to /admin,
// and Secure when COOKIE_SECURE is on (default: production only, where TLS is expected in front of us).
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import pg from 'pg';
import type { PanelAdmin } from './panel-admin.js';

export const SESSION_COOKIE = 'ledgerline_admin';
/** Idle lifetime: each request pushes the expiry forward (rolling). */
export const SESSION_TTL_SECONDS = 8 * 3600;

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
}

export function adminSessionMiddleware(opts: AdminSessionOptions) {
  const PgStore = connectPgSimple(session);
  // A small pool of its own; allowExitOnIdle so an idle pool never keeps a process (or a test worker) alive.
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 3, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
  // A connection dropped by the server (idle or in use) must not end the process: the pool replaces it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const store = new PgStore({ pool, tableName: 'admin_sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 });
  return session({
    store,
    secret: opts.secret,
    name: SESSION_COOKIE,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, secure: opts.secure, sameSite: 'lax', path: '/admin', maxAge: SESSION_TTL_SECONDS * 1000 },
  });
}
