// Settings -> Payments: the shop's own PayPal / Square (Cash App Pay) / BTCPay connections. One page (the
// PaymentConnection resource's list action, with its own component) that lists the connections, saves a
// provider's form (secret fields write-only: empty keeps the stored value; the form carries the connection as it
// loaded, and the save writes only what was changed: connection-form.ts), runs "Test connection" and shows
// what the provider answered, and disconnects. Tenant admins only; every write goes through
// services.paymentConnections (validated, audited). Secrets never leave the server: only their last 4.
import type { ActionContext, ActionRequest, ActionResponse, ResourceWithOptions } from 'adminjs';
import { z } from 'zod';
import type { Services } from '../services.js';
import { PROVIDER_DEFINITIONS } from '../../../modules/payments-processor/connections/provider-definitions.js';
import { isAppError } from '../../../platform/errors.js';
import { connectionWebhookUrl, isProcessorMethod } from '../../../modules/payments-processor/connections/provider-definitions.js';
import type { ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { isTenantAdmin } from '../auth/panel-admin.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import type { AdminComponents } from '../components/component-loader.js';
import { never } from './access.js';
import { CONNECTION_STATUS_LABELS, labelOf, PAYMENT_METHOD_LABELS } from '../presentation/labels.js';
import type { TenantSaveHooks } from './settings.resources.js';

const command = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('save'),
    provider: z.enum(['PAYPAL', 'SQUARE', 'BTCPAY']),
    environment: z.string().max(20),
    config: z.record(z.string(), z.string().max(500)),
    secrets: z.record(z.string(), z.string().max(1000)).default({}),
    /** The connection as the form loaded it (JSON of its `loaded`; empty: the form loaded none). */
    shown: z.string().max(20_000).nullish(),
  }),
  z.object({ op: z.literal('test'), provider: z.enum(['PAYPAL', 'SQUARE', 'BTCPAY']) }),
  z.object({ op: z.literal('disconnect'), provider: z.enum(['PAYPAL', 'SQUARE', 'BTCPAY']) }),
]);

/** The form each provider needs (labels for the panel), from the one definition per provider. */
const FIELD_LABELS: Record<string, string> = {
  clientId: 'Client ID',
  webhookId: 'Webhook ID',
  clientSecret: 'Secret',
  locationId: 'Location ID',
  applicationId: 'Application ID',
  accessToken: 'Access token',
  webhookSignatureKey: 'Webhook signature key',
  serverUrl: 'Server URL (https://…)',
  storeId: 'Store ID',
  apiKey: 'API key',
  webhookSecret: 'Webhook secret',
};

const field = (d: (typeof PROVIDER_DEFINITIONS)[keyof typeof PROVIDER_DEFINITIONS], name: string) => ({
  name,
  label: FIELD_LABELS[name] ?? name,
  webhook: d.webhookFields.includes(name),
});

/** The methods' words ("Cash App Pay"), never their stored names, from the panel's one list (presentation/labels.ts). */
const methodNames = (methods: readonly string[]) => methods.map((m) => labelOf(PAYMENT_METHOD_LABELS, m)).join(', ');

export function providerForms() {
  return Object.values(PROVIDER_DEFINITIONS).map((d) => ({
    provider: d.provider,
    label: d.label,
    methods: d.methods,
    methodsShown: methodNames(d.methods),
    notConnectedLabel: CONNECTION_STATUS_LABELS.NOT_CONNECTED,
    environments: d.environments,
    configFields: Object.keys(d.config.shape).map((name) => field(d, name)),
    secretFields: d.secretFields.map((name) => field(d, name)),
  }));
}

/**
 * What to do after a save: the webhook settings the connection still lacks first (Test connection refuses
 * without them, connection.service.ts), with where to get them (the provider definition's webhookHelp); only
 * once they are saved, "Test connection".
 */
export function nextStep(
  provider: keyof typeof PROVIDER_DEFINITIONS,
  saved: { config: Record<string, unknown>; secretHints: Record<string, string> },
): string {
  const def = PROVIDER_DEFINITIONS[provider];
  const missing = def.webhookFields.filter((f) => !saved.config[f] && !saved.secretHints[f]).map((f) => FIELD_LABELS[f] ?? f);
  if (!missing.length) return 'Press "Test connection" to switch its payment method on.';
  const what = missing.join(' and ');
  return `Next, the ${what} ${missing.length === 1 ? 'is' : 'are'} still missing: ${def.webhookHelp}, then press Save. Only then press "Test connection" to switch its payment method on.`;
}

