// npm run db:migration:new -- <name> [--timestamp YYYYMMDDHHMMSS] — writes
// prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the schema of the last migration (its
// schema.prisma snapshot) to prisma/schema.prisma, and stores the new snapshot beside it. The timestamp is now (UTC)
// unless given; one another folder already has, or one before the newest folder, is refused before anything is
// diffed or written (lib/migration-stamp.ts). Add CHECK constraints by hand if the change needs any, then run
// npm run db:drift and npm run db:migrate.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrationStampRefusal } from './lib/migration-stamp.js';
import { prismaCli, withTempServer } from './lib/prisma-cli.js';

const USAGE = 'Usage: npm run db:migration:new -- <name> [--timestamp YYYYMMDDHHMMSS]   (name: lowercase letters, digits and underscores)';
const parsed = (() => {
  try {
    return parseArgs({ options: { timestamp: { type: 'string' } }, allowPositionals: true });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return process.exit(1);
  }
})();
const name = (parsed.positionals[0] ?? '').trim();
if (!/^[a-z0-9_]{1,60}$/.test(name) || parsed.positionals.length > 1) {
  console.error(USAGE);
  process.exit(1);
}
const dir = 'prisma/migrations';
const folders = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const stamp = parsed.values.timestamp ?? new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const refusal = migrationStampRefusal(stamp, folders);
if (refusal) {
  console.error(`${refusal} Nothing was written.`);
  process.exit(1);
}
const previous = folders.at(-1);
const snapshot = previous ? join(dir, previous, 'schema.prisma') : undefined;
if (previous && !existsSync(snapshot!)) {
  console.error(`${snapshot} is missing: every migration keeps the schema it produces, to diff the next one against.`);
  process.exit(1);
}
const sql = await withTempServer(async (url) =>
  prismaCli(
    [
      'migrate',
      'diff',
      ...(snapshot ? ['--from-schema-datamodel', snapshot] : ['--from-empty']),
      '--to-schema-datamodel',
      'prisma/schema.prisma',
      '--script',
    ],
    url,
  ),
);
if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
  console.log('schema.prisma has no changes since the last migration; nothing written.');
  process.exit(0);
}
const target = join(dir, `${stamp}_${name}`);
mkdirSync(target);
writeFileSync(join(target, 'migration.sql'), sql);
copyFileSync('prisma/schema.prisma', join(target, 'schema.prisma'));
console.log(`Wrote ${target}/migration.sql. Review it, add CHECK constraints if needed, then: npm run db:drift && npm run db:migrate`);
