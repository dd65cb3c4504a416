// AdminJS answers a create or an edit with the record's params merged with the submitted payload, so a
// secret written through a form (a password hash, the TaxJar key) would be echoed back. This after-hook
// removes such params from every record in the response. Reads are covered at the resource
// (ScopedResourceOptions.present), so stored secrets never leave the server either way.
import type { ActionResponse, After } from 'adminjs';

export function stripSecrets(...keys: string[]): After<ActionResponse> {
  return async (response) => {
    const records = [response.record, ...(response.records ?? [])].filter(Boolean) as { params?: Record<string, unknown> }[];
    for (const r of records) for (const k of keys) if (r.params) delete r.params[k];
    return response;
  };
}
