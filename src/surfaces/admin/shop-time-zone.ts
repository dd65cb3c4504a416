// The shop's time zone, in which the panel shows every time (platform/time-format.ts): UTC for a platform
// admin, who belongs to no shop, and for a shop that is gone.
import type { Db } from '../../platform/db/prisma.js';

export async function shopTimeZone(db: Db, tenantId: string | null | undefined): Promise<string> {
  if (!tenantId) return 'UTC';
  return (await db.tenant.findUnique({ where: { id: tenantId }, select: { timeZone: true } }))?.timeZone ?? 'UTC';
}
