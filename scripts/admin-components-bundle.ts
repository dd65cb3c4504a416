// Bundles the admin panel's React components with AdminJS's own bundler (adminjs/bundler: rollup + babel) into
// `outDir`/bundle.js, as AdminJS does on an instance's first /admin request when it has no bundle (10-44 s and
// ~200 MB there). Used by `npm run build` (production, from dist/) and by the tests' global set-up (one bundle
// for every test app, from src/, instead of one build per browser test file).
// AdminJS reads NODE_ENV and ADMIN_JS_TMP_DIR when its modules are first evaluated: call this in a process that
// has not imported adminjs yet, with NODE_ENV as the bundle should be built (production: minified).
//
//   node --import tsx scripts/admin-components-bundle.ts <outDir>     (the components from src/)
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** `loaderModule`: the component-loader module to bundle (src/'s .ts under tsx, or dist/'s .js). Returns bytes. */
export async function bundleAdminComponents(outDir: string, loaderModule: string): Promise<number> {
  process.env.ADMIN_JS_TMP_DIR = outDir;
  await mkdir(outDir, { recursive: true });
  const { default: AdminJS } = await import('adminjs');
  // adminjs/bundler ships no type declarations: the two functions used, as they are declared in its source.
  const bundlerModule = 'adminjs/bundler';
  const { componentsBundler, generateUserComponentEntry } = (await import(bundlerModule)) as {
    componentsBundler: { createEntry(o: { content: string }): Promise<void>; build(): Promise<void> };
    generateUserComponentEntry(admin: unknown, dir: string): string;
  };
  const { createComponents } = (await import(pathToFileURL(loaderModule).href)) as { createComponents: () => { loader: never } };
  const admin = new AdminJS({ componentLoader: createComponents().loader });
  await componentsBundler.createEntry({ content: generateUserComponentEntry(admin, outDir) });
  await componentsBundler.build();
  return (await stat(join(outDir, 'bundle.js'))).size;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node --import tsx scripts/admin-components-bundle.ts <outDir>');
    process.exit(2);
  }
  const loader = fileURLToPath(new URL('../src/surfaces/admin/components/component-loader.ts', import.meta.url));
  const bytes = await bundleAdminComponents(resolve(outDir), loader);
  console.log(`admin components bundled: ${join(outDir, 'bundle.js')} (${Math.round(bytes / 1024)} KiB)`);
}
