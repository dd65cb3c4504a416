// The node command lines the service is started with, read from package.json, so that a benchmark (and the test
// that keeps the Dockerfile's CMD equal to them) uses the flags production uses, named in one place.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The words of the command a package.json script runs, e.g. ['node', '--max-semi-space-size=16', 'dist/src/main.js'].
 * A leading `exec` (the production scripts': the shell npm starts becomes node, so a SIGTERM sent to npm reaches
 * the service instead of orphaning it) is how it is run, not a word of the command.
 */
export function scriptWords(name: string): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = pkg.scripts[name];
  if (!script) throw new Error(`package.json has no script "${name}"`);
  const words = script.trim().split(/\s+/);
  return words[0] === 'exec' ? words.slice(1) : words;
}

/** The flags `npm run start:prod` gives node before the entry file. */
export function startProdNodeFlags(): string[] {
  const [node, ...rest] = scriptWords('start:prod');
  if (node !== 'node' || !rest.at(-1)?.endsWith('.js')) throw new Error('start:prod is not "node [flags] <file>.js"');
  return rest.slice(0, -1);
}
