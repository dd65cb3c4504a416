// An order number as an admin types it into a search or filter box: the panel writes it "#1042" everywhere, so a
// leading "#" and spaces are allowed. The one reading of the orders list's search and the deleted orders' payments filter.

/** The order number `term` names ("#1042", " 1042 "), or null when it names none (not digits, or beyond an order number). */
export function orderNumberTyped(term: string): number | null {
  const t = term.trim().replace(/^#/, '').trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : null;
}