/** The hooks the tenant settings save calls (settings.resources.ts, tenant-settings.rules.ts): seal the TaxJar key, refuse unconnected methods. */
export function tenantSaveHooks(services: Services): TenantSaveHooks {
  return {
    sealSecret: (plain) => services.secrets.encrypt(plain),
    async refuseMethods(tx, tenantId, methods, currency) {
      const processor = methods.filter(isProcessorMethod);
      if (!processor.length) return null;
      try {
        await services.paymentConnections.assertMethodsUsable(tenantId, processor, currency, tx);
        return null;
      } catch (err) {
        if (isAppError(err)) return err.message;
        throw err;
      }
    },
  };
}

export function paymentConnectionResource(deps: {
  services: Services;
  resource: ScopedPrismaResource;
  components: AdminComponents;
}): ResourceWithOptions {
  const { services, resource, components } = deps;
  const logger = services.logger.child({ surface: 'admin', resource: 'PaymentConnection' });

  const page = async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    const ctx = tenantContextOf(context);
    const webhookBase = (services.env.PUBLIC_BASE_URL ?? '').replace(/\/+$/, '');
    let result: { ok: boolean; message: string } | undefined;
    if (request.method === 'post') {
      const parsed = command.safeParse(request.payload ?? {});
      if (!parsed.success) {
        result = { ok: false, message: 'That request was not understood: reload the page and try again.' };
      } else {
        const c = parsed.data;
        try {
          if (c.op === 'save') {
            const saved = await services.paymentConnections.connect(ctx, {
              provider: c.provider,
              environment: c.environment,
              config: c.config,
              secrets: c.secrets,
              // Always a form's save: without the loaded connection a save over a stored one is refused.
              shown: c.shown || null,
            });
            const def = PROVIDER_DEFINITIONS[c.provider];
            result = {
              ok: true,
              message: saved.changed
                ? `${def.label} saved. ${nextStep(c.provider, saved)}`
                : `${def.label}: nothing changed, so nothing was saved; the connection and its payment method stay as they were.`,
            };
          } else if (c.op === 'test') {
            const tested = await services.paymentConnections.test(ctx, c.provider);
            const on = tested.methodsSwitchedOn.length ? ` ${methodNames(tested.methodsSwitchedOn)} switched back on.` : '';
            result = { ok: tested.ok, message: `${tested.message}${on}` };
          } else {
            await services.paymentConnections.disconnect(ctx, c.provider);
            result = {
              ok: true,
              message: `${PROVIDER_DEFINITIONS[c.provider].label} disconnected: its payment method is switched off and its secrets erased.`,
            };
          }
        } catch (err) {
          if (!isAppError(err)) logger.error({ err }, 'payments settings action failed');
          result = { ok: false, message: isAppError(err) ? err.message : 'Something went wrong; nothing was changed.' };
        }
      }
    }
    const connections = await services.paymentConnections.list(ctx);
    return {
      records: [],
      meta: { total: 0, perPage: 1, page: 1 },
      payments: {
        forms: providerForms(),
        connections: connections.map((c) => ({
          ...c,
          statusLabel: labelOf(CONNECTION_STATUS_LABELS, c.status),
          webhookUrl: connectionWebhookUrl(webhookBase, c.provider, c.id),
        })),
        result,
      },
    } as ActionResponse;
  };

  const tenantAdmin = (ctx: { currentAdmin?: unknown }) => isTenantAdmin(ctx.currentAdmin);
  return {
    resource,
    options: {
      id: 'PaymentConnection',
      navigation: { name: 'Settings', icon: 'Settings' },
      actions: {
        list: { isAccessible: tenantAdmin, component: components.PaymentsSettings, handler: page, showFilter: false },
        show: { isAccessible: never },
        edit: { isAccessible: never },
        new: { isAccessible: never },
        delete: { isAccessible: never },
        bulkDelete: { isAccessible: never },
        search: { isAccessible: never },
      },
    },
  };
}
