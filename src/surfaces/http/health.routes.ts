// /healthz: the process answers. /readyz: it can serve, answered within a second whatever the database
// does (a frozen or unreachable database must not hang the load balancer's probe), saying what is wrong.
// A bot token Discord refused is said too, and keeps the answer 200: the instance still answers interactions (their
// replies carry the interaction's own token), and a load balancer taking every instance out would close the shop; what
// waits (DMs, roles, admin-channel posts) is sent once the process restarts with a valid token. Likewise a job worker
// child that exited and waits for its restart (`npm start`): the jobs wait in the queue, the requests are served.
import { Router } from 'express';
import { isDatabaseTimeout, isDatabaseUnavailable } from '../../platform/db/db-faults.js';

export const READY_TIMEOUT_MS = 900;

class ReadyTimeout extends Error {}

export function healthRoutes(deps: {
  checkDatabase: () => Promise<void>;
  /** When Discord refused the bot's token (discord-rest.ts watchBotToken); null while it has not. */
  botTokenRefusedAt?: () => Date | null;
  /** Since when the supervised job worker child is down (exited, its restart pending); null while it runs or there is none. */
  jobWorkerDownSince?: () => Date | null;
  timeoutMs?: number;
}): Router {
  const router = Router();
  const timeoutMs = deps.timeoutMs ?? READY_TIMEOUT_MS;
  const detail = () => {
    const refusedAt = deps.botTokenRefusedAt?.();
    const downSince = deps.jobWorkerDownSince?.();
    return {
      ...(refusedAt ? { discordBotToken: `refused by Discord at ${refusedAt.toISOString()}: restart with a valid DISCORD_BOT_TOKEN` } : {}),
      ...(downSince ? { jobWorker: `exited at ${downSince.toISOString()}; restarting it` } : {}),
    };
  };
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        deps.checkDatabase(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ReadyTimeout()), timeoutMs);
        }),
      ]);
      res.set('Cache-Control', 'no-store').json({ status: 'ready', database: 'ok', ...detail() });
    } catch (err) {
      const database =
        err instanceof ReadyTimeout
          ? `no answer within ${timeoutMs} ms`
          : isDatabaseTimeout(err)
            ? 'statement timed out'
            : isDatabaseUnavailable(err)
              ? 'unreachable'
              : 'error';
      req.log?.warn({ err: err instanceof ReadyTimeout ? undefined : err, database }, 'readiness check failed');
      res
        .status(503)
        .set('Cache-Control', 'no-store')
        .set('Retry-After', '5')
        .json({ status: 'unavailable', database, ...detail() });
    } finally {
      clearTimeout(timer);
    }
  });
  return router;
}
