// node --import tsx scripts/cpu-profile-top.ts <file.cpuprofile> [--top 25]
// Summarises a V8 CPU profile (node --cpu-prof): the top frames by self time, and the share of busy time
// (idle, GC and "(program)" excluded) spent in each package (Prisma's query compiler, pg, express, ...).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);
function packageOf(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.includes('/src/generated/prisma/')) return '@prisma/client (generated, query compiler)';
  if (url.startsWith('node:')) return 'node core';
  const src = url.indexOf('/src/');
  return src >= 0
    ? `app ${url
        .slice(src + 1)
        .split('/')
        .slice(0, 3)
        .join('/')}`
    : url;
}

let busy = 0;
let gc = 0;
const frames = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const name = n.callFrame.functionName || '(anonymous)';
  if (name === '(garbage collector)') gc += us;
  if (IDLE.has(name)) continue;
  busy += us;
  const file = n.callFrame.url.replace(/^.*\/(node_modules|src)\//, '$1/');
  const key = `${name}  ${file}:${n.callFrame.lineNumber + 1}`;
  frames.set(key, (frames.get(key) ?? 0) + us);
  const pkg = packageOf(n.callFrame.url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
}
const total = profile.endTime - profile.startTime;
const pctOf = (us: number) => `${((100 * us) / busy).toFixed(1)}%`.padStart(6);
console.log(
  `profile ${(total / 1e6).toFixed(1)} s; busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / total).toFixed(0)}%), GC ${(gc / 1e6).toFixed(1)} s`,
);
console.log('\nby package (share of busy time):');
for (const [k, v] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pctOf(v)}  ${k}`);
console.log(`\ntop ${values.top} frames by self time:`);
for (const [k, v] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`  ${pctOf(v)}  ${k}`);
