// Builds the AdminJS instance and the Express router mounted at /admin. Request order:
//   session (PostgreSQL; not for static assets) -> CSRF script asset -> login/logout -> AdminJS static assets
//   -> authentication (admin re-read from admin_users on every request) -> CSRF check
//   -> who may see which custom page (pages/page-access.ts) -> CSRF script and token written into each page's <head> (auth/csrf-page.ts) -> AdminJS routes.
// @adminjs/express's buildRouter is given this router, so its routes come after our guards.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as AdminJSPrisma from '@adminjs/prisma';
import { buildRouter } from '@adminjs/express';
import AdminJS, { type ResourceWithOptions } from 'adminjs';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { Services } from './services.js';
import { loadOrCreateDevSecrets } from '../../config/dev-secrets.js';
import { defineScopedResource, type ScopedResourceOptions, type ScopeRule } from './adapter/scoped-resource.js';
import { adminSessionMiddleware } from './auth/admin-session.js';
import { csrfProtection } from './auth/csrf.js';
import { productionBundlesRouter } from './frontend-bundles.js';
import { isQueryInputError, isTransientDatabaseFault } from '../../platform/db/db-faults.js';
import { isAppError, isUndecodablePath } from '../../platform/errors.js';
import { csrfInPage } from './auth/csrf-page.js';
import { createLoginThrottle } from './auth/login-throttle.js';
import { signInAttemptsRoute } from './auth/sign-in-attempts.routes.js';
import { loginRoutes, toPanelAdmin } from './auth/login.routes.js';
import { createComponents } from './components/component-loader.js';
import { dashboardHandler, storedChannelLookup } from './dashboard/dashboard.handler.js';
import { serverAdminsOnlyRoute } from './dashboard/server-admins-only.route.js';
import { productResource, refusesOrderedProductDelete, shippingTypeResource } from './resources/catalog.resources.js';
import { orderResource, orderResourceOptions } from './resources/orders.resource.js';
import {
  addressResource,
  customerResource,
  customerResourceOptions,
  discountAssignmentResource,
  discountResource,
} from './resources/sales.resources.js';
import { API_KEY_ACCESS_LABELS } from '../../modules/api-keys/api-key-access.js';
import { apiKeyResource } from './resources/api-keys.resource.js';
import { webhookDeliveryResource, webhookEndpointResource } from './resources/webhooks.resource.js';
import { roleChangeResource } from './resources/role-changes.resource.js';
import { deletedOrderPaymentsResource, deletedOrderPaymentsResourceOptions } from './resources/deleted-order-payments.resource.js';
import { withAuditTimeline } from './resources/audit-trail.js';
import { addAfter } from './resources/add-after.js';
import { withNewFormDefaults } from './resources/new-form-defaults.js';
import { openTheNewRecord } from './resources/open-new-record.js';
import { createDiscordDirectory, discordNames } from './resources/discord-directory.js';
import { adminUserResource, adminUserRules, guildResource, tenantResource } from './resources/settings.resources.js';
import { amountsInShopCurrency, productInShopCurrency } from './resources/shop-currency.rules.js';
import { tenantSettingsRules } from './resources/tenant-settings.rules.js';
import { changeCurrencyAction } from './resources/change-currency.action.js';
import { maskSecret } from './schemas/tenant-settings.schema.js';
import { openSecret } from '../../platform/secret-box.js';
import { paymentConnectionResource, tenantSaveHooks } from './resources/payments-settings.js';
import { ACCOUNT_PAGE, accountPasswordPage } from './pages/account-password.page.js';
import { JOBS_PAGE, jobsPage } from './pages/jobs.page.js';
import { SIGN_IN_ATTEMPTS_PAGE, signInAttemptsPage } from './pages/sign-in-attempts.page.js';
import { TAX_PAGE, taxReportPage } from './pages/tax-report.page.js';
import { exportsRoute } from './pages/exports.route.js';
import { pageAccess, type PageAccess } from './pages/page-access.js';
import { isPlatformAdmin, isTenantMember, samePanelAdmin } from './auth/panel-admin.js';
import { DATE_TIME_FORMAT } from '../../platform/time-format.js';
import { ASSETS_PATH, isApiRequest, isPublicAsset } from './panel-requests.js';
import { FAVICON_PATH } from '../../platform/favicon.js';
import { settingsFieldWords } from './presentation/settings-words.js';
import { withStorableFormText } from './resources/storable-form-text.js';
import { adminJsJsonBodies } from './panel-json.js';
import { adminJsFormBodies } from './panel-form-fields.js';

