// Text searched for as written in a Prisma `contains` / `startsWith` / `endsWith` filter. Prisma sends the value as
// a LIKE pattern without escaping it, so "%" and "_" matched anything and a "\" (LIKE's escape character) escaped the
// character after it instead of being searched for. Each of the three is escaped with "\", the escape character
// PostgreSQL's LIKE uses by default.

/** `text` with LIKE's wildcards and escape character escaped, for a Prisma string filter that should match it literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
