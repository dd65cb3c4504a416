// Per-shop processor connections: connect/update, test, disconnect (each audited), and the one rule
// "a processor-backed method is enabled only while its connection works":
// - assertMethodsUsable refuses to enable PAYPAL / CASHAPP_PAY / BTC_INVOICE without a CONNECTED connection
//   (the settings save calls it);
// - a failed test or a disconnect switches the provider's methods off in the same transaction;
// - a disconnect is refused while checkouts on the connection can still be paid or are being paid: their
//   webhooks, voiding and reconciliation need the credentials it erases;
// - usableMethods is what the invoice page and checkouts offer (enabled AND a working connection, the one rule of
//   working-connection.ts, which the Discord payment menu and the order steps read too).
// Secrets are one encrypted JSON value (platform/secret-box.ts); surfaces only ever see secretHints.
import { z } from 'zod';
import type { PaymentConnection, PaymentMethod } from '../../../generated/prisma/index.js';
import type { Clock } from '../../../platform/clock.js';
import { Prisma, withTransaction, type Db, type Tx } from '../../../platform/db/prisma.js';
import { AppError, validationError } from '../../../platform/errors.js';
import { checkOutboundTarget, type OutboundPolicy, type ResolveHost } from '../../../platform/outbound/outbound-url.js';
import { maskLast4, openSecret, type SecretBox } from '../../../platform/secret-box.js';
import { formatDateTime } from '../../../platform/time-format.js';
import { parseInput } from '../../../platform/validate.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { TenantContext } from '../../shared/actor.js';
import { ordersWithLiveCheckouts } from '../checkouts/money-in-flight.query.js';
import { connectionFormSave, loadedForm, type LoadedConnectionForm, type SecretChange } from './connection-form.js';
import type { ConnectionTestResult, ProviderAdapter, ProviderConnection, ProviderId } from '../providers/provider.port.js';
import { isProcessorMethod, PROVIDER_DEFINITIONS, providerOfMethod, type ProviderUrlOverrides } from './provider-definitions.js';
import { currencyRefusal, methodTakesCurrency, methodWords } from './method-currency.js';
import { WORKING_CONNECTION_SQL } from './working-connection.js';

export type ProviderAdapters = Partial<Record<ProviderId, ProviderAdapter>>;
type ProviderDefinitionUrls = (typeof PROVIDER_DEFINITIONS)[ProviderId]['outboundUrls'];

/** Equal as JSON values, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        )
      : Array.isArray(v)
        ? v.map(canonical)
        : v;
  return JSON.stringify(canonical(a ?? {})) === JSON.stringify(canonical(b ?? {}));
}

const providerId = z.enum(['PAYPAL', 'SQUARE', 'BTCPAY']);
const connectInput = z.object({
  provider: providerId,
  environment: z.string(),
  config: z.record(z.string(), z.unknown()),
  /** Write-only: a field left empty keeps the stored value. */
  secrets: z.record(z.string(), z.string().optional()).default({}),
  /** The panel form's connection as it loaded (`ConnectionView.loaded`; null: it loaded none); connection-form.ts. */
  shown: z.unknown().optional(),
});

/** What a surface may see of a connection (never a secret). */
export interface ConnectionView {
  id: string;
  provider: ProviderId;
  label: string;
  environment: string;
  config: Record<string, unknown>;
  secretHints: Record<string, string>;
  status: PaymentConnection['status'];
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
  lastTestedAt: Date | null;
  methods: PaymentMethod[];
  /** What an edit form carries back to its save (connection-form.ts): no secret. */
  loaded: LoadedConnectionForm;
}

export interface LoadedConnection {
  row: PaymentConnection;
  conn: ProviderConnection;
  adapter: ProviderAdapter;
}

