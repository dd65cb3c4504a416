// What a migration may not do to a big table (docs/decisions/migrations.md, "Big tables").
// The start command's runner (src/platform/db/migrate.ts) applies each migration.sql in one transaction, so every
// lock a statement takes is held until the migration's COMMIT, and each new instance of a rolling deploy waits
// for it (the runner's advisory lock) while the old instances' requests queue behind it. Measured at 1,000,000
// orders: docs/perf/upgrade-2026-12-05.md. Read by test/unit/migration-lock-rules.test.ts for every migration
// newer than LAST_UNCHECKED.

import { prebuildsOf } from '../../src/platform/db/migration-prebuilds.js';

/** The last migration written before these rules; it and every older one are applied in deployments already. */
export const LAST_UNCHECKED = '20261204231000_refund_made_at_provider';

/**
 * Tables that stay small whatever a shop sells (a shop's settings and its staff). Every other table, including
 * one added later, counts as big: orders and everything written per order, interaction, sign-in or job.
 * A table created in the same migration is empty, so nothing is refused on it.
 */
export const SMALL_TABLES = new Set([
  'tenants',
  'guilds',
  'admin_users',
  'api_keys',
  'webhook_endpoints',
  'products',
  'shipping_types',
  'discounts',
  'discount_assignments',
  'payment_connections',
  'login_throttles',
  'job_worker_heartbeats',
  'rate_limits',
]);

export interface LockFinding {
  table: string;
  rule: string;
  statement: string;
}

