// node --import tsx scripts/cpu-profile-top.ts <file.cpuprofile> [--top 25] [--from S] [--to S] [--timeline] [--inclusive]
// Summarises a V8 CPU profile (node --cpu-prof): the top frames by self time, and the share of busy time
// (idle, GC and "(program)" excluded) spent in each package (Prisma's query compiler, pg, express, ...).
// --from/--to keep only the samples between those seconds from the profile's start (one phase of a benchmark);
// --timeline prints the busy share of each second first, to find the phases; --inclusive adds the app's own
// functions by total time (self plus everything they called), which says which handler the time is spent under.
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

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: 'Infinity' },
    timeline: { type: 'boolean', default: false },
    inclusive: { type: 'boolean', default: false },
  },
});
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);
const fromUs = Number(values.from) * 1e6;
const toUs = Number(values.to) * 1e6;

// Each sample's time since the profile started, and the second it falls in.
const self = new Map<number, number>();
const perSecond: number[] = [];
let at = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  at += dt;
  const second = Math.floor(at / 1e6);
  const name = byId.get(id)!.callFrame.functionName;
  if (!IDLE.has(name)) perSecond[second] = (perSecond[second] ?? 0) + dt;
  if (at < fromUs || at >= toUs) return;
  self.set(id, (self.get(id) ?? 0) + dt);
});
if (values.timeline) {
  console.log('busy share per second (s: %):');
  const cells = Array.from(perSecond, (us, s) => `${String(s).padStart(4)}:${String(Math.round((us ?? 0) / 1e4)).padStart(3)}`);
  for (let i = 0; i < cells.length; i += 10) console.log(cells.slice(i, i + 10).join(' '));
  console.log('');
}
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
const total = Math.min(toUs, profile.endTime - profile.startTime) - fromUs;
const pctOf = (us: number) => `${((100 * us) / busy).toFixed(1)}%`.padStart(6);
console.log(
  `profile ${(total / 1e6).toFixed(1)} s; busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / total).toFixed(0)}%), GC ${(gc / 1e6).toFixed(1)} s`,
);
console.log('\nby package (share of busy time):');
for (const [k, v] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${pctOf(v)}  ${k}`);
console.log(`\ntop ${values.top} frames by self time:`);
for (const [k, v] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`  ${pctOf(v)}  ${k}`);

if (values.inclusive) {
  // Total time under each app function (self time of every sample whose stack passes through it, once per stack).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    if (IDLE.has(byId.get(id)!.callFrame.functionName)) continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!f.url.includes('/src/') || f.url.includes('/generated/') || f.url.includes('node_modules')) continue;
      const key = `${f.functionName || '(anonymous)'}  ${f.url.replace(/^.*\/src\//, 'src/')}:${f.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  console.log(`\ntop ${values.top} app functions by total time (self + callees):`);
  for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`  ${pctOf(v)}  ${k}`);
}
