// `prisma migrate deploy` cannot apply this repository's migrations (docs/decisions/migrations.md): the CLI is
// refused by prisma.config.ts before it connects, with the command to use instead. The database URL names a port
// nothing listens on, so the CLI, if it got that far, would fail differently (P1001) without touching anything.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('prisma migrate deploy', () => {
  it('is refused before it connects, naming npm run db:migrate', () => {
    const run = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('`prisma migrate deploy` cannot apply these migrations. Run `npm run db:migrate` instead.');
  });
});