export const ADMIN_ROOT = '/admin';

/**
 * Who sees each custom page (pages/page-access.ts): in the menu and through its API. The job queue is shared
 * by every shop, so it is the platform operator's alone; the tax report and exports are a shop's. Pages not
 * listed (change password, sign-in attempts) are every admin's.
 */
export const PAGE_ACCESS: Readonly<Record<string, PageAccess>> = {
  [JOBS_PAGE]: isPlatformAdmin,
  [TAX_PAGE]: isTenantMember,
};
const CSRF_SCRIPT_PATH = `${ASSETS_PATH}ledgerline-csrf.js`;
const CSRF_SCRIPT = readFileSync(fileURLToPath(new URL('./public/admin-csrf.js', import.meta.url)), 'utf8');
/** AdminJS's own controls 44 px to tap on a phone (public/touch-targets.css); an asset, so the login page has it too. */
const TOUCH_STYLES_PATH = `${ASSETS_PATH}ledgerline-touch-targets.css`;
const TOUCH_STYLES = readFileSync(fileURLToPath(new URL('./public/touch-targets.css', import.meta.url)), 'utf8');

function loadDmmf(): unknown {
  return JSON.parse(readFileSync(fileURLToPath(new URL('../../generated/dmmf.json', import.meta.url)), 'utf8'));
}

