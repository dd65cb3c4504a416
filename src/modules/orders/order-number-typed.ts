// An order number as a person types it: every message and the panel write it "#1042", so a leading "#" and spaces
// around and after it are allowed ("#1042", "# 1042", " 1042 "). The one reading of the number wherever one is typed:
// Discord's /refund order: and /payment-confirm orderid: (orders.findByRef), the panel's orders search and the
// deleted orders' payments filter.

/** The order number `term` names ("#1042", "# 1042", " 1042 "), or null when it names none (not digits, or beyond an order number). */
export function orderNumberTyped(term: string): number | null {
  const t = term.trim().replace(/^#/, '').trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : null;
}
