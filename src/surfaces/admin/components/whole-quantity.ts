// A quantity as typed in one of the panel's per-line inputs (components/order-lines-edit.tsx, components/refund-form.tsx):
// digits only, a whole number from 0 to 100 000 (the server's bound, resources/orders.resource.ts quantityLine).

/** The quantity typed, or null when it is not one ("", "1.5", "-1", "1e3", "abc", or "1." on the way to "1.5"). */
export function wholeQuantity(raw: string): number | null {
  const text = raw.trim();
  return /^\d{1,6}$/.test(text) && Number(text) <= 100_000 ? Number(text) : null;
}
