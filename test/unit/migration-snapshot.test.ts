// `npm run db:migration:new` diffs prisma/schema.prisma against the newest migration folder's schema.prisma
// snapshot (scripts/db-migration-new.ts): a migration added by hand without its snapshot left the script
// refusing to run ("schema.prisma is missing"), and a snapshot behind the schema would make it write the
// changes of the migrations before it again. The newest folder's snapshot is the schema as it stands.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('the newest migration folder holds a schema.prisma snapshot equal to prisma/schema.prisma', () => {
  const dir = 'prisma/migrations';
  const newest = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{14}_/.test(e.name))
    .map((e) => e.name)
    .sort()
    .at(-1)!;
  const snapshot = join(dir, newest, 'schema.prisma');
  expect(existsSync(snapshot), `${snapshot} is missing: copy prisma/schema.prisma there`).toBe(true);
  expect(readFileSync(snapshot, 'utf8'), `${snapshot} differs from prisma/schema.prisma`).toBe(
    readFileSync('prisma/schema.prisma', 'utf8'),
  );
});
