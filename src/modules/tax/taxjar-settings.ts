// "TaxJar needs the address you ship from": TaxJar taxes a sale by where it ships from and to, and a shop with
// TaxJar on and no ship-from address is asked for tax with no origin. The rule is checked on the shop's row as a
// save leaves it, in the save's transaction with the row locked (the panel's Settings save:
// surfaces/admin/resources/tenant-settings.rules.ts), not on the form's values: a form that turns TaxJar on
// while a colleague clears the address shows an address the row no longer has.

/** The shop's columns the rules read. */
export interface TaxjarSettings {
  taxjarEnabled: unknown;
  taxjarFromAddress: unknown;
  taxjarApiKey: unknown;
  addressValidation: unknown;
}

/** Whether a stored ship-from address is there: TaxJar needs at least its ZIP code and country. */
export function hasShipFromAddress(address: unknown): boolean {
  if (!address || typeof address !== 'object' || Array.isArray(address)) return false;
  const { zip, country } = address as { zip?: unknown; country?: unknown };
  return typeof zip === 'string' && zip.trim() !== '' && typeof country === 'string' && country.trim() !== '';
}

/** Why the shop cannot have TaxJar on as it is, or null when it can. */
export function taxjarFromAddressRefusal(shop: TaxjarSettings): string | null {
  if (shop.taxjarEnabled !== true || hasShipFromAddress(shop.taxjarFromAddress)) return null;
  return 'TaxJar needs the address you ship from, and the shop has none saved: fill in the ship-from address, or switch TaxJar off. (If your form shows one, it was cleared since you opened the form: reload the page.)';
}

/**
 * Why the shop cannot have TaxJar on without its API key, or null when it can. Without a key the checkout asks
 * TaxJar nothing and charges no tax (taxjar.adapter.ts), and nothing is filed (tax-sync.job.ts): a shop that
 * switched TaxJar on and forgot the key sold tax-free without a word.
 */
export function taxjarApiKeyRefusal(shop: TaxjarSettings): string | null {
  if (shop.taxjarEnabled !== true || hasApiKey(shop)) return null;
  return "TaxJar needs the shop's TaxJar API key: enter it in the TaxJar API key field, or switch TaxJar off. Without it no sales tax is charged.";
}

/**
 * Why the shop cannot have address validation on as it is, or null when it can. Validation asks TaxJar with the
 * shop's key and nothing else of TaxJar's settings (taxjar.adapter.ts `validateAddress`): with the key it checks US
 * addresses whether TaxJar calculates tax or not (a shop outside US dollars, which cannot switch TaxJar on, uses it
 * so); without the key it checks nothing, and the owner who ticked the box believed addresses were checked.
 */
export function addressValidationRefusal(shop: TaxjarSettings): string | null {
  if (shop.addressValidation !== true || hasApiKey(shop)) return null;
  return "Address validation checks addresses with TaxJar and needs the shop's TaxJar API key: enter it in the TaxJar API key field, or untick Address validation. Without the key no address is checked.";
}

function hasApiKey(shop: TaxjarSettings): boolean {
  return typeof shop.taxjarApiKey === 'string' && shop.taxjarApiKey.trim() !== '';
}