export interface ConnectionService {
  list(ctx: TenantContext): Promise<ConnectionView[]>;
  /**
   * Creates or updates the tenant's connection for a provider (status back to UNTESTED, its methods off).
   * A save that changes nothing (same environment, settings and secrets) writes nothing: changed=false.
   * VALIDATION_FAILED for bad fields.
   */
  connect(ctx: TenantContext, input: unknown): Promise<ConnectionView & { changed: boolean }>;
  /**
   * Calls the provider with the stored credentials and records what it answered. A passing test switches
   * back on the methods that saves and failed tests switched off since the last passing test
   * (methodsSwitchedOn); a failing one switches the provider's methods off.
   */
  test(
    ctx: TenantContext,
    provider: ProviderId,
  ): Promise<ConnectionTestResult & { view: ConnectionView; methodsSwitchedOn: PaymentMethod[] }>;
  /**
   * Erases the secrets, marks it DISCONNECTED and switches its methods off. ILLEGAL_STATE while orders have a
   * checkout on it that is open or being paid (naming how many and what to do).
   */
  disconnect(ctx: TenantContext, provider: ProviderId): Promise<ConnectionView>;
  /**
   * PAYMENT_METHOD_NOT_ENABLED when a processor-backed method in `methods` does not take the shop's currency
   * (`currency`, e.g. the one being saved with it; default the stored one) or has no working connection; the
   * message names the methods in words ("Cash App Pay"). Given `tx` (a save's transaction, the shop's row locked),
   * the connections are read in it.
   */
  assertMethodsUsable(tenantId: string, methods: readonly PaymentMethod[], currency?: string, tx?: Tx): Promise<void>;
  /** The tenant's enabled methods minus processor-backed ones without a working connection or not taking its currency. */
  usableMethods(tenantId: string, enabled: readonly PaymentMethod[], currency?: string): Promise<PaymentMethod[]>;
  /** The connection an adapter call needs (decrypted); NOT_FOUND / PAYMENT_METHOD_NOT_ENABLED when unusable. */
  load(
    where: { id: string } | { tenantId: string; provider: ProviderId },
    opts?: { requireConnected?: boolean },
  ): Promise<LoadedConnection>;
  adapterFor(provider: ProviderId): ProviderAdapter;
}