/** Splits a migration into statements at semicolons outside quotes, dollar quotes and comments. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end + 1;
      cur += sql.slice(i, stop);
      i = stop;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      cur += sql.slice(i, stop);
      i = stop;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      cur += sql.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      const stop = end === -1 ? sql.length : end + tag.length;
      cur += sql.slice(i, stop);
      i = stop;
    } else if (ch === ';') {
      out.push(cur);
      cur = '';
      i++;
    } else {
      cur += ch;
      i++;
    }
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => stripComments(s) !== '');
}

function stripComments(statement: string): string {
  return statement
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .trim();
}

const NAME = String.raw`(?:"?public"?\.)?"?([A-Za-z_][A-Za-z0-9_]*)"?`;
/** Defaults that are evaluated per row: adding a column with one rewrites the table under ACCESS EXCLUSIVE. */
const VOLATILE_DEFAULT = /\bDEFAULT\s+[^,]*\b(random|clock_timestamp|gen_random_uuid|uuid_generate_v\d|nextval|timeofday)\s*\(/i;
const SERIAL_TYPE = /\b(small|big)?serial\b/i;
const NO_TIMEOUT =
  'a big table altered without "SET LOCAL lock_timeout = \'5s\';" first: queued behind a long transaction, the migration would hold every reader and writer of the table behind it';

/**
 * The statements of one migration that would hold a big table's writes (or reads) for a time that grows with
 * the table, or that cannot run under the start command's runner at all. Empty when the migration is safe.
 */
export function lockFindings(sql: string): LockFinding[] {
  const statements = splitStatements(sql);
  const plain = statements.map(stripComments);
  const created = new Set(
    plain.flatMap((s) => {
      const m = new RegExp(String.raw`^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}`, 'i').exec(s);
      return m ? [m[1]!] : [];
    }),
  );
  const big = (table: string) => !SMALL_TABLES.has(table) && !created.has(table);
  const beforehand = new Set(prebuildsOf(sql).map((p) => p.name));
  const hasLockTimeout = plain.some((s) => /^SET\s+LOCAL\s+lock_timeout\b/i.test(s));
  const findings: LockFinding[] = [];
  const refuse = (table: string, rule: string, statement: string) => findings.push({ table, rule, statement: statement.slice(0, 160) });

  for (const s of plain) {
    if (/\bCONCURRENTLY\b/i.test(s)) {
      refuse(
        '-',
        'CONCURRENTLY cannot run inside the transaction the start command wraps each migration in: build the index beforehand (see rule "index")',
        s,
      );
      continue;
    }
    const index = new RegExp(
      String.raw`^CREATE\s+(UNIQUE\s+)?INDEX\s+(IF\s+NOT\s+EXISTS\s+)?"?([A-Za-z0-9_]+)"?\s+ON\s+(?:ONLY\s+)?${NAME}`,
      'i',
    ).exec(s);
    if (index) {
      const [, , ifNotExists, name, table] = index;
      if (big(table!) && !(ifNotExists && beforehand.has(name!))) {
        refuse(
          table!,
          `index: CREATE INDEX takes a SHARE lock (no writes) for the whole build; write it IF NOT EXISTS and add "-- before deploy: CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ..." (the runner builds it outside the migration's transaction first)`,
          s,
        );
      } else if (big(table!) && !hasLockTimeout) {
        // Finding the index built beforehand still takes the table's SHARE lock, behind every open write.
        refuse(table!, `${NO_TIMEOUT} (CREATE INDEX IF NOT EXISTS waits for the SHARE lock even when the index exists)`, s);
      }
      continue;
    }
    const lock = new RegExp(String.raw`^LOCK\s+TABLE\s+(?:ONLY\s+)?${NAME}`, 'i').exec(s);
    if (lock && big(lock[1]!)) refuse(lock[1]!, 'LOCK TABLE on a big table: the lock lasts the whole migration', s);
    const dml = new RegExp(String.raw`^(?:WITH\b[\s\S]*?\b)?(UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?${NAME}`, 'i').exec(s);
    if (dml && big(dml[2]!))
      refuse(
        dml[2]!,
        `${dml[1]!.toUpperCase()} of a big table in a migration: every row it touches stays locked until COMMIT; backfill in batches outside the migration`,
        s,
      );
    const trigger = new RegExp(
      String.raw`^(?:CREATE\s+(?:OR\s+REPLACE\s+)?|DROP\s+)TRIGGER\s+(?:IF\s+EXISTS\s+)?"?[A-Za-z0-9_]+"?\s[\s\S]*?\bON\s+${NAME}`,
      'i',
    ).exec(s);
    if (trigger && big(trigger[1]!) && !hasLockTimeout) {
      refuse(trigger[1]!, `${NO_TIMEOUT} (a trigger's change locks the table)`, s);
    }
    const alter = new RegExp(String.raw`^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?${NAME}\s+([\s\S]*)$`, 'i').exec(s);
    if (!alter || !big(alter[1]!)) continue;
    const table = alter[1]!;
    // The actions of one ALTER TABLE, split at top-level commas.
    for (const action of splitActions(alter[2]!)) {
      if (/^ADD\s+(COLUMN\s+)?(?!CONSTRAINT\b)/i.test(action)) {
        if (/\bNOT\s+NULL\b/i.test(action) && !/\bDEFAULT\b/i.test(action)) {
          refuse(table, "ADD COLUMN NOT NULL without a DEFAULT: fails on a filled table, and an old instance's INSERT omits it", action);
        }
        if (VOLATILE_DEFAULT.test(action) || SERIAL_TYPE.test(action) || /\bGENERATED\s+ALWAYS\s+AS\s*\(/i.test(action)) {
          refuse(
            table,
            'ADD COLUMN with a per-row (volatile, serial or generated) value rewrites the table under ACCESS EXCLUSIVE',
            action,
          );
        }
      } else if (/^ALTER\s+(COLUMN\s+)?\S+\s+(SET\s+DATA\s+)?TYPE\b/i.test(action)) {
        refuse(table, 'ALTER COLUMN TYPE rewrites the table (or scans it) under ACCESS EXCLUSIVE: add a new column instead', action);
      } else if (/^ALTER\s+(COLUMN\s+)?\S+\s+SET\s+NOT\s+NULL\b/i.test(action)) {
        refuse(
          table,
          'SET NOT NULL scans the table under ACCESS EXCLUSIVE: add a CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in a later migration',
          action,
        );
      } else if (/^ADD\s+CONSTRAINT\s+\S+\s+(CHECK|FOREIGN\s+KEY)\b/i.test(action) && !/\bNOT\s+VALID\s*$/i.test(action)) {
        refuse(
          table,
          'ADD CONSTRAINT CHECK/FOREIGN KEY checks every row while it holds the table: add it NOT VALID, VALIDATE CONSTRAINT in a later migration',
          action,
        );
      } else if (/^ADD\s+(CONSTRAINT\s+\S+\s+)?(UNIQUE|PRIMARY\s+KEY)\b/i.test(action) && !/\bUSING\s+INDEX\b/i.test(action)) {
        refuse(
          table,
          'ADD UNIQUE/PRIMARY KEY builds an index under ACCESS EXCLUSIVE: build it beforehand (rule "index") and add it USING INDEX',
          action,
        );
      }
    }
    if (!hasLockTimeout) {
      refuse(table, NO_TIMEOUT, s);
    }
  }
  return findings;
}

function splitActions(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter(Boolean);
}
