// Entry point of the admin panel. lazyAdminRouter(services) is what app.ts mounts at /admin (before any body
// parser): AdminJS and its bundler dependencies cost ~210 MB of RSS, so they are loaded on the first request
// under /admin, not at start-up; a process that only ever serves Discord never pays for them. The build is
// memoised (concurrent first requests share one), and a failed build answers 503 and is retried on the next
// request instead of being remembered.
// AdminJS reads ADMIN_JS_TMP_DIR (where it writes its component bundle) when its module is first evaluated,
// so the variable is set here and everything that imports AdminJS is loaded afterwards with a dynamic import.
// The default "admin-bundle" is not a dot-folder, which Express 5 would refuse to serve from in production.
import { register } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { Services } from './services.js';
import { isApiRequest } from './panel-requests.js';

// Process-wide (module instances can be re-evaluated, e.g. per test file): register the hook once.
const HOOK_FLAG = Symbol.for('ledgerline.admin.prismaClientAliasHook');
/** How long the first production request waits for AdminJS's component bundle before being served anyway. */
const BUNDLE_WAIT_MS = 120_000;

/**
 * `npm run build` bundles the components into dist/admin-bundle (with a `prebuilt.json` marker); run from
 * that build in production, AdminJS serves that bundle and bundles nothing itself (ADMIN_JS_SKIP_BUNDLE),
 * so the first /admin visit costs no rollup/babel run and no bundler memory.
 */
export function usePrebuiltBundle(nodeEnv: string): boolean {
  const dir = fileURLToPath(new URL('../../../admin-bundle/', import.meta.url));
  if (nodeEnv !== 'production' || process.env.ADMIN_JS_SKIP_BUNDLE === 'false' || !existsSync(join(dir, 'prebuilt.json'))) return false;
  process.env.ADMIN_JS_TMP_DIR = dir;
  process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
  return true;
}

export async function buildAdminRouter(services: Services): Promise<Router> {
  usePrebuiltBundle(services.env.NODE_ENV);
  process.env.ADMIN_JS_TMP_DIR ??= services.env.ADMIN_JS_TMP_DIR;
  const { createAdminRouter } = await loadAdminRouterModule();
  return createAdminRouter(services);
}

/**
 * The panel's router module (AdminJS and @adminjs/prisma with it), loaded after the hook that lets
 * @adminjs/prisma find our generated client: the one way to import it (tests that read the resources too).
 */
export async function loadAdminRouterModule(): Promise<typeof import('./admin.router.js')> {
  const flags = globalThis as { [HOOK_FLAG]?: boolean };
  if (!flags[HOOK_FLAG]) {
    // See adapter/prisma-client-alias.hook.mjs: lets @adminjs/prisma load next to our generated client.
    register('./adapter/prisma-client-alias.hook.mjs', import.meta.url, {
      data: { clientUrl: new URL('../../generated/prisma/index.js', import.meta.url).href },
    });
    flags[HOOK_FLAG] = true;
  }
  return import('./admin.router.js');
}

/**
 * Whether AdminJS bundles the custom components itself when its router is built: its own rule, read where it reads
 * it (adminjs/lib/adminjs.js, `initialize`: the process's NODE_ENV, not our parsed config, and ADMIN_JS_SKIP_BUNDLE).
 * Asking our config instead made an app configured as production inside a test process wait two minutes for a
 * bundle AdminJS never writes there.
 */
function adminJsBundlesAtStart(): boolean {
  return process.env.NODE_ENV === 'production' && process.env.ADMIN_JS_SKIP_BUNDLE !== 'true';
}

/**
 * When AdminJS bundles the custom components at start (without waiting), its pages load that bundle: hold the
 * first requests until bundle.js has been (re)written, so the first admin never gets a page without its
 * components. Otherwise AdminJS bundles on demand, or serves the prebuilt bundle (usePrebuiltBundle).
 */
async function productionBundleWritten(services: Services, since: number): Promise<void> {
  if (!adminJsBundlesAtStart()) return;
  const bundle = join(process.env.ADMIN_JS_TMP_DIR ?? services.env.ADMIN_JS_TMP_DIR, 'bundle.js');
  const deadline = Date.now() + BUNDLE_WAIT_MS;
  while (Date.now() < deadline) {
    const written = statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (written >= since) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  services.logger.warn({ bundle }, 'admin panel: component bundle not written yet; serving the panel anyway');
}

function unavailable(req: Request, res: Response): void {
  const message = 'The admin panel could not be loaded. Try again in a moment.';
  res.status(503).set({ 'Retry-After': '5', 'Cache-Control': 'no-store' });
  if (isApiRequest(req) || req.accepts(['html', 'json']) === 'json') {
    res.json({ error: { code: 'UNAVAILABLE', message } });
    return;
  }
  res
    .type('html')
    .send(`<!doctype html><meta charset="utf-8"><title>Admin panel unavailable</title><h1>Admin panel unavailable</h1><p>${message}</p>`);
}

/** The /admin handler: builds the panel on first use (see the header), then hands every request to it. */
export function lazyAdminRouter(services: Services, build: (s: Services) => Promise<Router> = buildAdminRouter): RequestHandler {
  let router: Router | undefined;
  let building: Promise<Router> | undefined;
  const load = (): Promise<Router> => {
    if (building) return building;
    const started = Date.now();
    const rssBefore = process.memoryUsage.rss();
    services.logger.info('admin panel: loading AdminJS on its first request');
    const attempt: Promise<Router> = build(services)
      .then(async (built) => {
        await productionBundleWritten(services, started);
        router = built;
        const rssMb = Math.round(process.memoryUsage.rss() / 1048576);
        services.logger.info({ ms: Date.now() - started, rssMb, addedMb: rssMb - Math.round(rssBefore / 1048576) }, 'admin panel: loaded');
        return built;
      })
      .catch((err: unknown) => {
        // Forget the failure so the next request tries again (a database blip must not disable the panel).
        if (building === attempt) building = undefined;
        services.logger.error({ err }, 'admin panel: failed to load; the next request retries');
        throw err;
      });
    building = attempt;
    return attempt;
  };
  return (req: Request, res: Response, next: NextFunction) => {
    if (router) return router(req, res, next);
    load().then(
      (r) => r(req, res, next),
      () => unavailable(req, res),
    );
  };
}
