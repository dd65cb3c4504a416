// npm run build: the production build in dist/, which `npm run start:prod` (and the Docker image) runs
// with plain node, no TypeScript loader:
//   1. tsc compiles src/ and scripts/ to dist/ (tsconfig.build.json);
//   2. the files the code reads at run time are copied beside it (generated Prisma client, DMMF, the
//      panel's CSRF script and loader hook, component sources, migrations);
//   3. AdminJS's own bundler (adminjs/bundler: rollup + babel, minified as in production) bundles the
//      panel's React components into dist/admin-bundle/bundle.js once, here, instead of in every
//      instance on its first /admin request (10-44 s and ~200 MB there; see src/surfaces/admin/index.ts).
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleAdminComponents } from './admin-components-bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const ADMIN_BUNDLE_DIR = join(dist, 'admin-bundle');
const t0 = Date.now();
const step = (what: string) => console.log(`build: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

await rm(dist, { recursive: true, force: true });
step('tsc -p tsconfig.build.json');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

step('copying run-time files');
/** Every file under src/ that tsc does not emit (.js, .mjs, .json, .tsx sources, .txt), at the same place. */
async function copyAssets(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const from = join(dir, entry.name);
    if (entry.isDirectory()) await copyAssets(from);
    else if (!/\.(ts|d\.ts)$/.test(entry.name) || entry.name.endsWith('.d.ts')) {
      const to = join(dist, relative(root, from));
      await mkdir(dirname(to), { recursive: true });
      await cp(from, to);
    }
  }
}
await copyAssets(join(root, 'src'));
await cp(join(root, 'prisma', 'migrations'), join(dist, 'prisma', 'migrations'), { recursive: true });
await cp(join(root, 'src', 'generated'), join(dist, 'src', 'generated'), { recursive: true });

step('bundling the admin panel components with AdminJS');
// Minified, as in production (AdminJS reads NODE_ENV when its modules are first evaluated).
process.env.NODE_ENV = 'production';
const size = await bundleAdminComponents(ADMIN_BUNDLE_DIR, join(dist, 'src', 'surfaces', 'admin', 'components', 'component-loader.js'));
// The marker src/surfaces/admin/index.ts looks for before serving this bundle instead of building one.
await writeFile(join(ADMIN_BUNDLE_DIR, 'prebuilt.json'), `${JSON.stringify({ builtAt: new Date().toISOString(), bytes: size })}\n`);
step(`done: dist/ with dist/admin-bundle/bundle.js (${Math.round(size / 1024)} KiB)`);
