// AdminJS's own scripts (React, its design system, its app) come in two builds, and AdminJS picks one from
// NODE_ENV when its module loads: the development build unless NODE_ENV=production. That build is 26 MB of
// unminified script per page (design system 11.7 MB, globals 9.7 MB, app 4.6 MB) against 3.3 MB, and runs
// React's development checks, so every page of a panel started with `npm start` (or in the tests) cost the
// browser seconds of parsing and running. The panel serves the production build whatever NODE_ENV says;
// ADMIN_DEV_BUNDLES=true serves AdminJS's choice again, for someone debugging AdminJS itself.
// Our own components' bundle (components.bundle.js) is not among these: AdminJS builds it (index.ts).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';
import { ASSETS_PATH } from './panel-requests.js';

const require = createRequire(import.meta.url);

/** The asset names AdminJS's pages load, and the production file of each (as AdminJS's router finds them). */
export function productionBundleFiles(): Record<string, string> {
  // adminjs' entry is index.js at its root (scripts under lib/frontend/assets/scripts/); the design system's is
  // build/index.js, its bundles one folder up. adminjs 7 (lib/backend/utils/router/router.js) finds them so.
  const adminjs = dirname(require.resolve('adminjs'));
  const designSystem = dirname(require.resolve('@adminjs/design-system'));
  return {
    'app.bundle.js': join(adminjs, 'lib/frontend/assets/scripts/app-bundle.production.js'),
    'global.bundle.js': join(adminjs, 'lib/frontend/assets/scripts/global-bundle.production.js'),
    'design-system.bundle.js': join(designSystem, '../bundle.production.js'),
  };
}

/**
 * Routes for the three scripts, mounted before AdminJS's own; same caching as AdminJS's (revalidated by ETag).
 * A file an AdminJS upgrade moved is left to AdminJS's route (its own choice of build), not answered 404.
 */
export function productionBundlesRouter(): Router {
  const router = express.Router();
  for (const [name, file] of Object.entries(productionBundleFiles())) {
    if (!existsSync(file)) continue;
    router.get(`${ASSETS_PATH}${name}`, (_req, res, next) => {
      res.sendFile(file, { maxAge: 0, headers: { 'Content-Type': 'text/javascript; charset=utf-8' } }, (err) => {
        if (err) next(err);
      });
    });
  }
  return router;
}
