// The rows recorded since a screen showed a total: the newest ones whose amounts make up the difference. One rule for
// the receipts' and the refunds' "meanwhile" refusals (payments/recorded-meanwhile.ts, refunds/refunded-meanwhile.ts).

/**
 * The newest of `newestFirst` whose amounts add up to exactly `cents` (what the total grew by since it was shown), or
 * null when no run of the newest does: an amount the total never had (a caller's wrong number, or more than it has).
 */
export function newestMakingUp<T extends { amountCents: number }>(newestFirst: readonly T[], cents: number): T[] | null {
  const rows: T[] = [];
  let sum = 0;
  for (const r of newestFirst) {
    if (sum >= cents) break;
    rows.push(r);
    sum += r.amountCents;
  }
  return sum === cents ? rows : null;
}
