// Indexes a migration builds before its transaction (docs/decisions/migrations.md, "Big tables").
// A line `-- before deploy: CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS <name> ON ...` in a migration.sql
// names an index on a big table that the migration then creates with a plain `CREATE INDEX IF NOT EXISTS`.
// The runner (migrate.ts) runs each such line on its own, outside any transaction, before it opens the
// migration's transaction; the plain statement then finds the index and builds nothing. An operator may also run
// the line by hand earlier, in a quiet hour: IF NOT EXISTS makes the runner's turn a no-op.
// The lint (scripts/lib/migration-lock-rules.ts) reads the same lines.

export interface Prebuild {
  /** The index's name, unquoted. */
  name: string;
  /** The statement to run, without the comment marker or a trailing semicolon. */
  statement: string;
}

const PREBUILD_LINE =
  /^--\s*before deploy:\s*(CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+"?([A-Za-z0-9_]+)"?\s+ON\s+[^\n]*?)\s*;?\s*$/gim;

export function prebuildsOf(sql: string): Prebuild[] {
  return [...sql.matchAll(PREBUILD_LINE)].map((m) => ({ name: m[2]!, statement: m[1]! }));
}
