// AdminJS's own scripts are its production build whatever NODE_ENV says (frontend-bundles.ts): 3.3 MB a page
// instead of 26 MB, so the panel of `npm start` and of the tests loads as fast as production's. They are
// revalidated (ETag, 304), answered without a session, and ADMIN_DEV_BUNDLES=true gives AdminJS's choice back.
import { readFileSync, statSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productionBundleFiles } from '../../src/surfaces/admin/frontend-bundles.js';
import { startAdminApp, type RunningAdmin } from './admin-helpers.js';

const NAMES = ['app.bundle.js', 'global.bundle.js', 'design-system.bundle.js'];

describe("the panel's AdminJS scripts", () => {
  let app: RunningAdmin;
  let dev: RunningAdmin;
  beforeAll(async () => {
    app = await startAdminApp();
    dev = await startAdminApp({ env: { ADMIN_DEV_BUNDLES: 'true' } });
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await dev?.close();
  });

  it('are the production build outside production too, revalidated by ETag, with no cookie', async () => {
    const files = productionBundleFiles();
    expect(Object.keys(files).sort()).toEqual([...NAMES].sort());
    let total = 0;
    for (const name of NAMES) {
      const res = await request(app.baseUrl)
        .get(`/admin/frontend/assets/${name}`)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect([name, res.status, res.headers['content-type'], res.headers['set-cookie']]).toEqual([
        name,
        200,
        'text/javascript; charset=utf-8',
        undefined,
      ]);
      expect((res.body as Buffer).equals(readFileSync(files[name]!)), `${name} is the production file`).toBe(true);
      expect(res.headers['cache-control']).toBe('public, max-age=0');
      const again = await request(app.baseUrl).get(`/admin/frontend/assets/${name}`).set('If-None-Match', String(res.headers.etag));
      expect([name, again.status]).toEqual([name, 304]);
      total += (res.body as Buffer).length;
    }
    // The three together: a few MB, against 26 MB for the development build.
    expect(total).toBeLessThan(5 * 1024 * 1024);
  });

  it("are AdminJS's development build with ADMIN_DEV_BUNDLES=true", async () => {
    const res = await request(dev.baseUrl).head('/admin/frontend/assets/design-system.bundle.js');
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(statSync(productionBundleFiles()['design-system.bundle.js']!).size);
  });
});
