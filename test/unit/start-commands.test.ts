// The node flags the service starts with (docs/decisions/process-roles.md, "Memory"): every start script caps
// V8's young generation, and the Docker image runs exactly what `npm run start:prod` runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scriptWords, startProdNodeFlags } from '../../scripts/lib/start-commands.js';

describe('start commands', () => {
  it('every way of starting the service caps the young generation at 16 MB semi-spaces', () => {
    for (const name of ['start', 'start:prod', 'worker', 'worker:prod', 'dev']) {
      expect(scriptWords(name), name).toContain('--max-semi-space-size=16');
    }
    expect(startProdNodeFlags()).toEqual(['--max-semi-space-size=16', '--enable-source-maps']);
  });

  it("the Docker image's CMD is npm run start:prod's command", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(scriptWords('start:prod'));
  });
});
