import pg from 'pg';

/** Waits until the database answers, or throws a readable error after `timeoutMs`. */
export async function waitForDatabase(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    // An attempt waits at most 3 s, and never past the deadline (a start timeout under 3 s is kept).
    const attempt = Math.max(100, Math.min(3000, deadline - Date.now()));
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: attempt });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (err) {
      lastErr = err;
      await client.end().catch(() => undefined);
      const code = (err as { code?: string }).code;
      // Wrong password or missing database will not fix themselves: fail at once.
      if (code === '28P01' || code === '3D000' || code === '28000') break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new DatabaseUnreachableError(url, lastErr);
}

export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const u = safeUrl(url);
    super(`cannot reach the database at ${u}: ${(cause as Error)?.message || 'no answer'}`, { cause });
    this.name = 'DatabaseUnreachableError';
  }
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = u.password ? '***' : '';
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export function describeDatabaseError(err: unknown): string | undefined {
  if (err instanceof DatabaseUnreachableError) return err.message;
  return undefined;
}
