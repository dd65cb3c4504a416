// API keys of the shop's REST API (Settings -> API keys): the list, "New API key" (a name and an access
// level in; the secret is shown once, on the page that created it; only its hash is stored) and Revoke.
// Tenant admins only: a key opens the shop's orders to whoever holds it. Both writes go through
// services.apiKeys, which audits them. A key has no edit: its access level, like its secret, is fixed at
// creation (docs/decisions/rest-api.md, "Read-only keys").
import type { ActionContext, ActionRequest, ActionResponse, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import { z } from 'zod';
import { API_KEY_ACCESS_LABELS } from '../../../modules/api-keys/api-key-access.js';
import type { Services } from '../services.js';
import { API_KEY_ACCESS_BADGES } from '../presentation/labels.js';
import { parseInput } from '../../../platform/validate.js';
import type { ScopedPrismaResource } from '../adapter/scoped-resource.js';
import { tenantContextOf } from '../auth/panel-admin.js';
import type { AdminComponents } from '../components/component-loader.js';
import { canManage, never, tenantReadOnly } from './access.js';
import { enumProperty } from './enum-columns.js';
import { errorNotice } from './admin-errors.js';
import { buttonAction } from './button-action.js';

const newKeyForm = z.object({
  name: z.string().trim().min(1, 'Give the key a name (what uses it).').max(100),
  // No default: the form always sends its choice (preselected "Read only"), so a request without one is refused.
  access: z.enum(['READ_ONLY', 'READ_WRITE'], { error: 'Choose what the key may do: Read only or Read and write.' }),
});

/** What the New API key page receives after a successful create: the secret, this once. */
export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  access: 'READ_ONLY' | 'READ_WRITE';
  /** The access level in the panel's words ("Read only", "Read and write"). */
  accessLabel: string;
  secret: string;
}

export function apiKeyResource(deps: {
  services: Services;
  resource: ScopedPrismaResource;
  components: AdminComponents;
}): ResourceWithOptions {
  const { services, resource, components } = deps;
  const logger = services.logger.child({ surface: 'admin', resource: 'ApiKey' });
  const listUrl = (context: ActionContext) => context.h.resourceUrl({ resourceId: context.resource.id() });

  const createKey = async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    if (request.method !== 'post') return {};
    try {
      const { name, access } = parseInput(newKeyForm, request.payload ?? {}, 'API key');
      const { key, record } = await services.apiKeys.create(tenantContextOf(context), name, access);
      const created: CreatedApiKey = {
        id: record.id,
        name: record.name,
        prefix: record.prefix,
        access: record.access,
        accessLabel: API_KEY_ACCESS_LABELS[record.access],
        secret: key,
      };
      return {
        created,
        listUrl: listUrl(context),
        notice: { message: `API key "${record.name}" created. Copy the secret now: it is shown only once.`, type: 'success' },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  const revoke = async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<RecordActionResponse> => {
    try {
      const key = await services.apiKeys.revoke(tenantContextOf(context), context.record!.id());
      const record = context.record!;
      record.params.revokedAt = key.revokedAt;
      return {
        record: record.toJSON(context.currentAdmin),
        redirectUrl: listUrl(context),
        notice: { message: `API key "${key.name}" revoked: requests with it are refused from now on.`, type: 'success' },
      };
    } catch (err) {
      return errorNotice(err, context, logger);
    }
  };

  return {
    resource,
    options: {
      id: 'ApiKey',
      navigation: { name: 'Settings', icon: 'Settings' },
      listProperties: ['name', 'access', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt'],
      showProperties: ['id', 'name', 'access', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt'],
      properties: {
        name: { isTitle: true },
        hash: { isVisible: false },
        access: enumProperty(components, API_KEY_ACCESS_LABELS, {
          badges: API_KEY_ACCESS_BADGES,
          options: {
            description: 'Read only: GET requests only. Read and write: every request, refunds included. Fixed when the key is created.',
          },
        }),
      },
      actions: {
        ...tenantReadOnly,
        list: { isAccessible: canManage },
        show: { isAccessible: canManage },
        search: { isAccessible: canManage },
        new: { isAccessible: never },
        createKey: {
          actionType: 'resource',
          icon: 'Plus',
          component: components.ApiKeyCreate,
          isAccessible: canManage,
          handler: createKey,
        },
        revoke: buttonAction({
          actionType: 'record',
          icon: 'Slash',
          variant: 'danger',
          guard: 'Revoke this API key? Everything using it is refused from now on. This cannot be undone: create a new key instead.',
          isAccessible: (c) => canManage(c) && !c.record?.params.revokedAt,
          handler: revoke,
        }),
      },
    },
  };
}