export function buildResources(services: Services, components: ReturnType<typeof createComponents>['components']): ResourceWithOptions[] {
  const ScopedResource = defineScopedResource(AdminJSPrisma);
  // The engineType="client" Prisma build exports a reduced DMMF; @adminjs/prisma reads the full one
  // (ids, enums, relations) from clientModule.Prisma.dmmf.datamodel.
  const clientModule = { Prisma: { dmmf: loadDmmf() } };
  const knownModels = new Set([
    'Order',
    'Customer',
    'Address',
    'Product',
    'ShippingType',
    'Discount',
    'DiscountAssignment',
    'Tenant',
    'Guild',
    'AdminUser',
    'ApiKey',
    'RoleChange',
    'PaymentConnection',
    'WebhookEndpoint',
    'WebhookDelivery',
    'DeletedOrderCheckout',
  ]);
  const make = (model: string, rule: ScopeRule, options?: ScopedResourceOptions) =>
    new ScopedResource({ model: AdminJSPrisma.getModelByName(model, clientModule), client: services.db as never, clientModule }, rule, {
      knownModels,
      ...options,
    });
  const shop: ScopeRule = { kind: 'tenant', platformAdmin: 'deny' };
  const db = services.db;
  // Settings and catalog saves are on the record (adapter/scoped-resource.ts audits them in the save's
  // transaction) and their show pages carry the readable timeline.
  const audit = (action: string, extra: { secrets?: string[]; ignore?: string[] } = {}) => ({
    audit: { service: services.audit, action, ...extra },
  });
  const timeline = (r: ResourceWithOptions) => withAuditTimeline(r, services, components);
  // Discord roles and channels by name where the bot can list them (ids otherwise).
  const discord = createDiscordDirectory({ db, rest: services.discordRest, logger: services.logger });
  const named = (r: ResourceWithOptions, fields: Parameters<typeof discordNames>[1]) =>
    addAfter(r, ['show', 'edit'], discordNames(discord, fields));

  const resources = withShopDates(components, [
    orderResource({ services, resource: make('Order', shop, orderResourceOptions(services.db)), components }),
    deletedOrderPaymentsResource({
      services,
      resource: make('DeletedOrderCheckout', shop, deletedOrderPaymentsResourceOptions()),
      components,
    }),
    timeline(
      customerResource(
        make('Customer', shop, { ...customerResourceOptions(), ...audit('customer', { ignore: ['dmClosedAt'] }) }),
        db,
        components,
        services.clock,
        services,
      ),
    ),
    addressResource(db, make('Address', shop), components),
    timeline(
      named(
        productResource(
          db,
          make('Product', shop, { ...audit('product'), refusesDelete: refusesOrderedProductDelete, keeps: productInShopCurrency }),
          components,
          {
            roleRepair: services.roleRepair,
            logger: services.logger,
            digital: services.digitalGoods,
            uploadKeysComponent: components.UploadKeys,
          },
        ),
        { roles: ['requiredRoleIds', 'grantedRoleIds'] },
      ),
    ),
    timeline(
      shippingTypeResource(
        db,
        make('ShippingType', shop, { ...audit('shipping_type'), keeps: amountsInShopCurrency('A shipping type', 'price') }),
        components,
      ),
    ),
    timeline(
      discountResource(
        db,
        make('Discount', shop, {
          ...audit('discount', { ignore: ['usedCount'] }),
          keeps: amountsInShopCurrency('A discount', 'amountOff'),
        }),
        components,
      ),
    ),
    discountAssignmentResource(db, make('DiscountAssignment', shop, audit('discount_assignment', { ignore: ['usedCount'] }))),
    timeline(
      named(
        tenantResource(
          make(
            'Tenant',
            { kind: 'tenant-self' },
            {
              secrets: ['taxjarApiKey'],
              ...audit('tenant', { secrets: ['taxjarApiKey'], ignore: ['nextOrderNumber'] }),
              // A stale form's refusal names a payment method's field as the form does ("Venmo handle").
              fieldWords: settingsFieldWords,
              // "This shop changed since you opened it", not "This tenant": the owner's word for it.
              recordWords: 'shop',
              // Each ticked payment method (and Discord role) is its own edit: a colleague's box stays ticked.
              setFields: ['enabledPaymentMethods', 'adminRoleIds'],
              keeps: tenantSettingsRules(tenantSaveHooks(services)),
              present: (values, row) => {
                values.taxjarApiKeyMasked = maskSecret(row.taxjarApiKey ? openSecret(services.secrets, String(row.taxjarApiKey)) : null);
                return values;
              },
            },
          ),
          components,
          tenantSaveHooks(services),
          changeCurrencyAction(services),
          discord,
        ),
        { roles: ['adminRoleIds'], channels: ['adminChannelId'] },
      ),
    ),
    timeline(guildResource(make('Guild', { kind: 'tenant', platformAdmin: 'all' }, audit('guild')))),
    timeline(
      adminUserResource(
        db,
        make(
          'AdminUser',
          { kind: 'tenant', platformAdmin: 'all' },
          {
            secrets: ['passwordHash'],
            ...audit('admin_user', { secrets: ['passwordHash'], ignore: ['lastLoginAt'] }),
            keeps: adminUserRules,
          },
        ),
        components,
      ),
    ),
    apiKeyResource({ services, resource: make('ApiKey', shop, { secrets: ['hash'] }), components }),
    roleChangeResource({ services, resource: make('RoleChange', shop), components }),
    paymentConnectionResource({ services, resource: make('PaymentConnection', shop, { secrets: ['secrets'] }), components }),
    webhookEndpointResource({ services, resource: make('WebhookEndpoint', shop, { secrets: ['secret'] }), components }),
    webhookDeliveryResource({ services, resource: make('WebhookDelivery', shop), components }),
  ]);
  // A record made with New opens on its own page (resources/open-new-record.ts); its form opens with the
  // values a field left as it is gets (resources/new-form-defaults.ts); no form saves text that cannot be stored
  // (resources/storable-form-text.ts).
  return withNewFormDefaults(components, resources).map((r) => withStorableFormText(addAfter(r, ['new'], openTheNewRecord)));
}

/**
 * Every date-time column of every resource is listed, shown, edited and filtered by components/date-time.tsx:
 * one format, and the shop's zone, also for what an admin types into a form or a filter.
 */
function withShopDates(
  components: ReturnType<typeof createComponents>['components'],
  resources: ResourceWithOptions[],
): ResourceWithOptions[] {
  return resources.map((r) => {
    const props = { ...(r.options.properties ?? {}) };
    for (const p of (r.resource as { properties(): { path(): string; type(): string }[] }).properties()) {
      if (p.type() !== 'datetime') continue;
      const own = props[p.path()] ?? {};
      props[p.path()] = {
        ...own,
        components: {
          list: components.DateTime,
          show: components.DateTime,
          edit: components.DateTime,
          filter: components.DateTime,
          ...own.components,
        },
      };
    }
    return { ...r, options: { ...r.options, properties: props } };
  });
}

