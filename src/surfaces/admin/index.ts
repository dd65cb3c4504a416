// Entry point of the admin panel: buildAdminRouter(services) returns the Express router to mount at /admin
// (before any body parser). AdminJS reads ADMIN_JS_TMP_DIR (where it writes its component bundle) when its
// module is first evaluated, so the variable is set here and everything that imports AdminJS is loaded
// afterwards with a dynamic import. The default "admin-bundle" is not a dot-folder, which Express 5 would
// refuse to serve from in production.
import { register } from 'node:module';
import type { Router } from 'express';
import type { Services } from '../../container.js';

// Process-wide (module instances can be re-evaluated, e.g. per test file): register the hook once.
const HOOK_FLAG = Symbol.for('ledgerline.admin.prismaClientAliasHook');

export async function buildAdminRouter(services: Services): Promise<Router> {
  process.env.ADMIN_JS_TMP_DIR ??= services.env.ADMIN_JS_TMP_DIR;
  const flags = globalThis as { [HOOK_FLAG]?: boolean };
  if (!flags[HOOK_FLAG]) {
    // See adapter/prisma-client-alias.hook.mjs: lets @adminjs/prisma load next to our generated client.
    register('./adapter/prisma-client-alias.hook.mjs', import.meta.url, {
      data: { clientUrl: new URL('../../generated/prisma/index.js', import.meta.url).href },
    });
    flags[HOOK_FLAG] = true;
  }
  const { createAdminRouter } = await import('./admin.router.js');
  return createAdminRouter(services);
}
