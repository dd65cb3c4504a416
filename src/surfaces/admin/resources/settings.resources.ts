// Settings: the tenant (its own settings for a tenant admin, every tenant for a platform admin), Discord
// guilds and admin users (API keys: api-keys.resource.ts). Secrets never leave the server (see ScopedResourceOptions.present).
import {
  ValidationError,
  type ActionHandler,
  type Before,
  type PropertyErrors,
  type RecordActionResponse,
  type ResourceWithOptions,
} from 'adminjs';
import { z } from 'zod';
import type { Db, Tx } from '../../../platform/db/prisma.js';
import { refusedUnder } from './admin-errors.js';
import { enumProperty } from './enum-columns.js';
import { assertShopKeepsAnAdmin, endSessions, MIN_ADMIN_PASSWORD_LENGTH } from '../../../modules/admin-accounts/admin-accounts.service.js';
import { hashPassword } from '../../../platform/crypto.js';
import { isPlatformAdmin, panelAdminOf, type PanelAdmin } from '../auth/panel-admin.js';
import { panelSessionIdOf, rememberPanelSession } from '../auth/panel-session.js';
import type { ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { adminUserForm } from '../schemas/admin-user.schema.js';
import { formId, formText, snowflake } from '../schemas/form-fields.js';
import { tenantSettingsForm } from '../schemas/tenant-settings.schema.js';
import { canManage, never, platformOnly, platformOrTenantAdmin, platformOrTenantMember } from './access.js';
import { stripSecrets } from './strip-secrets.js';
import { validatePayload } from './validation.js';
import { checkAdminChannel } from './admin-channel.rules.js';
import type { DiscordDirectory } from './discord-directory.js';
import type { AdminComponents } from '../components/component-loader.js';
import { settingsFieldWords } from '../presentation/settings-words.js';
import {
  ADMIN_ROLE_BADGES,
  ADMIN_ROLE_LABELS,
  availableValues,
  PAYMENT_METHOD_LABELS,
  ROLE_REMOVAL_POLICY_LABELS,
} from '../presentation/labels.js';
import {
  defaultPayWindowMinutes,
  MANUAL_PAY_WINDOW_MINUTES,
  PAY_WINDOW_RULE,
  PROCESSOR_PAY_WINDOW_MINUTES,
} from '../../../modules/order-expiry/pay-window.js';
import type { PaymentMethod } from '../../../generated/prisma/index.js';

const settings = { name: 'Settings', icon: 'Settings' };

/** Payments hooks (money-core): secrets are sealed before they are stored; processor-backed methods need a working connection. */
export interface TenantSaveHooks {
  sealSecret(plain: string): string;
  /**
   * A message when a method cannot be on (no working connection, or not in `currency`), else null. Called by the
   * save's rule (tenant-settings.rules.ts) in its transaction, with the shop's row locked, on the row as saved.
   */
  refuseMethods(tx: Tx, tenantId: string, methods: string[], currency: string): Promise<string | null>;
}

/** Every payment method with its name and default pay window, for the per-method rows of the settings form. */
function payWindowMethods(): { value: PaymentMethod; label: string; defaultMinutes: number }[] {
  return (Object.keys(PAYMENT_METHOD_LABELS) as PaymentMethod[]).map((value) => ({
    value,
    label: PAYMENT_METHOD_LABELS[value],
    defaultMinutes: defaultPayWindowMinutes(value),
  }));
}

/**
 * The notice of a refused settings save, naming each input as the form labels it ("Venmo pay window: from 15
 * minutes ...") rather than by its flattened path; the same messages are shown under the inputs.
 */
function noticeInWords(errors: PropertyErrors): string {
  return Object.entries(errors)
    .map(([key, e]) => `${settingsFieldWords(key) ?? key}: ${e.message}`)
    .join('; ');
}

/**
 * `changeCurrency`: the handler of the "Change currency" step (change-currency.action.ts; a shop's admin, or a platform
 * admin on that shop), which changes the currency and re-prices everything priced in the old one at once; without it,
 * no such action.
 */
export function tenantResource(
  resource: ScopedPrismaResource,
  components: AdminComponents,
  hooks?: TenantSaveHooks,
  changeCurrency?: ActionHandler<RecordActionResponse>,
  /** Where a changed admin channel is looked up (admin-channel.rules.ts); without it, none is checked (tests of the form alone). */
  channels?: Pick<DiscordDirectory, 'findChannel'>,
): ResourceWithOptions {
  const validateForm = validatePayload(tenantSettingsForm, {
    // The rules that join fields (a processor method needs its connection, TaxJar its ship-from address) are
    // checked on the row as the save leaves it, in its transaction: tenant-settings.rules.ts.
    map: async (d, request, context) => {
      // A changed admin channel must be one of the shop's own servers' text channels, asked of Discord here,
      // outside the save's transaction (admin-channel.rules.ts).
      if (channels) await checkAdminChannel(channels, d.adminChannelId as string | null | undefined, request, context);
      const key = (d.taxjarApiKeyNew as string | undefined) ?? '';
      return {
        name: d.name,
        currency: d.currency,
        enabledPaymentMethods: d.enabledPaymentMethods,
        paymentInstructions: d.paymentInstructions,
        paymentWindowMinutes: d.paymentWindowMinutes,
        adminChannelId: d.adminChannelId,
        adminRoleIds: d.adminRoleIds,
        inventoryTracking: d.inventoryTracking,
        taxjarEnabled: d.taxjarEnabled,
        // Write-only: empty keeps the stored key, "-" removes it.
        ...(key === '-' ? { taxjarApiKey: null } : key ? { taxjarApiKey: hooks ? hooks.sealSecret(key) : key } : {}),
        taxjarFromAddress: d.taxjarFromAddress,
        addressValidation: d.addressValidation,
        roleRemovalPolicy: d.roleRemovalPolicy,
        timeZone: d.timeZone,
      };
    },
  });
  const validate: Before = async (request, context) => {
    try {
      return await validateForm(request, context);
    } catch (err) {
      if (err instanceof ValidationError && err.baseError) err.baseError.message = noticeInWords(err.propertyErrors);
      throw err;
    }
  };
  const hideKey = stripSecrets('taxjarApiKey', 'taxjarApiKeyNew');
  return {
    resource,
    options: {
      id: 'Tenant',
      navigation: settings,
      listProperties: ['name', 'currency', 'inventoryTracking', 'taxjarEnabled', 'createdAt'],
      showProperties: [
        'id',
        'name',
        'currency',
        'enabledPaymentMethods',
        'paymentInstructions',
        'adminChannelId',
        'adminRoleIds',
        'inventoryTracking',
        'taxjarEnabled',
        'taxjarApiKeyMasked',
        'taxjarFromAddress',
        'addressValidation',
        'roleRemovalPolicy',
        'timeZone',
        'nextOrderNumber',
        'createdAt',
        'updatedAt',
      ],
      editProperties: [
        'name',
        'currency',
        'enabledPaymentMethods',
        'paymentInstructions',
        'adminChannelId',
        'adminRoleIds',
        'inventoryTracking',
        'taxjarEnabled',
        'taxjarApiKeyNew',
        'taxjarFromAddress',
        'addressValidation',
        'roleRemovalPolicy',
        'timeZone',
      ],
      properties: {
        name: { isTitle: true },
        // One row per payment method (the ones ticked above, and any with something saved): its handle and
        // instructions (paymentInstructions) and its pay window (paymentWindowMinutes), edited and shown together.
        paymentInstructions: {
          components: { edit: components.PaymentMethodSettings, show: components.PaymentMethodSettings },
          // The column is NOT NULL ({} when empty), which AdminJS would mark with a required star: nothing in it is.
          isRequired: false,
          custom: { methods: payWindowMethods() },
          description: `The handle and instructions customers see when they choose a method (they are told separately to put their order's payment reference in the note), and how long an unpaid order waits before it is cancelled: empty keeps the default (${PROCESSOR_PAY_WINDOW_MINUTES / 60} hours for PayPal, Cash App Pay and Bitcoin invoices, ${MANUAL_PAY_WINDOW_MINUTES / 1440} days for the manual methods), else ${PAY_WINDOW_RULE}. The customer is reminded halfway.`,
        },
        taxjarFromAddress: {
          components: { edit: components.ShipFromAddress, show: components.ShipFromAddress },
          description: 'The address you ship from, for TaxJar (needed when TaxJar is on). Leave every field empty for none.',
        },
        taxjarApiKeyMasked: { type: 'string' },
        taxjarApiKeyNew: {
          type: 'password',
          description: 'Leave empty to keep the current key; enter - to remove it. TaxJar and Address validation need it.',
        },
        enabledPaymentMethods: {
          components: { edit: components.MultiValue, show: components.MultiValue, list: components.MultiValue },
          custom: { options: availableValues(PAYMENT_METHOD_LABELS) },
          description: 'The payment methods customers can choose at checkout.',
        },
        adminChannelId: {
          components: { edit: components.MultiValue, show: components.MultiValue },
          custom: { single: true },
          description:
            "Discord channel where new orders are posted for admins: a text or announcement channel of this shop's own Discord server (checked with Discord when you change it).",
        },
        adminRoleIds: {
          components: { edit: components.MultiValue, show: components.MultiValue },
          description: 'Discord roles whose members may use the admin commands.',
        },
        inventoryTracking: { description: 'Reserve stock at submit and release it on cancel/refund.' },
        addressValidation: {
          description:
            'Check US shipping addresses with TaxJar and suggest corrections. Needs the TaxJar API key; works whether TaxJar calculates tax or not.',
        },
        roleRemovalPolicy: enumProperty(components, ROLE_REMOVAL_POLICY_LABELS, {
          options: {
            description:
              'When someone other than the bot removes a paid role: give it back, or list it under Role changes (with Retry). Left empty: give it back.',
          },
        }),
        timeZone: {
          description:
            "The shop's time zone (an IANA name such as America/New_York; default UTC): the panel's dates, the dashboard's days, the tax report's months, the exports' date ranges and the invoice page's pay-by time follow it.",
        },
        paymentWindowMinutes: { isVisible: false },
        nextOrderNumber: { isVisible: { list: false, filter: false, show: true, edit: false } },
      },
      actions: {
        list: { isAccessible: platformOrTenantAdmin },
        show: { isAccessible: platformOrTenantAdmin },
        search: { isAccessible: platformOrTenantAdmin },
        edit: { isAccessible: platformOrTenantAdmin, before: validate, after: hideKey },
        new: { isAccessible: platformOnly, before: validate, after: hideKey },
        delete: {
          isAccessible: platformOnly,
          guard: 'Delete this tenant and ALL its data (orders, customers, products)? This cannot be undone.',
        },
        // The shop's own admin, or a platform admin on the shop they opened (the shop is the record: the handler's
        // shopRecordContextOf); not staff: a new currency and every amount priced in the old one, in one save.
        ...(changeCurrency
          ? {
              changeCurrency: {
                actionType: 'record' as const,
                icon: 'DollarSign',
                component: components.ChangeCurrency,
                isAccessible: platformOrTenantAdmin,
                handler: changeCurrency,
              },
            }
          : {}),
        bulkDelete: { isAccessible: never },
      },
    },
  };
}

const guildForm = z.object({ guildId: snowflake.optional(), name: formText(100), tenant: formId });

export function guildResource(resource: ScopedPrismaResource): ResourceWithOptions {
  return {
    resource,
    options: {
      id: 'Guild',
      navigation: settings,
      listProperties: ['id', 'name', 'tenant', 'createdAt'],
      showProperties: ['id', 'name', 'tenant', 'createdAt'],
      editProperties: ['guildId', 'name', 'tenant'],
      properties: {
        name: { isTitle: true },
        guildId: { type: 'string', isVisible: { list: false, show: false, filter: false, edit: true } },
      },
      actions: {
        list: { isAccessible: platformOrTenantMember },
        show: { isAccessible: platformOrTenantMember },
        search: { isAccessible: platformOrTenantMember },
        // Linking a Discord server to a shop is the platform's decision: the guild id is the tenant key
        // for every Discord interaction.
        new: {
          isAccessible: platformOnly,
          before: validatePayload(guildForm, {
            map: (d) => {
              if (!d.guildId) throw new ValidationError({ guildId: { message: 'required' } });
              return { id: d.guildId, name: d.name, tenant: d.tenant };
            },
          }),
        },
        edit: { isAccessible: platformOnly, before: validatePayload(guildForm.omit({ guildId: true })) },
        delete: { isAccessible: platformOnly },
        bulkDelete: { isAccessible: never },
      },
    },
  };
}

/**
 * The AdminUser resource's `keeps` rule (ScopedResourceOptions): a write that takes the shop admin role away
 * (a change of role, a deletion) must leave the shop another shop admin. The rule is the module's; a refusal
 * is shown under the role field, or as the delete's notice.
 */
export async function keepsAShopAdmin(
  tx: Tx,
  { before, after }: { before: Record<string, unknown> | null; after: Record<string, unknown> | null },
): Promise<void> {
  const tenantId = before?.tenantId;
  if (before?.role !== 'TENANT_ADMIN' || typeof tenantId !== 'string') return;
  if (after?.role === 'TENANT_ADMIN' && after.tenantId === tenantId) return;
  await refusedUnder('role', () => assertShopKeepsAnAdmin(tx, tenantId));
}

/**
 * The AdminUser resource's `keeps` rules, in the save's transaction: the shop keeps a shop admin, and a new
 * password set here signs the account out everywhere but in the session it was set in (as Change password and the
 * operator's reset do), so a password changed after a leak locks the old holder out, and an admin who changes their
 * own password here stays signed in. (Another admin's account has no session of the signed-in admin's to keep.)
 */
export async function adminUserRules(
  tx: Tx,
  change: { before: Record<string, unknown> | null; after: Record<string, unknown> | null },
  context?: unknown,
): Promise<void> {
  await keepsAShopAdmin(tx, change);
  const { before, after } = change;
  if (before && after && before.passwordHash !== after.passwordHash) await endSessions(tx, String(after.id), panelSessionIdOf(context));
}

export function adminUserResource(db: Db, resource: ScopedPrismaResource, components: AdminComponents): ResourceWithOptions {
  const validate = (creating: boolean) =>
    validatePayload(adminUserForm, {
      map: async (d, _request, context) => {
        const me = panelAdminOf(context);
        const role = d.role as PanelAdmin['role'];
        if (!isPlatformAdmin(me) && role === 'PLATFORM_ADMIN')
          throw new ValidationError({ role: { message: 'Only a platform admin can grant this role.' } });
        // Platform admins belong to no tenant; every other admin belongs to exactly one.
        let tenant = (d.tenant as string | null) ?? null;
        if (!isPlatformAdmin(me)) tenant = me.tenantId;
        if (role === 'PLATFORM_ADMIN') tenant = null;
        else if (!tenant) throw new ValidationError({ tenant: { message: 'Pick the shop this admin works for.' } });
        else if ((await db.tenant.count({ where: { id: tenant } })) === 0)
          throw new ValidationError({ tenant: { message: 'No such tenant.' } });
        const password = (d.password as string | undefined) ?? '';
        if (creating && !password) throw new ValidationError({ password: { message: 'required' } });
        return {
          email: d.email,
          role,
          tenant,
          ...(password ? { passwordHash: await hashPassword(password) } : {}),
        };
      },
    });
  const notSelf = (ctx: { currentAdmin?: unknown; record?: { id(): string } }) =>
    ctx.record?.id() !== (ctx.currentAdmin as PanelAdmin | undefined)?.id;
  const manage = (ctx: Parameters<typeof canManage>[0]) => isPlatformAdmin(ctx.currentAdmin) || canManage(ctx);
  const hideHash = stripSecrets('passwordHash', 'password');
  return {
    resource,
    options: {
      id: 'AdminUser',
      navigation: settings,
      listProperties: ['email', 'role', 'tenant', 'lastLoginAt'],
      showProperties: ['id', 'email', 'role', 'tenant', 'lastLoginAt', 'createdAt', 'updatedAt'],
      editProperties: ['email', 'role', 'tenant', 'password'],
      properties: {
        email: { isTitle: true },
        // The form offers only the roles the signed-in admin may give, and says which shop the admin will work
        // for (the rule is the validation above; the components only show it).
        role: enumProperty(components, ADMIN_ROLE_LABELS, {
          badges: ADMIN_ROLE_BADGES,
          options: { components: { edit: components.AdminRoleSelect } },
        }),
        tenant: { components: { edit: components.AdminShopField } },
        password: {
          type: 'password',
          description: `At least ${MIN_ADMIN_PASSWORD_LENGTH} characters. On edit, leave empty to keep the current password.`,
        },
        passwordHash: { isVisible: false },
      },
      actions: {
        list: { isAccessible: manage },
        show: { isAccessible: manage },
        search: { isAccessible: manage },
        new: { isAccessible: manage, before: validate(true), after: hideHash },
        // The session the save is made in stays signed in when it sets this account's password (adminUserRules).
        edit: { isAccessible: manage, before: [rememberPanelSession, validate(false)], after: hideHash },
        // Nobody deletes their own account from here (no accidental lock-out).
        delete: { isAccessible: (ctx) => manage(ctx) && notSelf(ctx) },
        bulkDelete: { isAccessible: never },
      },
    },
  };
}
