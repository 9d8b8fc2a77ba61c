import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixedPids, ProcessTracker, type ProcSample, parseProcStat, parseProcStatus, pidsByComm, readProcess } from './bench-proc-stats.js';

describe('parseProcStat', () => {
  it('reads ppid and utime + stime after the last parenthesis, even when the name holds some', () => {
    const line = '4242 (node (x) y) S 4000 4242 4000 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 11 0 5000 1000000 20000 18446744073709551615';
    expect(parseProcStat(line)).toEqual({ comm: 'node (x) y', ppid: 4000, cpuTicks: 1801 });
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStat('hello')).toThrow(RangeError);
  });
});

describe('parseProcStatus', () => {
  it('reads the memory lines in kB, 0 for absent ones', () => {
    const text = 'Name:\tpostgres\nVmHWM:\t  150000 kB\nVmRSS:\t  120000 kB\nRssAnon:\t   20000 kB\nRssFile:\t   10000 kB\nRssShmem:\t   90000 kB\n';
    expect(parseProcStatus(text)).toEqual({ vmRssKb: 120_000, vmHwmKb: 150_000, rssAnonKb: 20_000, rssShmemKb: 90_000 });
    expect(parseProcStatus('Name:\tkthreadd\n')).toEqual({ vmRssKb: 0, vmHwmKb: 0, rssAnonKb: 0, rssShmemKb: 0 });
  });
});

describe('readProcess', () => {
  it('reads this process, and answers undefined for a pid that does not exist', async () => {
    const me = await readProcess(process.pid);
    expect(me?.pid).toBe(process.pid);
    expect(me?.vmRssKb).toBeGreaterThan(0);
    expect(await readProcess(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('pidsByComm', () => {
  it('finds this process by its name, narrowed by its command line', async () => {
    const comm = readFileSync('/proc/self/comm', 'utf8').trim();
    const cmdline = readFileSync('/proc/self/cmdline', 'utf8');
    expect(await pidsByComm(comm)()).toContain(process.pid);
    expect(await pidsByComm(comm, { cmdlineIncludes: cmdline.slice(0, 12) })()).toContain(process.pid);
    expect(await pidsByComm(comm, { cmdlineIncludes: 'no process has this in its command line \u0001' })()).toEqual([]);
  });
});

describe('ProcessTracker', () => {
  const sample = (pid: number, cpuTicks: number, rssKb: number): ProcSample => ({
    pid,
    comm: 'p',
    ppid: 1,
    cpuTicks,
    vmRssKb: rssKb,
    vmHwmKb: rssKb,
    rssAnonKb: rssKb / 2,
    rssShmemKb: rssKb / 2,
  });

  it('counts CPU inside the window only, keeps ticks of ended processes, starts late ones at 0', async () => {
    // Scripted /proc: three samples of pids 1 (lives throughout), 2 (ends) and 3 (born late).
    const script: Record<number, ProcSample>[] = [
      { 1: sample(1, 100, 1000), 2: sample(2, 50, 1000) },
      { 1: sample(1, 200, 3000), 2: sample(2, 80, 1000), 3: sample(3, 10, 500) },
      { 1: sample(1, 300, 2000), 3: sample(3, 40, 500) },
      { 1: sample(1, 999, 9000) },
    ];
    let step = 0;
    const tracker = new ProcessTracker({ g: fixedPids([1, 2, 3]) }, { ticksPerS: 100, read: async (pid) => script[step]?.[pid] });
    await tracker.sample();
    tracker.markStart();
    step = 1;
    await tracker.sample();
    step = 2;
    await tracker.sample();
    tracker.markEnd();
    step = 3;
    await tracker.sample(); // after the window: memory peaks only
    const g = tracker.report(2).g;
    // (300 − 100) + (80 − 50) + 40 = 270 ticks = 2.7 CPU s over 2 s.
    expect(g?.cpu_s).toBe(2.7);
    expect(g?.cpu_cores).toBe(1.35);
    expect(g?.processes).toBe(3);
    expect(g?.peak_rss_mb).toBeCloseTo(9000 / 1024, 1);
  });
});
