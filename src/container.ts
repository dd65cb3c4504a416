// The composition root: the one place that builds every service and port. No DI library: plain functions
// taking one `deps` object. Surfaces receive the finished Services and never construct modules themselves.
import type { KeyObject } from 'node:crypto';
import { discordRestBaseUrl, type Env } from './config/env.js';
import type { DevSecrets } from './config/dev-secrets.js';
import { systemClock, type Clock } from './platform/clock.js';
import { createDatabase } from './platform/db/database.js';
import type { Db } from './platform/db/prisma.js';
import type { SqlClient } from './platform/db/sql.js';
import { registerLaneDrain } from './platform/jobs/lanes.js';
import type { RunApart } from './platform/jobs/worker.js';
import { tellSupervisor, watchWorkerChild, type WorkerChildWatch } from './platform/jobs/worker-process.js';
import { EventBus } from './platform/jobs/queue.js';
import type { Logger } from './platform/logger.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { createJobAdmin } from './platform/jobs/job-admin.js';
import { importDiscordPublicKey } from './surfaces/discord/signature.js';
import type { REST } from '@discordjs/rest';
import {
  createDiscordRest,
  createInteractionRest,
  discordRateLimitWait,
  watchBotToken,
  type BotTokenWatch,
} from './adapters/discord/discord-rest.js';
import { createDiscordRoleGateway } from './adapters/discord/role-gateway.discord.js';
import { registerDiscordNotifications } from './adapters/discord/notifications/order-notifications.js';
import { createDeliveryLog, DELIVERY_RECORD_KEEP_MS } from './modules/notifications/delivery-log.js';
import { createSentDmStore } from './modules/notifications/sent-dms.js';
import { registerDmErasure } from './adapters/discord/notifications/dm-erasure.js';
import { createDmStatusService, type DmStatusService } from './modules/notifications/dm-status.service.js';
import { createMissedNotices, type MissedNotices } from './modules/notifications/missed-notices.js';
import { createReceiptDms } from './modules/notifications/receipt-dm-state.js';
import { createApiKeyService, type ApiKeyService } from './modules/api-keys/api-key.service.js';
import { createInvoiceService, type InvoiceService } from './modules/invoices/invoice.service.js';
import { registerProcessorRefundJobs } from './modules/payments-processor/processor-refund.jobs.js';
import {
  createConnectionService,
  type ConnectionService,
  type ProviderAdapters,
} from './modules/payments-processor/connections/connection.service.js';
import type { ProviderId } from './modules/payments-processor/providers/provider.port.js';
import { createCheckoutService, type CheckoutService } from './modules/payments-processor/checkouts/checkout.service.js';
import { createProviderRefundReader } from './modules/payments-processor/checkouts/provider-refund-reads.js';
import { registerCheckoutJobs } from './modules/payments-processor/checkouts/checkout.jobs.js';
import { createRefundSweep, type RefundSweep } from './modules/payments-processor/checkouts/refund-sweep.js';
import { registerDeletedOrderMoneyJobs } from './modules/payments-processor/checkouts/deleted-order-money.jobs.js';
import { processorRefundOutcomes } from './modules/payments-processor/processor-refund-outcome.query.js';
import { orderCheckoutNow } from './modules/payments-processor/checkouts/order-checkout-now.js';
import { createPayPalAdapter } from './modules/payments-processor/providers/paypal/paypal.adapter.js';
import { BtcPayAdapter } from './modules/payments-processor/providers/btcpay/btcpay.adapter.js';
import { SquareAdapter } from './modules/payments-processor/providers/square/square.adapter.js';
import { createSecretBox, type SecretBox } from './platform/secret-box.js';
import { createInventoryService, type InventoryService } from './modules/inventory/inventory.service.js';
import { createTenantService, type TenantService } from './modules/tenants/tenant.service.js';
import { createCustomerService, type CustomerService } from './modules/customers/customer.service.js';
import { createCatalogService, type CatalogService } from './modules/catalog/catalog.service.js';
import { createDiscountService } from './modules/discounts/discount.service.js';
import { createTaxjarAdapter } from './modules/tax/taxjar.adapter.js';
import { createTaxjarFilingAdapter } from './modules/tax/taxjar-filing.adapter.js';
import { registerTaxJobs } from './modules/tax/tax-sync.job.js';
import { createTaxReportService, type TaxReportService } from './modules/tax/tax-summary.query.js';
import { createExportService, type ExportService } from './modules/exports/export.service.js';
import type { TaxPort } from './modules/tax/tax.port.js';
import { createAddressCheckService, type AddressCheckService } from './modules/tax/address-check.service.js';
import { createOrderSessionService, createSubmitOrder, type OrderSessionService, type PaymentReach } from './modules/checkout/index.js';
import {
  createOrderService,
  type OrderService,
  createOrderCursorCodec,
  createOrderListService,
  type OrderListService,
  registerRollupJobs,
  cancelReasonOf,
} from './modules/orders/index.js';
import { createAuditService, type AuditService } from './modules/audit/audit.service.js';
import { createEntitlementService, type EntitlementService } from './modules/entitlements/entitlement.service.js';
import type { RoleGateway } from './modules/entitlements/role-gateway.port.js';
import { registerEntitlementJobs } from './modules/entitlements/role-jobs.js';
import type { GuildDirectory } from './modules/entitlements/guild-directory.port.js';
import { createRoleRepairService, type RoleRepairService } from './modules/entitlements/role-repair.service.js';
import { registerReconcileJobs } from './modules/entitlements/reconcile-jobs.js';
import { registerHousekeepingJobs, type ConditionalRetentionRule, type RetentionRule } from './modules/housekeeping/housekeeping-jobs.js';
import { pruneSpentDeletedOrderCheckouts } from './modules/payments-processor/checkouts/late-money.js';
import { PROCESSED_INTERACTION_KEEP_MS } from './surfaces/discord/interaction-dedup.js';
import { KEEP_HOURS } from './surfaces/http/api/idempotency.js';
import { LOGIN_ATTEMPT_KEEP_MS } from './surfaces/admin/auth/login-attempts.js';
import { registerTimedAccessJobs } from './modules/entitlements/timed-access.js';
import { createMemberEvents, type MemberEvents } from './modules/entitlements/member-events.js';
import { connectMemberGateway } from './adapters/discord/member-gateway.discord.js';
import { createDigitalGoods, type DigitalGoods } from './modules/entitlements/digital-goods.js';
import { registerDigitalNotifications } from './adapters/discord/notifications/digital-notifications.js';
import { createAdminChannelGuard } from './adapters/discord/notifications/admin-channel-guard.js';
import { runWhileLeader, type LeaderHandle } from './platform/db/leader-lock.js';
import { registerAccessNotifications } from './adapters/discord/notifications/access-notifications.js';
import { registerLateMoneyNotifications } from './adapters/discord/notifications/late-money-notifications.js';
import { createDiscordGuildDirectory } from './adapters/discord/guild-directory.discord.js';
import { createOrderAdminService, type OrderAdminService } from './modules/order-admin/order-admin.service.js';
import { createPaymentService, type PaymentService } from './modules/payments/payment.service.js';
import { createRefundService, type RefundService } from './modules/refunds/refund.service.js';
import { systemResolveHost } from './platform/outbound/guarded-lookup.js';
import type { ResolveHost } from './platform/outbound/outbound-url.js';
import { createWebhookEndpointService, type WebhookEndpointService } from './modules/webhooks/webhook-endpoint.service.js';
import { registerWebhookJobs, WEBHOOK_DELIVER_TASK, WEBHOOK_ENDPOINT_FLAG } from './modules/webhooks/webhook-delivery.jobs.js';
import { createWebhookSender } from './adapters/http/webhook-sender.js';
import { createWebhookDataBuilder } from './surfaces/http/webhooks/webhook-data.js';
import { deletedOrderSnapshot } from './modules/order-admin/deleted-order-snapshot.js';
import {
  createNewOrderPayWindow,
  createPaymentWindowService,
  type PaymentWindowService,
} from './modules/order-expiry/payment-window.service.js';
import { registerPaymentWindowJobs } from './modules/order-expiry/payment-window.jobs.js';
import { registerDeadlineDm } from './adapters/discord/notifications/deadline-dm.js';
import { paymentReminderNotice } from './adapters/discord/notifications/payment-reminder-notifications.js';
import { payWindowExtendedNotice } from './adapters/discord/notifications/pay-window-extended-notifications.js';

