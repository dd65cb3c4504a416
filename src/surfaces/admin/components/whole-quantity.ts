// A quantity as typed in one of the panel's per-line inputs (components/order-lines-edit.tsx, components/refund-form.tsx):
// digits only, a whole number from 0 to LINE_QUANTITY_MAX. The server checks the posted number against the same bound
// (resources/orders.resource.ts quantityLine), so the form and the save agree on one rule.

/** The most units one order or refund line may name. */
export const LINE_QUANTITY_MAX = 100_000;

/** The quantity typed, or null when it is not one ("", "1.5", "-1", "1e3", "abc", or "1." on the way to "1.5"). */
export function wholeQuantity(raw: string): number | null {
  const text = raw.trim();
  return /^\d{1,6}$/.test(text) && Number(text) <= LINE_QUANTITY_MAX ? Number(text) : null;
}
