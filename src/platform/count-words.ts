// "1 order", "2 orders", "1,200 addresses": a count with its noun, as every surface says counts (never "order(s)").
// The panel's browser components cannot import this file (their bundle takes no server modules): the server sends
// them the words (the dashboard's totals, surfaces/admin/dashboard/dashboard-view.ts).

/** `n` and its noun, singular for exactly one; `plural` when the noun does not take a plain "s". */
export function countWords(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}
