// CPU time from /proc, to say where a benchmark's cores went: per process group (each service is
// started detached, so its group is npm, its shell and its Node), every `postgres` process, and the
// machine as a whole. Linux only.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux everywhere in practice). */
const HZ = 100;

/** CPU seconds so far: per process (with its label: by process group, `postgres` for every PostgreSQL process), and the machine's busy and total. */
export interface CpuSnapshot {
  at: number;
  processes: Map<number, { label: string; seconds: number }>;
  machineBusy: number;
  machineTotal: number;
}

/** Reads the CPU seconds of the process groups in `groups` (pgid → label), of PostgreSQL, and of the machine. */
export function cpuSnapshot(groups: ReadonlyMap<number, string>): CpuSnapshot {
  const processes = new Map<number, { label: string; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
    // comm is in parentheses and may hold spaces: the fields after it are split from the last ')'.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgid = Number(fields[2]);
    const cpu = (Number(fields[11]) + Number(fields[12])) / HZ;
    const label = comm === 'postgres' ? 'postgres' : groups.get(pgid);
    if (label) processes.set(Number(entry), { label, seconds: cpu });
  }
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0) / HZ;
  const idle = (line[3]! + line[4]!) / HZ;
  return { at: Date.now(), processes, machineBusy: total - idle, machineTotal: total };
}

/**
 * Cores used per label between two snapshots (CPU seconds ÷ wall seconds), and the machine's busy
 * cores. Per process: one that started between them counts whole; one that exited between them
 * (a PostgreSQL backend whose connection closed) is missing its last part, so the figure is a floor.
 */
export function coresBetween(a: CpuSnapshot, b: CpuSnapshot): { wallSeconds: number; cores: Map<string, number>; machineCores: number } {
  const wallSeconds = (b.at - a.at) / 1000;
  const cores = new Map<string, number>();
  for (const [pid, after] of b.processes) {
    const before = a.processes.get(pid);
    const used = after.seconds - (before?.label === after.label ? before.seconds : 0);
    cores.set(after.label, (cores.get(after.label) ?? 0) + used / wallSeconds);
  }
  return { wallSeconds, cores, machineCores: (b.machineBusy - a.machineBusy) / wallSeconds };
}
