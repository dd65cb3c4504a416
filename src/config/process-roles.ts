// Which parts of Ledgerline a process runs (PROCESS_ROLES). Side effects (jobs: Discord notifications, role
// changes, processor refunds, reconciliation; the member gateway) run off the interaction path, in a worker
// process; the admin panel (AdminJS, ~200 MB once loaded) can run apart from the Discord endpoint too, so an
// interaction instance stays small. See docs/decisions/process-roles.md.
import type { z } from 'zod';

export const PROCESS_ROLE_NAMES = ['web', 'admin', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLE_NAMES)[number];

export interface ProcessRoles {
  /** The Discord interactions endpoint, the REST API, invoice pages and provider webhooks. */
  web: boolean;
  /** The admin panel (/admin). */
  admin: boolean;
  /** The job worker and the member gateway, in this process. */
  worker: boolean;
  /** PROCESS_ROLES was unset: web and admin here, and the worker in a supervised child process. */
  superviseWorker: boolean;
}

/** PROCESS_ROLES as the env schema's transform: undefined (unset) or the roles listed. */
export function parseProcessRoles(value: string | undefined, ctx: z.RefinementCtx): ProcessRole[] | undefined {
  if (value === undefined || value === '') return undefined;
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((n) => !(PROCESS_ROLE_NAMES as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `a comma-separated list of ${PROCESS_ROLE_NAMES.join(', ')} (unknown: ${unknown.join(', ') || 'none given'})`,
    });
    return undefined;
  }
  return [...new Set(names)] as ProcessRole[];
}

/**
 * What this process runs. WORKERS_ENABLED=false switches the worker off wherever it would run (tests, a
 * read-only replica); the member gateway then runs in the web process, as it needs no job worker.
 */
export function resolveProcessRoles(env: { PROCESS_ROLES?: ProcessRole[]; WORKERS_ENABLED: boolean }): ProcessRoles {
  if (!env.PROCESS_ROLES) return { web: true, admin: true, worker: false, superviseWorker: env.WORKERS_ENABLED };
  const has = (r: ProcessRole) => env.PROCESS_ROLES!.includes(r);
  return { web: has('web'), admin: has('admin'), worker: has('worker') && env.WORKERS_ENABLED, superviseWorker: false };
}
