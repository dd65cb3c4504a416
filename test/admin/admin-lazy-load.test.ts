// The /admin mount loads AdminJS on its first request (src/surfaces/admin/index.ts): concurrent first
// requests share one build, a failed build answers 503 (JSON for the API, HTML for pages) and is retried by
// the next request, and once built every request goes straight to the panel's router.
import express, { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Services } from '../../src/container.js';
import { createLogger } from '../../src/platform/logger.js';
import { lazyAdminRouter } from '../../src/surfaces/admin/index.js';
import { waitFor } from '../helpers/wait-for.js';

const services = {
  env: { NODE_ENV: 'test', ADMIN_JS_TMP_DIR: 'admin-bundle' },
  logger: createLogger({ level: 'silent', pretty: false }),
} as unknown as Services;

function panel(): Router {
  const r = Router();
  r.get('/login', (_req, res) => void res.send('login page'));
  return r;
}

/** The app, and how many requests have reached the /admin handler (they reach it in the tick they arrive). */
function appWith(build: () => Promise<Router>) {
  const app = express();
  const seen = { requests: 0 };
  app.use('/admin', (_req, _res, next) => {
    seen.requests++;
    next();
  });
  app.use('/admin', lazyAdminRouter(services, build));
  return Object.assign(app, { seen });
}

describe('lazy admin panel', () => {
  it('builds once for concurrent first requests, then serves from the built router', async () => {
    let builds = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const app = appWith(async () => {
      builds++;
      await gate;
      return panel();
    });
    const first = Promise.all(
      [1, 2, 3].map(() =>
        request(app)
          .get('/admin/login')
          .then((r) => r),
      ),
    );
    // All three wait on the build before it ends (after a fixed pause, a late one could find it built).
    await waitFor('the three requests to reach the panel', () => app.seen.requests === 3);
    release();
    for (const res of await first) {
      expect(res.status).toBe(200);
      expect(res.text).toBe('login page');
    }
    await request(app).get('/admin/login').expect(200, 'login page');
    expect(builds).toBe(1);
  });

  it('answers 503 while the build fails (JSON for the API, HTML for pages) and retries on the next request', async () => {
    let builds = 0;
    const app = appWith(async () => {
      builds++;
      if (builds < 3) throw new Error('database unavailable');
      return panel();
    });
    const api = await request(app).get('/admin/api/resources/Order/actions/list').set('Accept', 'application/json').expect(503);
    expect(api.body.error.code).toBe('UNAVAILABLE');
    expect(api.headers['retry-after']).toBe('5');
    const page = await request(app).get('/admin/login').set('Accept', 'text/html').expect(503);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('Admin panel unavailable');
    expect(page.text).not.toContain('database unavailable');
    await request(app).get('/admin/login').expect(200, 'login page');
    expect(builds).toBe(3);
  });
});