/** Per resource: the list heading (plural), the record's heading (singular), and edit/new headings from it. */
function headings(names: Record<string, [plural: string, singular: string]>): Record<string, { actions: Record<string, string> }> {
  // "Product" -> "product" but "API key" and "Discord server" keep their capitals.
  const lower = (w: string) => (/^[A-Z][a-z]/.test(w) && !w.startsWith('Discord') ? w.charAt(0).toLowerCase() + w.slice(1) : w);
  return Object.fromEntries(
    Object.entries(names).map(([id, [plural, singular]]) => [
      id,
      { actions: { list: plural, show: singular, edit: `Edit ${lower(singular)}`, new: `New ${lower(singular)}` } },
    ]),
  );
}

/**
 * Outside production AdminJS serves its bundle.js if it exists and builds it only when it does not, so a
 * bundle older than the components would be served stale: remove it so the first request rebuilds it. (In
 * production AdminJS rebuilds the bundle at start-up.) `bundle` is the file AdminJS itself serves: AdminJS
 * fixes its directory from ADMIN_JS_TMP_DIR when its module is first evaluated in the process, which need not
 * be the directory the environment names now (another module may have loaded AdminJS first).
 */
function dropStaleComponentBundle(bundle: string): void {
  try {
    const built = statSync(bundle).mtimeMs;
    const dir = fileURLToPath(new URL('./components/', import.meta.url));
    // Every component file, so a component added later (not only the ones there were) triggers a rebuild.
    const newest = Math.max(
      ...readdirSync(dir)
        .filter((n) => /\.tsx?$/.test(n))
        .map((n) => statSync(join(dir, n)).mtimeMs),
    );
    if (newest > built) rmSync(bundle, { force: true });
  } catch {
    // no bundle yet: nothing to drop
  }
}

/** The components bundle AdminJS serves (its own constant; adminjs/bundler ships no type declarations). */
async function adminComponentsBundlePath(): Promise<string> {
  const bundlerModule = 'adminjs/bundler';
  const { COMPONENTS_OUTPUT_PATH } = (await import(bundlerModule)) as { COMPONENTS_OUTPUT_PATH: string };
  return COMPONENTS_OUTPUT_PATH;
}

