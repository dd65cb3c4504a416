// What an API key may do, chosen when it is created and never changed afterwards (like its secret: a shop that
// wants another level creates a new key and revokes the old one). READ_WRITE is a shop admin's power over the
// REST API (every key made before levels existed is one); READ_ONLY reads and changes nothing: a bookkeeping
// tool, a dashboard or a stock report needs no key that can refund. Which requests are reads is the REST
// surface's rule (surfaces/http/api/api-context.ts, by HTTP method); this file holds the levels and their words.
import { ApiKeyAccess } from '../../generated/prisma/index.js';
import { AppError } from '../../platform/errors.js';

export { ApiKeyAccess };

/** The words every surface shows for a level (the panel's list, show and create pages, the CLI, the docs). */
export const API_KEY_ACCESS_LABELS: Record<ApiKeyAccess, string> = {
  READ_WRITE: 'Read and write',
  READ_ONLY: 'Read only',
};

/** The level, or VALIDATION_FAILED naming the two there are. */
export function parseApiKeyAccess(value: unknown): ApiKeyAccess {
  if (value === ApiKeyAccess.READ_WRITE || value === ApiKeyAccess.READ_ONLY) return value;
  throw new AppError(
    'VALIDATION_FAILED',
    `Choose what the API key may do: ${API_KEY_ACCESS_LABELS.READ_ONLY} (READ_ONLY) or ${API_KEY_ACCESS_LABELS.READ_WRITE} (READ_WRITE).`,
    { fields: [{ path: 'access', message: 'READ_ONLY or READ_WRITE' }] },
  );
}
