// "Jobs" page, platform admins only: the job backlog per task, and the jobs that used up their attempts
// with their last error, each with Retry (run again now with fresh attempts) and Discard (delete). Shop
// admins see a refusal: the queue is shared by every shop.
import type { PageHandler } from 'adminjs';
import type { Services } from '../services.js';
import { createJobAdmin } from '../../../platform/jobs/job-admin.js';
import { isPlatformAdmin, type PanelAdmin } from '../auth/panel-admin.js';

export const JOBS_PAGE = 'jobs';

export function jobsPage(services: Services, component: string): { handler: PageHandler; component: string; icon: string } {
  const jobs = createJobAdmin((text, params = []) => services.db.$queryRawUnsafe(text, ...params));
  const handler: PageHandler = async (request, _response, context) => {
    const admin = context.currentAdmin as PanelAdmin | undefined;
    if (!isPlatformAdmin(admin))
      return { forbidden: true, notice: { type: 'error', message: 'Only platform admins can see the job queue.' } };
    let notice: { type: string; message: string } | undefined;
    if (request.method === 'post') {
      const body = (request.payload ?? {}) as { action?: unknown; jobId?: unknown };
      const jobId = String(body.jobId ?? '');
      if (body.action !== 'retry' && body.action !== 'discard') {
        notice = { type: 'error', message: 'Unknown action.' };
      } else {
        const done = body.action === 'retry' ? await jobs.retry(jobId) : await jobs.discard(jobId);
        services.logger.info({ adminId: admin!.id, jobId, action: body.action, done }, 'admin acted on a failed job');
        notice = done
          ? { type: 'success', message: body.action === 'retry' ? `Job ${jobId} will run again now.` : `Job ${jobId} was discarded.` }
          : { type: 'error', message: `Job ${jobId} is not a failed job any more (already retried, discarded or running).` };
      }
    }
    return { backlog: await jobs.backlog(), failed: await jobs.failed(), notice };
  };
  return { handler, component, icon: 'Activity' };
}