export async function createAdminRouter(services: Services): Promise<Router> {
  const { env, db, logger } = services;
  if (env.NODE_ENV !== 'production') dropStaleComponentBundle(await adminComponentsBundlePath());
  const cookieSecure = env.COOKIE_SECURE ?? env.NODE_ENV === 'production';
  // Production requires SESSION_SECRET (config/env.ts); elsewhere the generated development secret is used.
  // SESSION_SECRET_PREVIOUS (rotation): cookies it signed stay valid; new ones are signed with the first.
  const secrets = [
    env.SESSION_SECRET ?? loadOrCreateDevSecrets().sessionSecret,
    ...(env.SESSION_SECRET_PREVIOUS ? [env.SESSION_SECRET_PREVIOUS] : []),
  ];
  const { loader, components } = createComponents();
  // The dashboard's own directory (its checklist asks about the stored admin channel): its cache is not the forms',
  // so a list the dashboard read a minute ago never stands in for the one an edit form loads.
  const discord = createDiscordDirectory({ db, rest: services.discordRest, logger });

  const admin = new AdminJS({
    rootPath: ADMIN_ROOT,
    loginPath: `${ADMIN_ROOT}/login`,
    logoutPath: `${ADMIN_ROOT}/logout`,
    componentLoader: loader,
    resources: buildResources(services, components),
    dashboard: {
      handler: dashboardHandler(db, { invoiceLinks: services.invoices.linksAvailable(), findChannel: storedChannelLookup(discord) }),
      component: components.Dashboard,
    },
    pages: {
      [ACCOUNT_PAGE]: accountPasswordPage(services, components.AccountPassword),
      [SIGN_IN_ATTEMPTS_PAGE]: signInAttemptsPage(services, components.SignInAttempts),
      [JOBS_PAGE]: jobsPage(services, components.Jobs),
      [TAX_PAGE]: taxReportPage(services, components.TaxReport),
    },
    branding: { companyName: 'Ledgerline', withMadeWithLove: false, logo: false, favicon: FAVICON_PATH },
    assets: { scripts: [`${ADMIN_ROOT}${CSRF_SCRIPT_PATH}`], styles: [`${ADMIN_ROOT}${TOUCH_STYLES_PATH}`] },
    settings: { defaultPerPage: 20 },
    locale: {
      language: 'en',
      translations: {
        en: {
          pages: {
            [ACCOUNT_PAGE]: 'Change password',
            [SIGN_IN_ATTEMPTS_PAGE]: 'Sign-in attempts',
            [JOBS_PAGE]: 'Jobs (platform)',
            [TAX_PAGE]: 'Tax & exports',
          },
          actions: {
            markAsPaid: 'Mark as paid',
            cancelOrder: 'Cancel order',
            refund: 'Refund',
            createKey: 'New API key',
            revoke: 'Revoke',
            createEndpoint: 'New webhook endpoint',
            redeliver: 'Redeliver',
            resumeSending: 'Resume sending',
            retry: 'Retry',
            reconcileNow: 'Reconcile now',
            returnedByHand: 'Returned by hand',
            checkRoles: 'Check roles',
            uploadKeys: 'Upload keys',
            extendPayWindow: 'Extend pay window',
            changeCurrency: 'Change currency',
            invoiceLink: 'Invoice link',
            sendInvoiceLink: 'Send invoice link by DM',
            erasePersonalData: 'Erase personal data',
          },
          components: {
            Login: {
              welcomeHeader: 'Ledgerline',
              welcomeMessage: 'Sign in to manage your shop: orders, payments, refunds, products and settings.',
            },
          },
          labels: {
            Order: 'Orders',
            Customer: 'Customers',
            Address: 'Addresses',
            Product: 'Products',
            ShippingType: 'Shipping types',
            Discount: 'Discounts',
            DiscountAssignment: 'Discount assignments',
            Tenant: 'Shop settings',
            Guild: 'Discord servers',
            AdminUser: 'Admin users',
            ApiKey: 'API keys',
            PaymentConnection: 'Payments',
            WebhookEndpoint: 'Webhook endpoints',
            WebhookDelivery: 'Webhook deliveries',
            RoleChange: 'Role changes',
            DeletedOrderCheckout: 'Payments for deleted orders',
          },
          // Headings say what the page holds ("Products", "Product", "Edit product") instead of List/Show.
          properties: {
            auditTimeline: 'History',
            tenant: 'Shop',
            stockShown: 'Stock',
            timeZone: 'Time zone',
            customerOrders: 'Orders',
            requiredRoleIds: 'Roles needed to buy',
            grantedRoleIds: 'Roles granted',
            adminRoleIds: 'Admin roles',
            adminChannelId: 'Admin channel',
            enabledPaymentMethods: 'Payment methods',
            createdAt: 'Created',
            updatedAt: 'Last changed',
            lastLoginAt: 'Last sign-in',
            lastUsedAt: 'Last used',
            revokedAt: 'Revoked',
            displayNameSetByAdminAt: 'Name set by an admin',
            displayName: 'Name',
            username: 'Discord username',
            nameTyped: 'Recipient name confirmed',
          },
          resources: {
            ...headings({
              Order: ['Orders', 'Order'],
              Customer: ['Customers', 'Customer'],
              Address: ['Addresses', 'Address'],
              Product: ['Products', 'Product'],
              ShippingType: ['Shipping types', 'Shipping type'],
              Discount: ['Discounts', 'Discount'],
              DiscountAssignment: ['Discount assignments', 'Discount assignment'],
              Tenant: ['Shops', 'Shop settings'],
              Guild: ['Discord servers', 'Discord server'],
              AdminUser: ['Admin users', 'Admin user'],
              ApiKey: ['API keys', 'API key'],
              WebhookEndpoint: ['Webhook endpoints', 'Webhook endpoint'],
              WebhookDelivery: ['Webhook deliveries', 'Webhook delivery'],
              DeletedOrderCheckout: ['Payments for deleted orders', 'Payment for a deleted order'],
              // Its list action is the Settings -> Payments page (the page's heading said "List").
              PaymentConnection: ['Payments', 'Payment connection'],
            }),
            ApiKey: {
              actions: headings({ ApiKey: ['API keys', 'API key'] }).ApiKey!.actions,
              // AdminJS shows an availableValues label through lodash's startCase ("Read Only", "Read And Write")
              // unless the label has a translation: these keep the words as api-key-access.ts writes them.
              labels: { access: Object.fromEntries(Object.values(API_KEY_ACCESS_LABELS).map((words) => [words, words])) },
            },
            Tenant: {
              actions: headings({ Tenant: ['Shops', 'Shop settings'] }).Tenant!.actions,
              properties: {
                paymentInstructions: 'Payment methods: instructions and pay windows',
                taxjarFromAddress: 'TaxJar ship-from address',
                taxjarApiKeyMasked: 'TaxJar API key',
                taxjarApiKeyNew: 'TaxJar API key (write-only)',
              },
            },
            DeletedOrderCheckout: {
              actions: headings({ DeletedOrderCheckout: ['Payments for deleted orders', 'Payment for a deleted order'] })
                .DeletedOrderCheckout!.actions,
              properties: {
                orderNumber: 'Deleted order #',
                lateMoneyAction: 'Money',
                paid: 'Paid',
                amount: 'Amount asked',
                whatToDo: 'What to do',
                provider: 'Provider',
                providerCheckoutId: 'Provider id',
                paymentReference: 'Payment reference',
                providerStatus: 'Provider status',
                state: 'Checkout state',
                orderId: 'Deleted order id',
                deletedAt: 'Order deleted',
              },
            },
            WebhookEndpoint: {
              actions: headings({ WebhookEndpoint: ['Webhook endpoints', 'Webhook endpoint'] }).WebhookEndpoint!.actions,
              properties: { eventsNotSent: 'Events not sent' },
            },
            Guild: {
              actions: headings({ Guild: ['Discord servers', 'Discord server'] }).Guild!.actions,
              properties: { guildId: 'Discord server (guild) id' },
            },
            Order: {
              actions: headings({ Order: ['Orders', 'Order'] }).Order!.actions,
              properties: {
                customerName: 'Customer',
                total: 'Total',
                lineItems: 'Line items',
                createdAt: 'Date',
                q: 'Search',
                paymentMethod: 'Payment method',
              },
            },
          },
        },
      },
    },
  });

  const router = express.Router();
  router.use(securityHeaders);
  const sessions = adminSessionMiddleware({
    databaseUrl: services.databaseUrl,
    secret: secrets,
    secure: cookieSecure,
    clock: services.clock,
  });
  // Static assets are answered without the session: no read of admin_sessions, and above all no Set-Cookie.
  // The session cookie is rolling (re-sent with every answer), so a script of the login page that was asked
  // for with the pre-login session and answered after the sign-in put that old session back in the browser:
  // the admin was sent back to the login page, or the form was refused as expired (its token was the new
  // page's). A cookie on a static answer would also let a shared cache hand one admin's session to another.
  router.use((req, res, next) => (isPublicAsset(req) ? next() : sessions(req, res, next)));
  if (!env.ADMIN_DEV_BUNDLES) router.use(productionBundlesRouter());
  router.get(CSRF_SCRIPT_PATH, (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(CSRF_SCRIPT);
  });
  router.get(TOUCH_STYLES_PATH, (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(TOUCH_STYLES);
  });
  loginRoutes(router, {
    admin,
    db,
    throttle: createLoginThrottle({ db, clock: services.clock }),
    logger,
    cookieSecure,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    now: () => services.clock.now(),
    secrets,
    csrfScript: CSRF_SCRIPT,
  });
  router.use(requireAdmin(services));
  signInAttemptsRoute(router, { db });
  exportsRoute(router, services);
  router.use(csrfProtection({ publicBaseUrl: env.PUBLIC_BASE_URL }));
  serverAdminsOnlyRoute(router, services);
  router.use(pageAccess(PAGE_ACCESS));
  router.use(
    csrfInPage({
      script: CSRF_SCRIPT,
      secure: cookieSecure,
      // Dates on every page in the shop's time zone, in the one format (platform/time-format.ts); the shop's
      // currency, which a New form's currency field opens with (components/filled-when-new.tsx).
      pageContext: async (req) => {
        const tenantId = req.session.adminUser?.tenantId;
        const tenant = tenantId
          ? await db.tenant.findUnique({ where: { id: tenantId }, select: { timeZone: true, currency: true } })
          : null;
        return { timeZone: tenant?.timeZone ?? 'UTC', dateFormat: DATE_TIME_FORMAT, ...(tenant ? { currency: tenant.currency } : {}) };
      },
    }),
  );
  // AdminJS's JSON bodies under the app's rule (a key named twice refused: panel-json.ts), parsed before formidable.
  router.use(adminJsJsonBodies({ limit: '2mb' }));
  // Bodies of panel forms are small; formidable's defaults (200 MB uploads) are not needed.
  const formLimits = { maxFileSize: 1024 * 1024, maxFieldsSize: 2 * 1024 * 1024, maxFields: 1000 };
  // AdminJS's multipart and urlencoded forms, a field named twice refused (panel-form-fields.ts), parsed before formidable.
  router.use(adminJsFormBodies(formLimits));
  buildRouter(admin, router, formLimits);
  router.use(adminErrorHandler(services));
  return router;
}