export function createConnectionService(deps: {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  audit: Pick<AuditService, 'record'>;
  adapters: ProviderAdapters;
  urls: ProviderUrlOverrides;
  /** The outbound rule for URLs a shop types that the server calls (a BTCPay server's): checked at save. */
  outbound: { policy: OutboundPolicy; resolveHost: ResolveHost };
}): ConnectionService {
  const { db, clock, secrets: box, audit, adapters, urls } = deps;

  /** Each URL setting the server will call passes the outbound rule (production: https, a public address). */
  async function checkOutboundUrls(label: string, fields: ProviderDefinitionUrls, config: Record<string, unknown>): Promise<void> {
    for (const [key, field] of Object.entries(fields ?? {})) {
      await checkOutboundTarget(config[key], deps.outbound.policy, deps.outbound.resolveHost, field).catch((err: unknown) => {
        if (!(err instanceof AppError)) throw err;
        throw validationError([{ path: [key], message: err.message }], `${label} settings`);
      });
    }
  }

  const view = (row: PaymentConnection): ConnectionView => {
    const def = PROVIDER_DEFINITIONS[row.provider];
    return {
      id: row.id,
      provider: row.provider,
      label: def.label,
      environment: row.environment,
      config: (row.config ?? {}) as Record<string, unknown>,
      secretHints: (row.secretHints ?? {}) as Record<string, string>,
      status: row.status,
      lastTestOk: row.lastTestOk,
      lastTestMessage: row.lastTestMessage,
      lastTestedAt: row.lastTestedAt,
      methods: def.methods,
      loaded: loadedForm(box, row),
    };
  };

  const adapterFor = (provider: ProviderId): ProviderAdapter => {
    const adapter = adapters[provider];
    if (!adapter)
      throw new AppError('PAYMENT_METHOD_NOT_ENABLED', `${PROVIDER_DEFINITIONS[provider].label} is not available on this server yet.`);
    return adapter;
  };

  /** A connection's stored secrets, decrypted (none once disconnected). */
  const storedSecrets = (row: Pick<PaymentConnection, 'secrets'>): Record<string, string> =>
    row.secrets ? (JSON.parse(openSecret(box, row.secrets)) as Record<string, string>) : {};

  /** Why the connection cannot take payments yet for want of its webhook settings, or null when it has them. */
  const missingWebhookSettings = (row: PaymentConnection): string | null => {
    const def = PROVIDER_DEFINITIONS[row.provider];
    const config = (row.config ?? {}) as Record<string, unknown>;
    const secrets = storedSecrets(row);
    const absent = def.webhookFields.filter((f) => !config[f] && !secrets[f]);
    if (!absent.length) return null;
    return `${def.label} cannot confirm payments to Ledgerline until its webhook is set up: ${def.webhookHelp}. Then save and test again.`;
  };

  const toConnection = (row: PaymentConnection): ProviderConnection => {
    if (!row.secrets)
      throw new AppError(
        'PAYMENT_METHOD_NOT_ENABLED',
        `The shop's ${PROVIDER_DEFINITIONS[row.provider].label} connection is disconnected.`,
      );
    return PROVIDER_DEFINITIONS[row.provider].toConnection(
      { environment: row.environment, config: (row.config ?? {}) as Record<string, unknown> },
      storedSecrets(row),
      urls,
    );
  };

  /**
   * The shop's methods and currency, its row locked FOR UPDATE until the transaction ends: a switch-off or
   * switch-on computes the new list from this one, so a Settings save (which holds the same lock while it merges
   * the ticked boxes) is never written over with a list read before it committed.
   */
  async function lockedMethods(tx: Tx, tenantId: string): Promise<{ enabledPaymentMethods: PaymentMethod[]; currency: string }> {
    const [row] = await tx.$queryRaw<{ enabledPaymentMethods: PaymentMethod[]; currency: string }[]>`
      SELECT "enabledPaymentMethods"::text[] AS "enabledPaymentMethods", currency FROM tenants WHERE id = ${tenantId} FOR UPDATE`;
    if (!row) throw new AppError('NOT_FOUND', 'Shop not found');
    return row;
  }

  /** `enabled` minus the processor-backed methods without a working connection or not taking `currency`, read with `runner`. */
  async function usableIn(
    runner: Db | Tx,
    tenantId: string,
    enabled: readonly PaymentMethod[],
    currency: string,
  ): Promise<PaymentMethod[]> {
    if (!enabled.some(isProcessorMethod)) return [...enabled];
    const connected = await runner.$queryRaw<{ provider: ProviderId }[]>`
      SELECT c.provider::text AS provider FROM payment_connections c WHERE c."tenantId" = ${tenantId} AND ${WORKING_CONNECTION_SQL}`;
    const providers = new Set(connected.map((c) => c.provider));
    return enabled.filter(
      (m) =>
        !isProcessorMethod(m) ||
        (providers.has(providerOfMethod(m)) && adapters[providerOfMethod(m)] !== undefined && methodTakesCurrency(m, currency)),
    );
  }

  /** Switches the provider's methods off for the tenant (inside tx); returns the ones that were on. */
  async function switchOff(tx: Tx, tenantId: string, provider: ProviderId): Promise<PaymentMethod[]> {
    const tenant = await lockedMethods(tx, tenantId);
    const off = PROVIDER_DEFINITIONS[provider].methods.filter((m) => tenant.enabledPaymentMethods.includes(m));
    if (off.length)
      await tx.tenant.update({
        where: { id: tenantId },
        data: { enabledPaymentMethods: tenant.enabledPaymentMethods.filter((m) => !off.includes(m)) },
      });
    return off;
  }

  /**
   * After a passing test (inside its tx): switches back on what saves and failed tests of this connection
   * switched off since its last passing test (a disconnect's switch-off is the admin's choice and stays).
   */
  async function switchBackOn(tx: Tx, tenantId: string, connectionId: string): Promise<PaymentMethod[]> {
    const entries = await tx.auditLog.findMany({
      where: { tenantId, entityType: 'PaymentConnection', entityId: connectionId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { action: true, after: true },
      take: 100,
    });
    const off = new Set<PaymentMethod>();
    for (const e of entries) {
      const after = (e.after ?? {}) as { ok?: boolean; applied?: boolean; methodsSwitchedOff?: PaymentMethod[] };
      if (e.action === 'payment_connection.disconnected') break;
      if (e.action === 'payment_connection.tested' && after.ok && after.applied) break;
      for (const m of after.methodsSwitchedOff ?? []) off.add(m);
    }
    const tenant = await lockedMethods(tx, tenantId);
    // Not one the shop's currency no longer allows (a currency changed while it was off): method-currency.ts.
    const on = [...off].filter((m) => !tenant.enabledPaymentMethods.includes(m) && methodTakesCurrency(m, tenant.currency));
    if (on.length)
      await tx.tenant.update({ where: { id: tenantId }, data: { enabledPaymentMethods: [...tenant.enabledPaymentMethods, ...on] } });
    return on;
  }

  /** Who last replaced (or erased) a connection's secret and when, from its audit trail, for a stale form's refusal. */
  async function lastSecretChange(tx: Tx, tenantId: string, connectionId: string, field: string): Promise<SecretChange | null> {
    const entries = await tx.auditLog.findMany({
      where: {
        tenantId,
        entityType: 'PaymentConnection',
        entityId: connectionId,
        action: { in: ['payment_connection.created', 'payment_connection.updated', 'payment_connection.disconnected'] },
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { action: true, after: true, actorType: true, actorId: true, createdAt: true },
      take: 50,
    });
    const entry = entries.find(
      (e) =>
        e.action === 'payment_connection.disconnected' ||
        ((e.after ?? {}) as { secretsChanged?: string[] }).secretsChanged?.includes(field),
    );
    if (!entry) return null;
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { timeZone: true } });
    const admin =
      entry.actorType === 'PANEL_ADMIN' && entry.actorId
        ? await tx.adminUser.findUnique({ where: { id: entry.actorId }, select: { email: true } })
        : null;
    const key =
      entry.actorType === 'API_KEY' && entry.actorId
        ? await tx.apiKey.findFirst({ where: { id: entry.actorId, tenantId }, select: { name: true } })
        : null;
    return {
      by: admin?.email ?? (key ? `API key "${key.name}"` : entry.actorType === 'PANEL_ADMIN' ? 'another admin' : 'the system'),
      at: formatDateTime(entry.createdAt, tenant?.timeZone),
      removed: entry.action === 'payment_connection.disconnected',
    };
  }

  const tenantCurrency = async (tenantId: string): Promise<string> =>
    (await db.tenant.findUnique({ where: { id: tenantId }, select: { currency: true } }))?.currency ?? '';

  const service: ConnectionService = {
    adapterFor,

    async list(ctx) {
      const rows = await db.paymentConnection.findMany({ where: { tenantId: ctx.tenantId }, orderBy: { provider: 'asc' } });
      return rows.map(view);
    },

    async connect(ctx, raw) {
      const input = parseInput(connectInput, raw, 'connection');
      const def = PROVIDER_DEFINITIONS[input.provider];
      if (!def.environments.includes(input.environment)) {
        throw new AppError('VALIDATION_FAILED', `environment must be one of ${def.environments.join(', ')}.`, {
          fields: [{ path: 'environment', message: `one of ${def.environments.join(', ')}` }],
        });
      }
      const postedConfig = parseInput(def.config, input.config, `${def.label} settings`) as Record<string, unknown>;
      await checkOutboundUrls(def.label, def.outboundUrls, postedConfig);
      // Two first saves of the provider at once: the loser's INSERT meets the winner's row (unique per shop and
      // provider) and its transaction rolls back whole; it is refused in words, as a stale form is.
      return withTransaction(db, async (tx) => {
        const found = await tx.paymentConnection.findUnique({
          where: { tenantId_provider: { tenantId: ctx.tenantId, provider: input.provider } },
        });
        // The form's save compares with the row under its lock (connection-form.ts).
        if (found) await tx.$queryRaw(Prisma.sql`SELECT id FROM payment_connections WHERE id = ${found.id} FOR UPDATE`);
        const existing = found && (await tx.paymentConnection.findUniqueOrThrow({ where: { id: found.id } }));
        const stored = existing ? storedSecrets(existing) : {};
        const given = Object.fromEntries(
          Object.entries(input.secrets)
            .filter(([k, v]) => def.secretFields.includes(k) && v && v.trim())
            .map(([k, v]) => [k, v!.trim()]),
        );
        const { environment, config } = await connectionFormSave({
          label: def.label,
          box,
          shown: input.shown,
          stored: existing,
          posted: { environment: input.environment, config: postedConfig },
          keptSecrets: def.secretFields.filter((f) => !(f in given)),
          typedSecrets: Object.keys(given),
          lastSecretChange: (field) => lastSecretChange(tx, ctx.tenantId, existing!.id, field),
        });
        const merged = parseInput(def.secrets, { ...stored, ...given }, `${def.label} secrets`) as Record<string, string>;
        if (existing?.secrets && existing.environment === environment && sameJson(existing.config, config) && sameJson(stored, merged)) {
          // Nothing changed: the connection keeps its tested status and its methods stay as they are.
          return { ...view(existing), changed: false };
        }
        const hints = Object.fromEntries(def.secretFields.map((f) => [f, maskLast4(merged[f]) ?? '']));
        const data = {
          environment,
          config: config as object,
          secrets: box.encrypt(JSON.stringify(merged)),
          secretHints: hints,
          status: 'UNTESTED' as const,
          lastTestOk: null,
          lastTestMessage: null,
          lastTestedAt: null,
        };
        const row = existing
          ? await tx.paymentConnection.update({ where: { id: existing.id }, data })
          : await tx.paymentConnection.create({ data: { tenantId: ctx.tenantId, provider: input.provider, ...data } });
        // Changed credentials are untested: the methods stay off until a test passes again.
        const switchedOff = await switchOff(tx, ctx.tenantId, input.provider);
        await audit.record(tx, ctx, {
          action: existing ? 'payment_connection.updated' : 'payment_connection.created',
          entityType: 'PaymentConnection',
          entityId: row.id,
          before: existing ? { environment: existing.environment, config: existing.config, secretHints: existing.secretHints } : undefined,
          after: {
            provider: row.provider,
            environment: row.environment,
            config,
            secretHints: hints,
            secretsChanged: Object.keys(given),
            methodsSwitchedOff: switchedOff,
          },
        });
        return { ...view(row), changed: true };
      }).catch((err: unknown) => {
        if ((err as { code?: string }).code !== 'P2002') throw err;
        throw new AppError(
          'CONFLICT',
          `${def.label} was connected by someone else while you filled in this form, so your save was not made. Reload the page to see the connection as it is now, then make your change again.`,
        );
      });
    },

    async test(ctx, provider) {
      const row = await db.paymentConnection.findUnique({ where: { tenantId_provider: { tenantId: ctx.tenantId, provider } } });
      if (!row || !row.secrets) throw new AppError('NOT_FOUND', `Connect ${PROVIDER_DEFINITIONS[provider].label} first.`);
      let result: ConnectionTestResult;
      const missing = missingWebhookSettings(row);
      try {
        result = missing ? { ok: false, message: missing } : await adapterFor(provider).testConnection(toConnection(row));
      } catch (err) {
        result = { ok: false, message: err instanceof AppError ? err.message : 'The test failed unexpectedly.' };
      }
      const message = result.message.slice(0, 500);
      const updated = await withTransaction(db, async (tx) => {
        // Only if the credentials did not change while the provider was being asked.
        const { count } = await tx.paymentConnection.updateMany({
          where: { id: row.id, updatedAt: row.updatedAt },
          data: { status: result.ok ? 'CONNECTED' : 'FAILED', lastTestOk: result.ok, lastTestMessage: message, lastTestedAt: clock.now() },
        });
        const switchedOff = count && !result.ok ? await switchOff(tx, ctx.tenantId, provider) : [];
        const switchedOn = count && result.ok ? await switchBackOn(tx, ctx.tenantId, row.id) : [];
        await audit.record(tx, ctx, {
          action: 'payment_connection.tested',
          entityType: 'PaymentConnection',
          entityId: row.id,
          after: { ok: result.ok, message, methodsSwitchedOff: switchedOff, methodsSwitchedOn: switchedOn, applied: count === 1 },
        });
        return { row: await tx.paymentConnection.findUniqueOrThrow({ where: { id: row.id } }), switchedOn };
      });
      return { ok: result.ok, message, view: view(updated.row), methodsSwitchedOn: updated.switchedOn };
    },

    async disconnect(ctx, provider) {
      return withTransaction(db, async (tx) => {
        const row = await tx.paymentConnection.findUnique({ where: { tenantId_provider: { tenantId: ctx.tenantId, provider } } });
        if (!row) throw new AppError('NOT_FOUND', `${PROVIDER_DEFINITIONS[provider].label} is not connected.`);
        // FOR UPDATE waits for a checkout being inserted on it (its foreign key holds KEY SHARE) and holds the next.
        await tx.$queryRaw(Prisma.sql`SELECT id FROM payment_connections WHERE id = ${row.id} FOR UPDATE`);
        const orders = await ordersWithLiveCheckouts(tx, row.id);
        if (orders) {
          const label = PROVIDER_DEFINITIONS[provider].label;
          throw new AppError(
            'ILLEGAL_STATE',
            `${label} cannot be disconnected while ${orders === 1 ? '1 order has a checkout' : `${orders} orders have checkouts`} open on it: its customer${orders === 1 ? '' : 's'} can still pay there, and that money reaches the shop's books only through this connection. Cancel ${orders === 1 ? 'that order' : 'those orders'} (that closes the checkout${orders === 1 ? '' : 's'}) or wait until ${orders === 1 ? 'it is' : 'they are'} paid or ${orders === 1 ? 'its' : 'their'} pay window ends, then disconnect. To stop new payments now, switch the method off in Shop settings.`,
            { orders },
          );
        }
        const updated = await tx.paymentConnection.update({
          where: { id: row.id },
          // The last test was of the credentials erased here: it no longer says anything (as a save resets it).
          data: { secrets: null, secretHints: {}, status: 'DISCONNECTED', lastTestOk: null, lastTestMessage: null, lastTestedAt: null },
        });
        const switchedOff = await switchOff(tx, ctx.tenantId, provider);
        await audit.record(tx, ctx, {
          action: 'payment_connection.disconnected',
          entityType: 'PaymentConnection',
          entityId: row.id,
          after: { provider, methodsSwitchedOff: switchedOff },
        });
        return view(updated);
      });
    },

    async assertMethodsUsable(tenantId, methods, currency, tx) {
      const shopCurrency = currency ?? (await tenantCurrency(tenantId));
      const wrongCurrency = methods.filter((m) => isProcessorMethod(m) && !methodTakesCurrency(m, shopCurrency));
      if (wrongCurrency.length) {
        throw new AppError(
          'PAYMENT_METHOD_NOT_ENABLED',
          `${wrongCurrency.map((m) => currencyRefusal(m, shopCurrency)).join(' ')} Switch ${wrongCurrency.map(methodWords).join(', ')} off, or sell in a currency ${wrongCurrency.length === 1 ? 'it takes' : 'they take'}.`,
          { methods: wrongCurrency, currency: shopCurrency },
        );
      }
      const usable = await usableIn(tx ?? db, tenantId, methods, shopCurrency);
      const refused = methods.filter((m) => !usable.includes(m));
      if (refused.length) {
        const names = refused.map((m) => PROVIDER_DEFINITIONS[providerOfMethod(m as never)].label);
        throw new AppError(
          'PAYMENT_METHOD_NOT_ENABLED',
          `${refused.map(methodWords).join(', ')} can be switched on only while the shop's ${[...new Set(names)].join(' / ')} connection works: connect it and pass "Test connection" in Settings -> Payments first.`,
          { methods: refused },
        );
      }
    },

    async usableMethods(tenantId, enabled, currency) {
      if (!enabled.some(isProcessorMethod)) return [...enabled];
      return usableIn(db, tenantId, enabled, currency ?? (await tenantCurrency(tenantId)));
    },

    async load(where, opts = {}) {
      const row =
        'id' in where
          ? await db.paymentConnection.findUnique({ where: { id: where.id } })
          : await db.paymentConnection.findUnique({ where: { tenantId_provider: { tenantId: where.tenantId, provider: where.provider } } });
      if (!row) throw new AppError('NOT_FOUND', 'Payment connection not found.');
      if (opts.requireConnected && row.status !== 'CONNECTED') {
        throw new AppError(
          'PAYMENT_METHOD_NOT_ENABLED',
          `The shop's ${PROVIDER_DEFINITIONS[row.provider].label} connection is not working right now.`,
        );
      }
      return { row, conn: toConnection(row), adapter: adapterFor(row.provider) };
    },
  };
  return service;
}
