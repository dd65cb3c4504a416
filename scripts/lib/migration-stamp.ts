// The timestamp a new migration folder takes (prisma/migrations/<timestamp>_<name>): migrations are applied in the
// order of their folder names, and each one is diffed against the newest folder's schema snapshot, so a new one
// must come after every folder there. Two folders with one timestamp (two people, or two helpers handed the same
// stamp, each making their own) sort by name alone, and the second was diffed against a schema that did not hold
// the first's change.

/** Why `stamp` may not start a new migration among `folders` (the names in prisma/migrations), or null: it may. */
export function migrationStampRefusal(stamp: string, folders: readonly string[]): string | null {
  if (!/^\d{14}$/.test(stamp)) return `The timestamp "${stamp}" is not 14 digits (YYYYMMDDHHMMSS, UTC).`;
  const taken = folders.find((f) => f.startsWith(`${stamp}_`));
  if (taken) return `The timestamp ${stamp} is already taken by prisma/migrations/${taken}: choose a later one with --timestamp.`;
  const newest = folders
    .filter((f) => /^\d{14}_/.test(f))
    .sort()
    .at(-1);
  if (newest && stamp < newest.slice(0, 14))
    return `The timestamp ${stamp} is before the newest migration, prisma/migrations/${newest}, which it would run before: choose a later one with --timestamp.`;
  return null;
}
