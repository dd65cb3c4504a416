// After "New" saves, the panel opens the record created, where its owner goes next (add keys to a product,
// assign a discount, check a new admin's role). AdminJS's default sends them to the list, to find it again.
import type { ActionResponse, After } from 'adminjs';

export const openTheNewRecord: After<ActionResponse> = async (response, _request, context) => {
  const record = response.record as { id?: string; errors?: Record<string, unknown> } | undefined;
  // AdminJS sets redirectUrl only when the record was saved; a refused form stays where it is.
  if (record?.id && response.redirectUrl && Object.keys(record.errors ?? {}).length === 0) {
    response.redirectUrl = context.h.recordActionUrl({ resourceId: context.resource.id(), recordId: record.id, actionName: 'show' });
  }
  return response;
};
