// Operator commands need this version's schema. On a fresh machine, before any `npm start`, `npm run shop:create`
// (the README's first-hour step on the embedded database) started the embedded PostgreSQL and failed on "The table
// `public.guilds` does not exist", printed with a page of Prisma's minified source. Now the embedded database (the
// checkout's own) is migrated first, as the start command would, and a DATABASE_URL database that is behind is
// refused in one line naming `npm run db:migrate` (an operator command must not migrate a shared database).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { snowflake } from '../helpers/factories.js';
import { runOperatorCommand } from '../helpers/operator-command.js';

// A budget for a command that hangs: tsx, initdb and every migration take tens of seconds on a busy machine.
const RUN_BUDGET_MS = 150_000;

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return runOperatorCommand(script, args, { env, budgetMs: RUN_BUDGET_MS });
}

describe('operator commands on a database without the schema', { timeout: 2 * RUN_BUDGET_MS }, () => {
  const { adminUrl, prefix } = inject('pg');
  const emptyDb = `${prefix}_opschema_empty`;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'll-opschema-'));
    await chmod(dir, 0o755); // as root, the embedded PostgreSQL runs as the postgres user, who must enter it
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${emptyDb}"`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${emptyDb}" WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  });

  it('a DATABASE_URL database never migrated is refused in one line that names db:migrate, and left untouched', async () => {
    const url = new URL(adminUrl);
    url.pathname = `/${emptyDb}`;
    const r = await run('shop-create', ['--name', 'Early Shop', '--guild', snowflake()], { DATABASE_URL: url.toString() });
    expect(r.code).toBe(1);
    expect(r.out.trim()).toMatch(
      /^Failed: the database \(DATABASE_URL\) lacks \d+ migrations of this version \(.+\)\. Run `npm run db:migrate` first/,
    );
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public'`);
      expect(rows).toHaveLength(0); // refused, not migrated behind the operator's back
    } finally {
      await client.end();
    }
  });

  it('a fresh embedded database (no start before) is migrated and the shop is made', async () => {
    const guild = snowflake();
    const env = { EMBEDDED_PG_DIR: join(dir, 'pg') };
    const r = await run('shop-create', ['--name', 'First Shop', '--guild', guild], env);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`linked to Discord server First Shop (${guild})`);
    // And the next command finds it (the database was kept, and is stopped between commands).
    const admin = await run('admin-create', ['--email', 'owner@first.example', '--shop', 'First Shop'], env);
    expect(admin.code, admin.out).toBe(0);
    expect(admin.out).toContain('Created shop admin of First Shop');
  });
});
