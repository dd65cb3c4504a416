// The port's error contract in one place for the adapters: which HTTP answers a retry may fix
// (UPSTREAM_UNAVAILABLE, so the job or the buyer tries again) and which are final (ProviderRejectedError).
import { AppError } from '../../../platform/errors.js';
import { PROVIDER_NAME } from './provider-names.js';
import { ProviderRejectedError, type ProviderId } from './provider.port.js';

/** 4xx answers a retry may fix (credentials being rotated, throttling, a timeout): every other 4xx is final. */
const RETRYABLE_4XX = new Set([401, 403, 408, 429]);

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || RETRYABLE_4XX.has(status);
}

/**
 * UPSTREAM_UNAVAILABLE with the provider's words in `details.why` (status and error code, never a secret or a
 * request body), so logs say what happened while the caller sees a plain "try again".
 */
export function upstreamUnavailable(
  provider: ProviderId,
  why: string,
  cause?: unknown,
  answer?: { httpStatus: number; providerCode: string },
): AppError {
  return new AppError(
    'UPSTREAM_UNAVAILABLE',
    `${PROVIDER_NAME[provider]} is not reachable right now. Please try again in a minute.`,
    { provider, why, ...answer },
    { cause },
  );
}

/**
 * Maps a non-2xx answer to the port's error: retryable -> UPSTREAM_UNAVAILABLE (its status and code also in
 * `details.httpStatus` / `details.providerCode`), otherwise the refusal.
 */
export function providerHttpError(provider: ProviderId, status: number, code: string, detail: string): AppError | ProviderRejectedError {
  if (isRetryableStatus(status))
    return upstreamUnavailable(provider, `${status} ${code}: ${detail}`, undefined, { httpStatus: status, providerCode: code });
  return new ProviderRejectedError(`${PROVIDER_NAME[provider]} refused: ${detail} (${code})`, status, code);
}
