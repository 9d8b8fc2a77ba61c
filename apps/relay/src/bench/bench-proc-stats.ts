/**
 * CPU time and memory of processes from Linux /proc, for the ingest bench: a group is one
 * process (a relay, the generator, nats-server) or every process with one name (PostgreSQL's
 * postmaster and backends, which come and go during a run).
 *
 * @example
 * const tracker = new ProcessTracker({ relay: fixedPids([child.pid]), postgres: pidsByComm('postgres') });
 * await tracker.sample(); tracker.markStart(); …; await tracker.sample(); tracker.markEnd();
 * tracker.report(windowS)
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export interface ProcStat {
  comm: string;
  ppid: number;
  /** utime + stime of every thread, clock ticks (waited-for children not included). */
  cpuTicks: number;
}

export interface ProcStatus {
  vmRssKb: number;
  /** Peak resident set size of the process' life. */
  vmHwmKb: number;
  rssAnonKb: number;
  rssShmemKb: number;
}

/** Parses /proc/<pid>/stat. The command name may hold spaces and parentheses: fields follow the last ')'. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open === -1 || close < open) throw new RangeError('not a /proc/<pid>/stat line');
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // After the name: state(3) ppid(4) … utime(14) stime(15), numbered from 1 as in proc(5).
  const field = (n: number) => Number(fields[n - 3]);
  const utime = field(14);
  const stime = field(15);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new RangeError('stat line too short');
  return { comm: text.slice(open + 1, close), ppid: field(4), cpuTicks: utime + stime };
}

/** Parses the memory lines of /proc/<pid>/status (kB); a kernel thread has none and reads as 0. */
export function parseProcStatus(text: string): ProcStatus {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m?.[1] === undefined ? 0 : Number(m[1]);
  };
  return { vmRssKb: kb('VmRSS'), vmHwmKb: kb('VmHWM'), rssAnonKb: kb('RssAnon'), rssShmemKb: kb('RssShmem') };
}

export interface ProcSample extends ProcStat, ProcStatus {
  pid: number;
}

/** One process now; undefined when it has gone (or cannot be read). */
export async function readProcess(pid: number): Promise<ProcSample | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    return { pid, ...parseProcStat(stat), ...parseProcStatus(status) };
  } catch {
    return undefined;
  }
}

/** Finds the processes of a group at each sample. */
export type PidSource = () => Promise<number[]>;

export function fixedPids(pids: readonly (number | undefined)[]): PidSource {
  const known = pids.filter((p): p is number => p !== undefined);
  return async () => known;
}

/**
 * Every process whose name (comm, 15 characters at most) is exactly `comm` and, when given,
 * whose command line (PostgreSQL backends put their database there) includes
 * `cmdlineIncludes`. Scanning /proc costs the bench CPU the figures should not include, so
 * the list is refreshed every `rescanMs` only (a process born in between is first seen, and
 * counted from 0, later).
 */
export function pidsByComm(comm: string, options: { cmdlineIncludes?: string; rescanMs?: number } = {}): PidSource {
  const rescanMs = options.rescanMs ?? 2000;
  let cached: number[] = [];
  let scannedAt = Number.NEGATIVE_INFINITY;
  return async () => {
    if (performance.now() - scannedAt < rescanMs) return cached;
    scannedAt = performance.now();
    cached = await scanComm(comm, options.cmdlineIncludes);
    return cached;
  };
}

async function scanComm(comm: string, cmdlineIncludes: string | undefined): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readFile(`/proc/${entry}/comm`, 'utf8')).trim() !== comm) continue;
      if (cmdlineIncludes === undefined || (await readFile(`/proc/${entry}/cmdline`, 'utf8')).includes(cmdlineIncludes)) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Clock ticks per second for /proc CPU times (`getconf CLK_TCK`, 100 on Linux). */
