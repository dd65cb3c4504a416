// What each provider's connection holds: its environments, its non-secret settings and its secrets (each a
// zod schema, so the panel form and the service validate the same way), and how a stored connection
// becomes the ProviderConnection an adapter is called with. One definition per provider; adding a provider
// is one entry here plus its adapter in the registry (container.ts).
import { z } from 'zod';
import type { PaymentMethod } from '../../../generated/prisma/index.js';
import type { OutboundUrlField } from '../../../platform/outbound/outbound-url.js';
import { outboundUrlFormat } from '../../../platform/outbound/outbound-url.js';
import { BTCPAY_SERVER_URL } from '../providers/btcpay/btcpay-server-url.js';
import { PROVIDER_FOR_METHOD, type ProviderConnection, type ProviderId } from '../providers/provider.port.js';

const text = (max: number) => z.string().trim().min(1, 'required').max(max);
/**
 * A webhook setting: the provider hands it out only once our webhook URL is registered there, and that URL
 * names the connection, which exists only after a first save. So it may be left empty until then; "Test
 * connection" refuses while it is (connection.service.ts), so no method is switched on without it.
 */
const webhookText = (max: number) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), text(max).optional());
/**
 * A URL the server will call: its shape here (outboundUrlFormat: http(s), no user:password, #fragment or ?query);
 * whether this server may call it (https and a public address in production) when saved, by the connection
 * service (`outboundUrls`), and at every call, by the adapter.
 */
const outboundUrl = (f: OutboundUrlField) =>
  z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const { problem } = outboundUrlFormat(v, f);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((u) => u.replace(/\/+$/, ''));

/** Base URLs that replace the providers' real hosts (local fakes in development and tests). */
export interface ProviderUrlOverrides {
  paypalApiBaseUrl?: string;
  squareApiBaseUrl?: string;
  squareWebPaymentsSdkUrl?: string;
}

export interface ProviderDefinition {
  provider: ProviderId;
  label: string;
  /** The payment methods this connection settles (PROVIDER_FOR_METHOD, reversed). */
  methods: PaymentMethod[];
  environments: readonly string[];
  config: z.ZodObject;
  secrets: z.ZodObject;
  /** Secret field names, for masking and for "leave empty to keep". */
  secretFields: readonly string[];
  /** The settings (config or secret) that come from registering our webhook URL at the provider. */
  webhookFields: readonly string[];
  /** Where the owner registers the webhook URL and what they bring back, for the test's refusal. */
  webhookHelp: string;
  /** Config fields holding a URL the server calls: checked against the outbound rule when saved (connection.service.ts). */
  outboundUrls?: Record<string, OutboundUrlField>;
  toConnection(
    row: { environment: string; config: Record<string, unknown> },
    secrets: Record<string, string>,
    urls: ProviderUrlOverrides,
  ): ProviderConnection;
}

export const PROVIDER_DEFINITIONS: Record<ProviderId, ProviderDefinition> = {
  PAYPAL: {
    provider: 'PAYPAL',
    label: 'PayPal',
    methods: ['PAYPAL'],
    environments: ['sandbox', 'live'],
    config: z.object({ clientId: text(200), webhookId: webhookText(100) }),
    secrets: z.object({ clientSecret: text(200) }),
    secretFields: ['clientSecret'],
    webhookFields: ['webhookId'],
    webhookHelp:
      'in the PayPal Developer Dashboard, open this app, add a webhook with the Webhook URL shown on this page (all events, or at least the checkout order, capture and refund ones), and paste the Webhook ID it shows here',
    toConnection: (row, secrets, urls) => ({
      provider: 'PAYPAL',
      environment: row.environment === 'live' ? 'live' : 'sandbox',
      apiBaseUrl: urls.paypalApiBaseUrl ?? (row.environment === 'live' ? 'https://api-m.paypal.com' : 'https://api-m.sandbox.paypal.com'),
      clientId: String(row.config.clientId),
      webhookId: String(row.config.webhookId ?? ''),
      clientSecret: secrets.clientSecret!,
    }),
  },
  SQUARE: {
    provider: 'SQUARE',
    label: 'Square (Cash App Pay)',
    methods: ['CASHAPP_PAY'],
    environments: ['sandbox', 'production'],
    config: z.object({ locationId: text(100), applicationId: text(200) }),
    secrets: z.object({ accessToken: text(500), webhookSignatureKey: webhookText(200) }),
    secretFields: ['accessToken', 'webhookSignatureKey'],
    webhookFields: ['webhookSignatureKey'],
    webhookHelp:
      'in the Square Developer Dashboard, open this application, add a webhook subscription with the Webhook URL shown on this page (payment and refund events), and paste its Signature key here',
    toConnection: (row, secrets, urls) => ({
      provider: 'SQUARE',
      environment: row.environment === 'production' ? 'production' : 'sandbox',
      apiBaseUrl:
        urls.squareApiBaseUrl ??
        (row.environment === 'production' ? 'https://connect.squareup.com' : 'https://connect.squareupsandbox.com'),
      webPaymentsSdkUrl:
        urls.squareWebPaymentsSdkUrl ??
        (row.environment === 'production' ? 'https://web.squarecdn.com/v1/square.js' : 'https://sandbox.web.squarecdn.com/v1/square.js'),
      locationId: String(row.config.locationId),
      applicationId: String(row.config.applicationId),
      accessToken: secrets.accessToken!,
      webhookSignatureKey: secrets.webhookSignatureKey ?? '',
    }),
  },
  BTCPAY: {
    provider: 'BTCPAY',
    label: 'BTCPay Server (Bitcoin invoices)',
    methods: ['BTC_INVOICE'],
    environments: ['production'],
    config: z.object({ serverUrl: outboundUrl(BTCPAY_SERVER_URL), storeId: text(100) }),
    outboundUrls: { serverUrl: BTCPAY_SERVER_URL },
    secrets: z.object({ apiKey: text(200), webhookSecret: webhookText(200) }),
    secretFields: ['apiKey', 'webhookSecret'],
    webhookFields: ['webhookSecret'],
    webhookHelp:
      "in BTCPay Server, open the store's Settings -> Webhooks, create a webhook with the Webhook URL shown on this page (invoice and payout events), and paste the same secret here",
    toConnection: (row, secrets) => ({
      provider: 'BTCPAY',
      serverUrl: String(row.config.serverUrl),
      storeId: String(row.config.storeId),
      apiKey: secrets.apiKey!,
      webhookSecret: secrets.webhookSecret ?? '',
    }),
  },
};

/**
 * The URL a connection's webhooks are sent to (POST /webhooks/{provider}/{connectionId},
 * surfaces/http/provider-webhooks.routes.ts): the one the provider card shows the owner to register, and the one
 * the development fakes are given back at start. `base`: the service's public origin, no trailing slash.
 */
export function connectionWebhookUrl(base: string, provider: ProviderId, connectionId: string): string {
  return `${base}/webhooks/${provider.toLowerCase()}/${connectionId}`;
}

export const PROCESSOR_METHODS = ['PAYPAL', 'CASHAPP_PAY', 'BTC_INVOICE'] as const satisfies readonly PaymentMethod[];
export type ProcessorMethod = (typeof PROCESSOR_METHODS)[number];

export function isProcessorMethod(method: string): method is ProcessorMethod {
  return (PROCESSOR_METHODS as readonly string[]).includes(method);
}

export function providerOfMethod(method: ProcessorMethod): ProviderId {
  return PROVIDER_FOR_METHOD[method];
}
