// npm run db:migration:new as a developer runs it, in a scratch project folder (its prisma/migrations): a timestamp
// another migration folder already has is refused, and so is one before the newest folder (now, on a clock behind
// it), with nothing diffed or written. Two helpers once made folders with one timestamp: they sort by name alone,
// and the second was diffed against a schema without the first's change.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';

// A budget for a command that hangs (tsx starting on a busy machine), not a speed check.
const RUN_BUDGET_MS = 100_000;
const SCRIPT = resolve('scripts/db-migration-new.ts');
let project: string | undefined;

afterEach(() => {
  if (project) rmSync(project, { recursive: true, force: true });
  project = undefined;
});

/** A project whose prisma/migrations holds `folders` (each with its schema snapshot). */
function projectWith(folders: string[]): string {
  project = mkdtempSync(join(tmpdir(), 'll-migration-new-'));
  for (const f of folders) {
    mkdirSync(join(project, 'prisma/migrations', f), { recursive: true });
    writeFileSync(join(project, 'prisma/migrations', f, 'schema.prisma'), '');
  }
  writeFileSync(join(project, 'prisma/schema.prisma'), '');
  return project;
}

function run(cwd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), SCRIPT, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => (child.kill('SIGKILL'), fail(new Error(`db-migration-new did not exit:\n${out}`))), RUN_BUDGET_MS);
    child.on('exit', (code) => (clearTimeout(timer), done({ code, out })));
  });
}

const folders = (cwd: string) => readdirSync(join(cwd, 'prisma/migrations')).sort();

it('refuses a timestamp another migration folder already has, writing nothing', { timeout: RUN_BUDGET_MS + 10_000 }, async () => {
  const cwd = projectWith(['20261205224500_shipping_type_digital_only', '20261206022000_admin_channel_kinds']);
  const r = await run(cwd, ['order_notes', '--timestamp', '20261206022000']);
  expect(r.code).toBe(1);
  expect(r.out).toContain(
    'The timestamp 20261206022000 is already taken by prisma/migrations/20261206022000_admin_channel_kinds: choose a later one with --timestamp. Nothing was written.',
  );
  expect(folders(cwd)).toEqual(['20261205224500_shipping_type_digital_only', '20261206022000_admin_channel_kinds']);
});

it('refuses a timestamp (now, when none is given) before the newest migration folder', { timeout: RUN_BUDGET_MS + 10_000 }, async () => {
  const cwd = projectWith(['20261205224500_shipping_type_digital_only', '29991231235959_far_ahead']);
  const r = await run(cwd, ['order_notes']);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(
    /The timestamp \d{14} is before the newest migration, prisma\/migrations\/29991231235959_far_ahead, which it would run before/,
  );
  expect(folders(cwd)).toEqual(['20261205224500_shipping_type_digital_only', '29991231235959_far_ahead']);
});
