import type { Request } from 'express';

/** The origin the caller used (behind a trusted proxy, its X-Forwarded-Proto/Host): the fallback when PUBLIC_BASE_URL is unset. */
export function requestOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