/**
 * The panel is never framed (clickjacking on "Mark as paid" or "Refund"), and its API answers, which carry
 * customer data, are never cached. The Content-Security-Policy (inline scripts allowed: AdminJS needs them)
 * comes from the app-wide helmet setup, src/surfaces/http/security-headers.ts.
 */
const securityHeaders: RequestHandler = (req, res, next) => {
  res.set({
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  });
  if (!isPublicAsset(req)) res.set('Cache-Control', 'no-store');
  next();
};

/**
 * Every request after login: the admin is re-read from admin_users, so a deleted account or a changed
 * role takes effect at once. AdminJS's own static assets (needed by the login page) are public.
 */
function requireAdmin(services: Services): RequestHandler {
  return async (req, res, next) => {
    if (isPublicAsset(req)) return next();
    try {
      const sessionAdmin = req.session.adminUser;
      const user = sessionAdmin ? await services.db.adminUser.findUnique({ where: { id: sessionAdmin.id } }) : null;
      if (!user || (user.role !== 'PLATFORM_ADMIN' && !user.tenantId)) {
        if (sessionAdmin) await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
        if (isApiRequest(req)) {
          res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'Sign in to the admin panel first.' } });
          return;
        }
        res.redirect(`${ADMIN_ROOT}/login`);
        return;
      }
      const fresh = toPanelAdmin(user);
      // Compared field by field: the session comes back from jsonb with its keys reordered, so comparing
      // JSON text saw a change (and rewrote the session row) on every request.
      if (!samePanelAdmin(fresh, sessionAdmin)) req.session.adminUser = fresh;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * A body the panel's parsers refused: body-parser's errors carry a `type` (panel-json.ts: entity.parse.failed,
 * entity.too.large, entity.verify.failed for a key named twice, whose AppError it carries), and so does the refusal
 * of a form naming a field twice (panel-form-fields.ts: entity.field.repeated).
 */
