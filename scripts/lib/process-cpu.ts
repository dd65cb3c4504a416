// CPU time of processes on this machine, read from /proc (Linux): how many CPU milliseconds a phase of a
// benchmark cost each process, whatever else the machine was doing. Latency depends on the load around a
// run; CPU per request much less so, which makes it the figure to compare across runs and machines.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of one process, in ms (NaN once it is gone). */
export function cpuMs(pid: number): number {
  try {
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // fields 14 and 15 of stat(5)
  } catch {
    return NaN;
  }
}

/** PostgreSQL backends serving one database (their process title names it). */
function backendsOf(database: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres:') && cmd.includes(` ${database} `)) pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

export interface CpuSample {
  at: number;
  byPid: Map<number, number>;
  backends: Map<number, number>;
}

/** CPU counters of the given processes and of every backend of `database`, now. */
export function sampleCpu(pids: number[], database: string): CpuSample {
  return {
    at: performance.now(),
    byPid: new Map(pids.map((p) => [p, cpuMs(p)])),
    backends: new Map(backendsOf(database).map((p) => [p, cpuMs(p)])),
  };
}

/** CPU ms each process used between two samples; `postgres` sums the backends (one started since counts whole). */
export function cpuBetween(a: CpuSample, b: CpuSample): { wallMs: number; byPid: Map<number, number>; postgres: number } {
  const byPid = new Map<number, number>();
  for (const [pid, ms] of b.byPid) byPid.set(pid, ms - (a.byPid.get(pid) ?? 0));
  let postgres = 0;
  for (const [pid, ms] of b.backends) if (Number.isFinite(ms)) postgres += ms - (a.backends.get(pid) ?? 0);
  return { wallMs: b.at - a.at, byPid, postgres };
}