export interface ContainerOptions {
  env: Env;
  logger: Logger;
  databaseUrl: string;
  /** Hex Ed25519 public key that verifies interactions (the application's, or the dev simulator's). */
  discordPublicKeyHex: string;
  clock?: Clock;
  /** Generated development secrets (outside production, when not configured). */
  devSecrets?: DevSecrets;
  /** Adds and removes Discord roles for the entitlement jobs (tests pass an in-memory one). */
  roleGateway?: RoleGateway;
  /** Reads servers' roles and members for the role check and the reconciliation (default: Discord REST). */
  guildDirectory?: GuildDirectory;
  /** Resolves the host names of shop-chosen URLs, at save and at every connection (default: the system's; tests pass a fixed one). */
  resolveHost?: ResolveHost;
}

export interface Services {
  env: Env;
  logger: Logger;
  db: Db;
  /** The pool under db (rate-limit counters use it directly). */
  pool: import('pg').Pool;
  /** Plain SQL on the same pool (prepared statements, no Prisma): the interaction hot path (platform/db/sql.ts). */
  sql: SqlClient;
  bus: EventBus;
  /**
   * The bus's tasks that run on a job runner of their own (platform/jobs/worker.ts startJobWorkers): the webhook
   * deliveries, so a shop's endpoint that does not answer holds only their slots, not the DMs', roles' and admin
   * posts' of every shop (docs/decisions/outgoing-webhooks.md).
   */
  runApart: RunApart[];
  clock: Clock;
  databaseUrl: string;
  /** Prometheus metrics of this instance (GET /metrics). */
  metrics: Metrics;
  discordPublicKey: KeyObject;
  /** Discord REST (bot token; DISCORD_API_BASE_URL, the fake in tests and the simulator). */
  discordRest: REST;
  /** Interaction follow-ups only (no global cap: Discord does not count them against the bot's limit). */
  interactionRest: REST;
  /** Records customer DMs Discord refused for good on orders (and closed DMs, 50007, on customers). */
  dmStatus: DmStatusService;
  /** DMs that did not reach their customer: listed on the order, shown at the customer's next interaction. */
  missedNotices: MissedNotices;
  apiKeys: ApiKeyService;
  invoices: InvoiceService;
  /** Encrypts secrets at rest (SECRETS_ENCRYPTION_KEYS, or the generated development key). */
  secrets: SecretBox;
  /** Each shop's own PayPal / Square / BTCPay connections. */
  paymentConnections: ConnectionService;
  /** The checkout ledger: invoice-page checkouts, returns, provider webhooks, reconciliation. */
  checkouts: CheckoutService;
  /** Refunds made in the provider's dashboard whose webhook was lost, read for recently paid checkouts (a cron job). */
  refundSweep: RefundSweep;
  inventory: InventoryService;
  tenants: TenantService;
  customers: CustomerService;
  catalog: CatalogService;
  /** Sales tax and address validation (TaxJar; URL and timeout from TAXJAR_API_URL / TAXJAR_TIMEOUT_MS). */
  tax: TaxPort;
  addressCheck: AddressCheckService;
  orderSessions: OrderSessionService;
  orders: OrderService;
  /** The REST order list: keyset pages named by signed, tenant-bound cursors. */
  orderList: OrderListService;
  audit: AuditService;
  entitlements: EntitlementService;
  /** Role check before a product is saved, Retry of failed role changes, reconciliation. */
  roleRepair: RoleRepairService;
  /** Member joins and role changes seen on the gateway, as entitlement work. */
  memberEvents: MemberEvents;
  /** Licence keys and download links: upload, delivery on payment, revocation on refund. */
  digitalGoods: DigitalGoods;
  payments: PaymentService;
  orderAdmin: OrderAdminService;
  refunds: RefundService;
  /** Sales tax collected per month (panel "Tax & exports"). */
  taxReport: TaxReportService;
  /** Bookkeeping CSV exports, streamed from a cursor (panel and REST). */
  exports: ExportService;
  /** The shop's outgoing webhook endpoints and Redeliver (deliveries are jobs: webhook-delivery.jobs.ts). */
  webhooks: WebhookEndpointService;
  /** Unpaid orders' pay windows: deadline, reminder, expiry, extensions (modules/order-expiry). */
  paymentWindows: PaymentWindowService;
  checkDatabase(): Promise<void>;
  /** Whether Discord refused the bot's token (a 401): /readyz and the metrics say so. */
  botToken: BotTokenWatch;
  /**
   * A job attempt failed (its task): counted in ledgerline_job_failures_total, and told to the supervisor when this
   * process is a supervised worker child (which serves no /metrics).
   */
  jobFailed(task: string): void;
  /** The job worker child this process supervises, if any (start.ts): its restarts (/metrics) and downtime (/readyz). */
  jobWorkerChild: WorkerChildWatch;
  close(): Promise<void>;
}

