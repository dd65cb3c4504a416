// The carriers a shop can name on an order, with the page that tracks a parcel of theirs: the one place
// that knows carriers' tracking URLs. A tracking number alone is matched to a carrier only where its format
// belongs to one carrier (UPS "1Z…", a UPU S10 number ending in the posting country, USPS IMpb); anything
// else (FedEx's and DHL's plain digits overlap) needs the carrier named.

const q = encodeURIComponent;

export const CARRIERS = {
  USPS: { name: 'USPS', url: (n: string) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${q(n)}` },
  UPS: { name: 'UPS', url: (n: string) => `https://www.ups.com/track?loc=en_US&tracknum=${q(n)}` },
  FEDEX: { name: 'FedEx', url: (n: string) => `https://www.fedex.com/fedextrack/?trknbr=${q(n)}` },
  DHL: {
    name: 'DHL Express',
    url: (n: string) => `https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=${q(n)}`,
  },
  DHL_ECOMMERCE: { name: 'DHL eCommerce', url: (n: string) => `https://webtrack.dhlecs.com/orders?trackingNumber=${q(n)}` },
  ROYAL_MAIL: { name: 'Royal Mail', url: (n: string) => `https://www.royalmail.com/track-your-item#/tracking-results/${q(n)}` },
  CANADA_POST: {
    name: 'Canada Post',
    url: (n: string) => `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${q(n)}`,
  },
  AUSTRALIA_POST: { name: 'Australia Post', url: (n: string) => `https://auspost.com.au/mypost/track/details/${q(n)}` },
  DEUTSCHE_POST: {
    name: 'Deutsche Post / DHL Paket',
    url: (n: string) => `https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=${q(n)}`,
  },
  LA_POSTE: { name: 'La Poste / Colissimo', url: (n: string) => `https://www.laposte.fr/outils/suivre-vos-envois?code=${q(n)}` },
  EVRI: { name: 'Evri', url: (n: string) => `https://www.evri.com/track/parcel/${q(n)}/details` },
  DPD_UK: { name: 'DPD (UK)', url: (n: string) => `https://track.dpd.co.uk/parcels/${q(n)}` },
} as const satisfies Record<string, { name: string; url: (n: string) => string }>;

export type CarrierCode = keyof typeof CARRIERS;
export const CARRIER_CODES = Object.keys(CARRIERS) as [CarrierCode, ...CarrierCode[]];

export function isCarrierCode(value: unknown): value is CarrierCode {
  return typeof value === 'string' && Object.hasOwn(CARRIERS, value);
}

export function carrierName(code: string | null | undefined): string | null {
  return isCarrierCode(code) ? CARRIERS[code].name : null;
}

/** UPU S10 numbers (two letters, 8 digits, a check digit, the posting country): the country names the post. */
const S10_POSTS: Record<string, CarrierCode> = {
  US: 'USPS',
  GB: 'ROYAL_MAIL',
  CA: 'CANADA_POST',
  AU: 'AUSTRALIA_POST',
  DE: 'DEUTSCHE_POST',
  FR: 'LA_POSTE',
};

/** The carrier a tracking number's format belongs to alone, or null when it could be several. */
export function detectCarrier(trackingNumber: string): CarrierCode | null {
  const n = trackingNumber.replace(/\s+/g, '').toUpperCase();
  if (/^1Z[0-9A-Z]{16}$/.test(n)) return 'UPS';
  const s10 = /^[A-Z]{2}\d{9}([A-Z]{2})$/.exec(n);
  if (s10) return S10_POSTS[s10[1]!] ?? null;
  // USPS Intelligent Mail package barcodes: 20-22 digits starting 92, 93, 94 or 95.
  if (/^9[2-5]\d{18,20}$/.test(n)) return 'USPS';
  return null;
}

/** Where the customer follows the parcel: the named carrier's page, else the one its number's format shows; null when unknown. */
export function trackingLink(
  trackingNumber: string | null | undefined,
  carrier: string | null | undefined,
): { carrier: CarrierCode; name: string; url: string } | null {
  const n = trackingNumber?.trim();
  if (!n) return null;
  const code = isCarrierCode(carrier) ? carrier : detectCarrier(n);
  if (!code) return null;
  const c = CARRIERS[code];
  return { carrier: code, name: c.name, url: c.url(n.replace(/\s+/g, '')) };
}
