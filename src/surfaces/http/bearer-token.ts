// The API key a request carries: `Authorization: Bearer <key>`, the scheme in any case and any number of spaces before
// the key (RFC 9110: the scheme is case-insensitive). One rule, read by the key check (api/api-context.ts) and by the
// per-key rate limit (rate-limit.ts): a limit that counted the header as written let one key's "bearer KEY", "BEARER
// KEY" and "Bearer  KEY" each have a budget of its own.

/** The key of `Authorization: Bearer <key>`, or null when the header is missing or says something else. */
export function bearerToken(authorization: string | undefined): string | null {
  return /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1] ?? null;
}