const isBodyRefusal = (err: unknown): boolean => typeof (err as { type?: unknown } | null)?.type === 'string';

/**
 * Errors that escape AdminJS (e.g. a forbidden record lookup): a JSON body for the API, never a stack. A refused
 * body, a path the router could not percent-decode (isUndecodablePath), an AppError (a domain refusal no action caught: its own status and words, not a 500) and a database outage
 * go on to the app's one error writer (surfaces/http/error-handler.ts, mounted after /admin in app.ts), which answers
 * them as it answers the REST API's (the same body, with the request id; 503 with Retry-After for the database).
 * AdminJS's own ForbiddenError and NotFoundError, and a hand-edited list URL, are answered here.
 */
function adminErrorHandler(services: Services): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent || isBodyRefusal(err) || isAppError(err) || isTransientDatabaseFault(err) || isUndecodablePath(err))
      return next(err);
    const name = (err as Error)?.constructor?.name;
    // Hand-edited list URLs (page=-1, filters.total=abc, ...) reach Prisma or PostgreSQL as bad values.
    if (isQueryInputError(err)) {
      res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: 'Invalid list, filter or sort parameters.' } });
      return;
    }
    const status = name === 'ForbiddenError' ? 403 : name === 'NotFoundError' ? 404 : 500;
    if (status === 500) services.logger.error({ err, path: req.path }, 'admin panel error');
    const message = status === 500 ? 'Something went wrong in the admin panel.' : (err as Error).message;
    res.status(status).json({ error: { code: status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'INTERNAL', message } });
  };
}
