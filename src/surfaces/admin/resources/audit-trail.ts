// The readable audit timeline on a resource's show page (components/audit-timeline.tsx): the entity's
// audit entries through modules/audit's presenter, with the names of who acted, the shop's time zone and
// currency, and the panel's words for stored values.
import type { ActionResponse, After, ResourceWithOptions } from 'adminjs';
import type { Services } from '../services.js';
import { presentTimeline, type TimelineItem } from '../../../modules/audit/audit-timeline.js';
import type { AdminComponents } from '../components/component-loader.js';
import { ACTOR_TYPE_LABELS, FIELD_VALUE_WORDS } from '../presentation/labels.js';
import { SETTINGS_FIELD_CHANGES } from '../presentation/settings-words.js';
import { addAfter, tenantOfRecord } from './add-after.js';
import { actorNames, type ActorNames, type ActorRef } from '../../../modules/audit/actor-names.js';

/**
 * The timeline of one entity, as the shop reads it, with the names of who acted (actor-names.ts). A page that names
 * other actors too (the order page: who recorded each receipt, made each refund) passes them as `alsoNaming`: every
 * name is then read at once, and the page names its other actors from `actors`. `timeZone` is the shop's, read for the
 * timeline (UTC for a shop that is gone, as shop-time-zone.ts): the page shows its other times in it too.
 */
export async function auditTimelineOf(
  services: Services,
  tenantId: string,
  entityType: string,
  entityId: string,
  opts: { words?: Record<string, Record<string, string>>; alsoNaming?: readonly ActorRef[] } = {},
): Promise<{ timeline: TimelineItem[]; actors: ActorNames; timeZone: string }> {
  const [entries, tenant] = await Promise.all([
    services.audit.listFor(tenantId, entityType, entityId),
    services.db.tenant.findUnique({ where: { id: tenantId }, select: { timeZone: true, currency: true } }),
  ]);
  const actors = await actorNames(services.db, tenantId, [...entries, ...(opts.alsoNaming ?? [])]);
  const timeZone = tenant?.timeZone ?? 'UTC';
  const timeline = presentTimeline(entries, {
    timeZone,
    currency: tenant?.currency ?? 'USD',
    actors,
    actorTypes: ACTOR_TYPE_LABELS,
    words: { ...FIELD_VALUE_WORDS, ...opts.words },
    // The shop settings' groups of fields, line by line as the form labels them.
    fieldChanges: SETTINGS_FIELD_CHANGES,
  });
  return { timeline, actors, timeZone };
}

/** Adds the "History" timeline to the show page of `resource` (its entries are of entityType = the resource id). */
export function withAuditTimeline(resource: ResourceWithOptions, services: Services, components: AdminComponents): ResourceWithOptions {
  const options = resource.options;
  const entityType = String(options.id);
  const after: After<ActionResponse> = async (response) => {
    const record = response.record as { id?: string; params: Record<string, unknown> } | undefined;
    if (!record?.id) return response;
    const tenantId = tenantOfRecord(entityType, record);
    // A record of no shop (a platform admin) has no shop history: an empty one, said as such, not "could not be loaded".
    if (!tenantId) {
      record.params.auditTimelineJson = '[]';
      return response;
    }
    const { timeline } = await auditTimelineOf(services, tenantId, entityType, record.id);
    record.params.auditTimelineJson = JSON.stringify(timeline);
    return response;
  };
  return addAfter(
    {
      ...resource,
      options: {
        ...options,
        showProperties: [...(options.showProperties ?? []), 'auditTimeline'],
        properties: {
          ...options.properties,
          auditTimeline: {
            type: 'string',
            components: { show: components.AuditTimeline },
            isVisible: { list: false, filter: false, edit: false, show: true },
          },
          auditTimelineJson: { isVisible: false },
        },
      },
    },
    ['show'],
    after,
  );
}