/** What daily housekeeping deletes: each table's retention is the rule of the code that writes it. */
export const RETENTION_RULES: readonly (RetentionRule | ConditionalRetentionRule)[] = [
  { table: 'processed_interactions', column: 'createdAt', keepMs: PROCESSED_INTERACTION_KEEP_MS },
  { table: 'idempotency_keys', column: 'createdAt', keepMs: KEEP_HOURS * 3600_000 },
  { table: 'notification_deliveries', column: 'sentAt', keepMs: DELIVERY_RECORD_KEEP_MS },
  { table: 'login_attempts', column: 'at', keepMs: LOGIN_ATTEMPT_KEEP_MS },
  // Deleted orders' kept checkouts that took no money, once past their provider's late-money window.
  { table: 'deleted_order_checkouts', prune: pruneSpentDeletedOrderCheckouts },
];

export function createContainer(opts: ContainerOptions): Services {
  const { env, logger } = opts;
  // One pool: Prisma for most of the code, the plain-SQL client for the order flow (platform/db/sql.ts).
  const database = createDatabase(opts.databaseUrl, env.DATABASE_POOL_SIZE, {
    onConnectionError: (err) => logger.warn({ err }, 'database connection lost; it will be reopened when needed'),
    acquireTimeoutMs: env.DATABASE_ACQUIRE_TIMEOUT_MS,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    idleTimeoutMs: env.DATABASE_IDLE_TIMEOUT_MS,
    checkoutPoolSize: env.DATABASE_CHECKOUT_POOL_SIZE,
  });
  const { db, sql } = database;
  const bus = new EventBus();
  const clock = opts.clock ?? systemClock;
  const keyring = env.SECRETS_ENCRYPTION_KEYS ?? opts.devSecrets?.secretsEncryptionKeys;
  if (!keyring) throw new Error('SECRETS_ENCRYPTION_KEYS is not set (required outside development).');
  const secrets = createSecretBox(keyring);
  // Development falls back to the generated secret (devSecrets is only given outside production).
  const invoiceConfig = {
    signingSecret: env.INVOICE_LINK_SIGNING_SECRET ?? opts.devSecrets?.invoiceLinkSecret,
    previousSigningSecret: env.INVOICE_LINK_SIGNING_SECRET_PREVIOUS,
    defaultTtlSeconds: env.INVOICE_LINK_DEFAULT_TTL_SECONDS,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    developmentBaseUrl: env.NODE_ENV === 'production' ? undefined : `http://localhost:${env.PORT}`,
  };
  const inventory = createInventoryService();
  const audit = createAuditService({ db });
  const customers = createCustomerService({ db, sql, clock, audit, bus });
  const discounts = createDiscountService();
  const tax = createTaxjarAdapter({ apiUrl: env.TAXJAR_API_URL, timeoutMs: env.TAXJAR_TIMEOUT_MS, logger, secrets });
  const ordering = { db, sql, clock, bus, inventory, discounts, tax, customers, ttlMinutes: env.ORDER_SESSION_TTL_MINUTES };
  const digitalGoods = createDigitalGoods({ db, bus, audit, now: () => clock.now() });
  const entitlements = createEntitlementService({ db, digital: digitalGoods });
  const afterSale = { db, bus, clock, logger, audit, entitlements, inventory, discounts };
  const payments = createPaymentService(afterSale);
  const discordRest = createDiscordRest({ apiBaseUrl: discordRestBaseUrl(env), botToken: env.DISCORD_BOT_TOKEN });
  const metrics = createMetrics();
  metrics.observePool(database.pool);
  const jobAdmin = createJobAdmin(async <T>(text: string, params: unknown[] = []) => (await database.pool.query(text, params)).rows as T[]);
  metrics.observeJobs(async () => ({ byTask: await jobAdmin.backlog() }), env.READY_TIMEOUT_MS);
  metrics.observeDiscordRest(discordRest);
  const botToken = watchBotToken(discordRest, (route, at) => {
    // A supervised job worker child (where DMs and roles run by default) has no /readyz: its supervisor says it.
    tellSupervisor({ kind: 'discord-bot-token-refused', at: at.toISOString() });
    logger.error(
      { route },
      "Discord refused the bot's token (401): no Discord call is made by this process until it restarts with a valid DISCORD_BOT_TOKEN. DMs and admin-channel posts wait in the job queue (retried) and are sent then.",
    );
  });
  metrics.observeBotToken(botToken);
  const jobWorkerChild = watchWorkerChild(() => metrics.workerRestarts.inc());
  const jobFailed = (task: string) => {
    metrics.jobFailures.inc({ task });
    tellSupervisor({ kind: 'job-failed', task });
  };
  // Shops' lanes (the admin channels' jobs) wait out Discord's rate limits with no worker slot held.
  registerLaneDrain(bus, {
    sql,
    logger,
    waitFor: discordRateLimitWait,
    onFailure: jobFailed,
    // A drain that died holds its shop's lane as long as a dead worker holds its jobs.
    leaseMs: env.JOB_WORKER_STALE_SECONDS * 1000,
  });
  const interactionRest = createInteractionRest({ apiBaseUrl: env.DISCORD_API_BASE_URL });
  metrics.observeDiscordRest(interactionRest);
  const dmStatus = createDmStatusService({ db, clock, bus });
  const missedNotices = createMissedNotices({ db, clock });
  const roleRepair = createRoleRepairService({
    db,
    clock,
    audit,
    logger,
    directory: opts.guildDirectory ?? createDiscordGuildDirectory(discordRest),
  });
  // The role jobs change roles through the REST gateway, or a test's in-memory one.
  registerEntitlementJobs(bus, {
    db,
    audit,
    logger,
    gateway: opts.roleGateway ?? createDiscordRoleGateway(discordRest),
    roleCheck: roleRepair.roleCheck,
    isRateLimit: (err) => discordRateLimitWait(err) !== undefined,
  });
  registerReconcileJobs(bus, { db, roleRepair });
  registerHousekeepingJobs(bus, { sql, clock, logger, rules: RETENTION_RULES });
  registerRollupJobs(bus, { sql, clock, logger });
  registerTimedAccessJobs(bus, { db, audit, logger });
  // URLs a shop types that the server then calls (webhook endpoints, a BTCPay server): https and public
  // addresses only in production, checked when saved and at every connection (platform/outbound/).
  const outbound = { policy: { production: env.NODE_ENV === 'production' }, resolveHost: opts.resolveHost ?? systemResolveHost };
  // Payment providers, one adapter each; every call names the shop's own connection.
  const adapters: ProviderAdapters = {
    PAYPAL: createPayPalAdapter({ timeoutMs: env.PROVIDER_TIMEOUT_MS, now: () => clock.now(), trustedCertPrefix: env.PAYPAL_API_BASE_URL }),
    SQUARE: new SquareAdapter({ timeoutMs: env.PROVIDER_TIMEOUT_MS }),
    BTCPAY: new BtcPayAdapter({ timeoutMs: env.PROVIDER_TIMEOUT_MS, outbound }),
  };
  const paymentConnections = createConnectionService({
    db,
    clock,
    secrets,
    audit,
    adapters,
    outbound,
    urls: {
      paypalApiBaseUrl: env.PAYPAL_API_BASE_URL,
      squareApiBaseUrl: env.SQUARE_API_BASE_URL,
      squareWebPaymentsSdkUrl: env.SQUARE_WEB_PAYMENTS_SDK_URL,
    },
  });
  const checkouts = createCheckoutService({ ...afterSale, connections: paymentConnections });
  // Refunds made in the provider's dashboard whose webhook was lost: read before a refund is computed.
  const providerRefunds = createProviderRefundReader({ ...afterSale, connections: paymentConnections });
  const invoices = createInvoiceService({
    db,
    clock,
    config: invoiceConfig,
    connections: paymentConnections,
    checkouts,
    audit,
    receiptDms: createReceiptDms({ db }),
  });
  // What this server can take payment through: the order flow offers and accepts a processor-backed method
  // only with it (checkout/selection-rules.ts methodRules).
  const paymentReach: PaymentReach = {
    invoiceLinks: invoices.linksAvailable(),
    providers: (Object.keys(adapters) as ProviderId[]).filter((p) => adapters[p] !== undefined),
  };
  // Dashboard refunds whose webhook was lost, on orders nobody refunds again: a sweep of recently paid checkouts.
  const refundSweep = createRefundSweep({ db, clock, logger, reader: providerRefunds });
  registerCheckoutJobs(bus, { checkouts, reconcileAfterMinutes: env.CHECKOUT_RECONCILE_AFTER_MINUTES, refundSweep });
  // Money that reached PayPal or Square for a deleted order, sent back (checkouts/deleted-order-money.ts).
  registerDeletedOrderMoneyJobs(bus, { ...afterSale, connections: paymentConnections });
  // Refunds of processor-paid orders send the money back through the shop's connection (a job; see refund.command.ts).
  registerProcessorRefundJobs(bus, { db, audit, logger, connections: paymentConnections });
  const paymentWindows = createPaymentWindowService({ ...afterSale, sql });
  registerPaymentWindowJobs(bus, { paymentWindows });

  const services: Services = {
    env,
    logger,
    db,
    pool: database.pool,
    sql,
    bus,
    runApart: [
      {
        name: 'webhooks',
        tasks: [WEBHOOK_DELIVER_TASK],
        concurrency: env.WEBHOOK_WORKER_CONCURRENCY,
        capPerFlag: { prefix: WEBHOOK_ENDPOINT_FLAG, max: env.WEBHOOK_ENDPOINT_CONCURRENCY },
      },
    ],
    clock,
    databaseUrl: opts.databaseUrl,
    metrics,
    jobFailed,
    jobWorkerChild,
    discordPublicKey: importDiscordPublicKey(opts.discordPublicKeyHex),
    discordRest,
    interactionRest,
    dmStatus,
    missedNotices,
    apiKeys: createApiKeyService({ db, clock, audit }),
    invoices,
    secrets,
    paymentConnections,
    checkouts,
    refundSweep,
    inventory,
    tenants: createTenantService({ db, sql }),
    customers,
    catalog: createCatalogService({ db, sql }),
    tax,
    addressCheck: createAddressCheckService({ tax }),
    orderSessions: createOrderSessionService({ ...ordering, reach: paymentReach }),
    // Submits' transactions on the checkout pool (database.ts: lock waits must not starve other requests).
    orders: createOrderService({
      db,
      sql,
      submit: createSubmitOrder({
        ...ordering,
        reach: paymentReach,
        sql: database.checkoutSql,
        payWindows: createNewOrderPayWindow({ bus }),
      }),
    }),
    orderList: createOrderListService({ sql, cursors: createOrderCursorCodec(secrets.deriveKeys('order-list-cursor')) }),
    audit,
    entitlements,
    roleRepair,
    memberEvents: createMemberEvents({ db, audit, logger }),
    digitalGoods,
    payments,
    orderAdmin: createOrderAdminService(afterSale),
    refunds: createRefundService(afterSale, { learnProviderRefunds: (ctx, orderId) => providerRefunds.learn(ctx, orderId) }),
    taxReport: createTaxReportService({ db, clock }),
    exports: createExportService({ db, pool: database.pool }),
    webhooks: createWebhookEndpointService({
      db,
      secrets,
      audit,
      policy: outbound.policy,
      resolveHost: outbound.resolveHost,
    }),
    paymentWindows,
    async checkDatabase() {
      await db.$queryRaw`SELECT 1`;
    },
    botToken,
    async close() {
      await database.close();
    },
  };
  // What an order was when deleted (the delete's audit snapshot): read by the DMs that outlive it and the webhooks.
  const deletedOrder = (tenantId: string, orderId: string) => deletedOrderSnapshot(db, tenantId, orderId);
  // The bot posts a shop's orders only into a channel of that shop's own servers (a channel saved before the panel checked).
  const adminChannel = createAdminChannelGuard({ rest: discordRest, tenants: services.tenants });
  const customerDms = registerDiscordNotifications(bus, {
    rest: discordRest,
    logger,
    adminChannel,
    tenants: services.tenants,
    orders: services.orders,
    customers,
    dmStatus,
    deliveries: createDeliveryLog({ db, sql, bus }),
    invoices: services.invoices,
    digital: digitalGoods,
    deletedOrder,
    checkoutNow: (tenantId, orderId) => orderCheckoutNow(db, tenantId, orderId),
    refundOutcomes: (tenantId, orderId) => processorRefundOutcomes(db, tenantId, orderId),
    cancelReason: (tenantId, orderId) => cancelReasonOf(db, tenantId, orderId),
  });
  // The customer's DMs edited when their personal data is erased (recorded with each delivery above).
  registerDmErasure(bus, { rest: discordRest, logger, sentDms: createSentDmStore({ db }), db, audit });
  // The customer's DMs about an unpaid order's pay-by deadline: the reminder, and the notice of more time.
  for (const notice of [paymentReminderNotice, payWindowExtendedNotice])
    registerDeadlineDm(bus, { dms: customerDms, invoices: services.invoices, logger }, notice);
  registerAccessNotifications(bus, { dms: customerDms });
  registerLateMoneyNotifications(bus, { dms: customerDms, tenants: services.tenants, deletedOrder, logger });
  registerTaxJobs(bus, {
    db,
    clock,
    logger,
    filing: createTaxjarFilingAdapter({ apiUrl: env.TAXJAR_API_URL, timeoutMs: 15_000, secrets }),
  });
  registerWebhookJobs(bus, {
    db,
    sql,
    secrets,
    clock,
    logger,
    send: createWebhookSender({
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      blockPrivate: outbound.policy.production,
      resolveHost: outbound.resolveHost,
    }),
    probeSeconds: env.WEBHOOK_TIMEOUT_MS / 1000 + 5,
    data: createWebhookDataBuilder({
      orders: services.orders,
      deletedOrder,
    }),
  });
  registerDigitalNotifications(bus, {
    rest: discordRest,
    logger,
    adminChannel,
    digital: digitalGoods,
    dms: customerDms,
    tenants: services.tenants,
  });
  return services;
}

/** The advisory lock key of the member gateway (any constant; one per kind of led work). */
export const MEMBER_GATEWAY_LOCK = 0x4c4c_4757n; // "LLGW"

/**
 * Runs the gateway listener in exactly one process: the one holding MEMBER_GATEWAY_LOCK. Needs a bot
 * token; the others wait and take over within GATEWAY_LEADER_POLL_MS when the holder dies.
 */
export function startMemberGatewayLeader(services: Services, opts: { pollMs?: number } = {}): LeaderHandle | undefined {
  const token = services.env.DISCORD_BOT_TOKEN;
  if (!token || !services.env.DISCORD_GATEWAY_ENABLED) return undefined;
  return runWhileLeader({
    connectionString: services.databaseUrl,
    lockKey: MEMBER_GATEWAY_LOCK,
    pollMs: opts.pollMs ?? services.env.GATEWAY_LEADER_POLL_MS,
    logger: services.logger.child({ component: 'member-gateway-leader' }),
    lead: () => connectMemberGateway({ token, rest: services.discordRest, events: services.memberEvents, logger: services.logger }),
  });
}