export function clockTicksPerSecond(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

export interface GroupReport {
  /** Processes seen during the run. */
  processes: number;
  /** CPU seconds inside the measured window / window seconds: 1.0 = one core busy. */
  cpu_cores: number;
  cpu_s: number;
  /** Highest sum of VmRSS over the group's processes at one sample, MB. */
  peak_rss_mb: number;
  /**
   * Highest sum of private memory (RssAnon) plus the largest shared segment at one sample, MB:
   * for PostgreSQL the VmRSS sum counts shared buffers once per backend.
   */
  peak_private_plus_shared_mb: number;
  /** Largest VmHWM (lifetime peak) of one process of the group, MB. */
  max_vm_hwm_mb: number;
}

interface GroupState {
  source: PidSource;
  /** CPU ticks of each pid at the window start (pids born later start from 0). */
  baseline: Map<number, number> | undefined;
  /** Latest CPU ticks of each pid seen; kept after a pid ends. */
  latest: Map<number, number>;
  /** Ticks at the window end, frozen by markEnd(). */
  frozen: Map<number, number> | undefined;
  seen: Set<number>;
  peakRssKb: number;
  peakPrivateSharedKb: number;
  maxHwmKb: number;
}

/**
 * Samples groups of processes. CPU over the window = Σ per pid (last ticks seen − ticks at
 * markStart, 0 for a pid born later); a pid that ends between samples loses at most one
 * sample interval of CPU.
 */
export class ProcessTracker {
  readonly #groups = new Map<string, GroupState>();
  readonly #ticksPerS: number;
  readonly #read: (pid: number) => Promise<ProcSample | undefined>;

  constructor(groups: Record<string, PidSource>, options: { ticksPerS?: number; read?: (pid: number) => Promise<ProcSample | undefined> } = {}) {
    this.#ticksPerS = options.ticksPerS ?? clockTicksPerSecond();
    this.#read = options.read ?? readProcess;
    for (const [name, source] of Object.entries(groups)) {
      this.#groups.set(name, {
        source,
        baseline: undefined,
        latest: new Map(),
        frozen: undefined,
        seen: new Set(),
        peakRssKb: 0,
        peakPrivateSharedKb: 0,
        maxHwmKb: 0,
      });
    }
  }

  async sample(): Promise<void> {
    await Promise.all(
      [...this.#groups.values()].map(async (g) => {
        const samples = (await Promise.all((await g.source()).map((pid) => this.#read(pid)))).filter((s): s is ProcSample => s !== undefined);
        let rss = 0;
        let anon = 0;
        let shmem = 0;
        for (const s of samples) {
          g.seen.add(s.pid);
          if (!g.frozen) g.latest.set(s.pid, s.cpuTicks);
          rss += s.vmRssKb;
          anon += s.rssAnonKb;
          shmem = Math.max(shmem, s.rssShmemKb);
          g.maxHwmKb = Math.max(g.maxHwmKb, s.vmHwmKb);
        }
        g.peakRssKb = Math.max(g.peakRssKb, rss);
        g.peakPrivateSharedKb = Math.max(g.peakPrivateSharedKb, anon + shmem);
      }),
    );
  }

  /** Opens the CPU window at the last sample. */
  markStart(): void {
    for (const g of this.#groups.values()) g.baseline = new Map(g.latest);
  }

  /** Closes the CPU window at the last sample; later samples still update memory peaks. */
  markEnd(): void {
    for (const g of this.#groups.values()) g.frozen = new Map(g.latest);
  }

  report(windowS: number): Record<string, GroupReport> {
    const out: Record<string, GroupReport> = {};
    for (const [name, g] of this.#groups) {
      let ticks = 0;
      for (const [pid, last] of g.frozen ?? g.latest) ticks += last - (g.baseline?.get(pid) ?? 0);
      const cpuS = ticks / this.#ticksPerS;
      out[name] = {
        processes: g.seen.size,
        cpu_s: round(cpuS, 2),
        cpu_cores: windowS > 0 ? round(cpuS / windowS, 3) : 0,
        peak_rss_mb: round(g.peakRssKb / 1024, 1),
        peak_private_plus_shared_mb: round(g.peakPrivateSharedKb / 1024, 1),
        max_vm_hwm_mb: round(g.maxHwmKb / 1024, 1),
      };
    }
    return out;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
