// TaxJar adapter on the official `taxjar` client (v5, fetch-based). The client has no timeout and no
// abort signal, so each call races a timer: past TAXJAR_TIMEOUT_MS (default 1.5 s, well inside Discord's
// 3 s interaction deadline) the caller gets TAX_SERVICE_UNAVAILABLE and the abandoned request finishes
// (or fails) in the background, its result ignored.
import Taxjar from 'taxjar';
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { openSecret, type SecretBox } from '../../platform/secret-box.js';
import { sameAddress, type AddressInput } from '../customers/address.schema.js';
import type { TaxPort, TaxRequest, TaxTenant } from './tax.port.js';
import { centsOfTaxjarDollars, taxjarCovers, taxjarDollars } from './taxjar-money.js';

const fromAddressSchema = z
  .object({ country: z.string(), zip: z.string(), state: z.string(), city: z.string(), street: z.string() })
  .partial();

const taxResponseSchema = z.object({ tax: z.object({ amount_to_collect: z.number().nonnegative() }) });
const addressesResponseSchema = z.object({
  addresses: z.array(
    z.object({
      street: z.string().optional(),
      city: z.string().optional(),
      state: z.string().optional(),
      zip: z.string().optional(),
      country: z.string().optional(),
    }),
  ),
});

class TaxTimeout extends Error {}

export interface TaxjarAdapterOptions {
  apiUrl: string;
  timeoutMs: number;
  logger: Logger;
  /** Tenants' TaxJar keys are stored encrypted (platform/secret-box.ts). */
  secrets: SecretBox;
}

export function createTaxjarAdapter(opts: TaxjarAdapterOptions): TaxPort {
  const { apiUrl, timeoutMs, logger, secrets } = opts;
  // TaxJar's client strips nothing: "https://api.taxjar.com/" would become "https://api.taxjar.com//v2/".
  const baseUrl = apiUrl.replace(/\/+$/, '');

  // One client per API key, reused: building one computes a User-Agent from OS calls each time, which
  // was a measurable share of the order flow's CPU (bench:orders). Bounded, so rotated keys do not pile up.
  // Keyed by the stored (encrypted) value, so a key is decrypted once, not on every order step.
  const clients = new Map<string, Taxjar>();
  function clientFor(storedKey: string): Taxjar {
    let client = clients.get(storedKey);
    if (!client) {
      if (clients.size >= 200) clients.clear();
      client = new Taxjar({ apiKey: openSecret(secrets, storedKey), apiUrl: baseUrl });
      clients.set(storedKey, client);
    }
    return client;
  }

  async function withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TaxTimeout(`TaxJar did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    work.catch(() => undefined); // a late failure of the abandoned request must not become an unhandled rejection
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async taxForOrder(tenant: TaxTenant, req: TaxRequest) {
      if (!tenant.taxjarEnabled || !tenant.taxjarApiKey) return 0;
      if (!taxjarCovers(tenant.currency)) {
        // Settings refuse this (taxjar-money.ts); a shop saved before the rule is not charged US tax on yen.
        logger.warn(
          { tenantId: tenant.id, currency: tenant.currency },
          'TaxJar is on for a shop that does not sell in USD: no sales tax asked for (TaxJar taxes US sales in US dollars)',
        );
        return 0;
      }
      const from = fromAddressSchema.safeParse(tenant.taxjarFromAddress ?? {});
      const f = from.success ? from.data : {};
      const params = {
        ...(f.country ? { from_country: f.country } : {}),
        ...(f.zip ? { from_zip: f.zip } : {}),
        ...(f.state ? { from_state: f.state } : {}),
        ...(f.city ? { from_city: f.city } : {}),
        ...(f.street ? { from_street: f.street } : {}),
        to_country: req.to.country,
        to_zip: req.to.postalCode,
        ...(req.to.state ? { to_state: req.to.state } : {}),
        to_city: req.to.city,
        to_street: req.to.line1,
        amount: taxjarDollars(req.amountCents),
        shipping: taxjarDollars(req.shippingCents),
        line_items: req.lines.map((l) => ({
          id: l.productId,
          quantity: l.quantity,
          unit_price: taxjarDollars(l.unitPriceCents),
          discount: taxjarDollars(l.discountCents),
          ...(l.productTaxCode ? { product_tax_code: l.productTaxCode } : {}),
        })),
      };
      try {
        const res = taxResponseSchema.parse(await withTimeout(clientFor(tenant.taxjarApiKey).taxForOrder(params)));
        const cents = centsOfTaxjarDollars(res.tax.amount_to_collect);
        if (cents === null) throw new Error(`TaxJar answered an amount_to_collect that is no amount: ${res.tax.amount_to_collect}`);
        return cents;
      } catch (err) {
        logger.warn({ err: describe(err), tenantId: tenant.id }, 'TaxJar tax calculation failed');
        throw new AppError('TAX_SERVICE_UNAVAILABLE', 'Sales tax could not be calculated, try again in a minute.', undefined, {
          cause: err,
        });
      }
    },

    async validateAddress(tenant: TaxTenant, address: AddressInput) {
      // TaxJar validates US addresses only.
      if (!tenant.addressValidation || !tenant.taxjarApiKey || address.country !== 'US') return null;
      try {
        const raw = await withTimeout(
          clientFor(tenant.taxjarApiKey).validateAddress({
            country: address.country,
            state: address.state,
            zip: address.postalCode,
            city: address.city,
            street: address.line1,
          }),
        );
        const best = addressesResponseSchema.parse(raw).addresses[0];
        if (!best?.street || !best.city || !best.zip) return null;
        const suggested: AddressInput = {
          name: address.name,
          line1: best.street,
          line2: address.line2,
          city: best.city,
          state: best.state ?? address.state,
          postalCode: best.zip,
          country: (best.country ?? address.country).toUpperCase(),
        };
        return sameAddress(suggested, address) ? null : suggested;
      } catch (err) {
        // Validation is a convenience: when TaxJar cannot answer (or does not know the address, 404),
        // the customer's own address is kept.
        logger.warn({ err: describe(err), tenantId: tenant.id }, 'TaxJar address validation failed; keeping the address as entered');
        return null;
      }
    },
  };
}

function describe(err: unknown): Record<string, unknown> {
  if (err instanceof TaxTimeout) return { kind: 'timeout', message: err.message };
  const e = err as { message?: string; status?: number; statusCode?: number; name?: string };
  return { kind: e?.name ?? 'error', message: e?.message ?? String(err), status: e?.status ?? e?.statusCode };
}
