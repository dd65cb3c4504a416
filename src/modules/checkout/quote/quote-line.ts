// One line of a quote: a product at today's catalog price (the session view shows the same lines).
export interface QuoteLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
  /** The product's TaxJar tax code, for the tax calculation (not part of what the customer consents to). */
  productTaxCode?: string | null;
}
