// How a shipping address reads, line by line, wherever a customer is shown it (Discord's messages, the invoice
// page): the US postal form, "Springfield, IL 62701" (a comma after the city, the state and ZIP code together).
// One rule, so the same address does not read two ways on two screens.

export interface AddressParts {
  name?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  state?: string | null;
  postalCode: string;
  country: string;
}

/** The address's lines, empty parts left out: recipient, street lines, "City, ST 12345", country. */
export function addressLines(a: AddressParts): string[] {
  const stateZip = [a.state, a.postalCode].filter(Boolean).join(' ');
  const cityLine = [a.city, stateZip].filter(Boolean).join(', ');
  return [a.name, a.line1, a.line2, cityLine, a.country].filter((l): l is string => Boolean(l));
}
