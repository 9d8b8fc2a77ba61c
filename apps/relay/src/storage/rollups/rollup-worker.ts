import type { SqlClient } from '../sql-client.js';
import type { StorageLogger } from '../storage-logger.js';
import {
  ADVANCE_HORIZON,
  ENSURE_ROLLUP_PARTITIONS,
  ROLLUP_DAYS,
  ROLLUP_HOURS,
  ROLLUP_MINUTES,
  ROUND_SETTINGS,
  TAKE_PENDING,
  TRY_ROLLUP_LOCK,
} from './rollup-sql.js';
import { ROLLUP_TABLES } from './tables.js';

const MINUTE_MS = 60_000;

export interface RollupRoundOptions {
  nowMs: number;
  /**
   * How long after a minute ends its readings may still be committing (pipeline latency:
   * collector batch, bus, storage batch). A minute is rolled once it ended this long ago;
   * rows committed even later are late data and re-roll the minute next round.
   */
  graceMs: number;
  /**
   * A minute is taken only when its newest mark is this old (database clock): one still being
   * filled — a backfill, a replayed spool — waits until writes to it stop. Default 0.
   */
  quietMs?: number;
  /** Most pending minutes one round (one transaction) takes. */
  maxMinutes: number;
}

export interface RollupRound {
  /** Another relay held the rollup lock: this round did nothing. */
  skipped: boolean;
  minutes: number;
  /** (point, bucket) rows rewritten at each level. */
  pointMinutes: number;
  pointHours: number;
  pointDays: number;
  /** Everything before it is rolled up (epoch ms; -Infinity before the first round). */
  horizonMs: number;
}

interface Touched {
  rows: number;
  pointIds: number[];
  bucketsMs: number[];
}

const NONE: Touched = { rows: 0, pointIds: [], bucketsMs: [] };
const iso = (ms: number): string => new Date(ms).toISOString();

/** Sorted minute starts → runs of consecutive minutes as [starts, ends) arrays. */
export function runsOf(minutesMs: readonly number[]): [number[], number[]] {
  const sorted = [...minutesMs].sort((a, b) => a - b);
  const lo: number[] = [];
  const hi: number[] = [];
  for (const ms of sorted) {
    if (hi.length > 0 && hi[hi.length - 1] === ms) hi[hi.length - 1] = ms + MINUTE_MS;
    else if (hi.length === 0 || (hi[hi.length - 1] as number) < ms) {
      lo.push(ms);
      hi.push(ms + MINUTE_MS);
    }
  }
  return [lo, hi];
}

/** One partition per distinct period of the taken minutes, for every rollup table. */
function partitionsFor(minutesMs: readonly number[]): [string[], string[], string[]] {
  const parents: string[] = [];
  const units: string[] = [];
  const at: string[] = [];
  for (const table of ROLLUP_TABLES) {
    const seen = new Set<string>();
    for (const ms of minutesMs) {
      const d = new Date(ms);
      const key = table.unit === 'month' ? `${d.getUTCFullYear()}-${d.getUTCMonth()}` : `${d.getUTCFullYear()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      parents.push(table.table);
      units.push(table.unit);
      at.push(iso(ms));
    }
  }
  return [parents, units, at];
}

/**
 * One rollup round, in one transaction: take the closed pending minutes, rebuild their
 * 1-minute rows from raw, then the touched hours from 1-minute rows and the touched days
 * from hours, and advance the horizon. A transaction-scoped advisory lock makes rounds of
 * several relays take turns (two rounds rebuilding the same hour from each other's
 * uncommitted minutes would lose one of them); the loser skips instead of waiting.
 *
 * @example
 * const round = await rollupOnce(store.sql, { nowMs: Date.now(), graceMs: 5_000, maxMinutes: 1_000 })
 */
export async function rollupOnce(db: SqlClient, options: RollupRoundOptions): Promise<RollupRound> {
  const cutoffMs = Math.floor((options.nowMs - options.graceMs) / MINUTE_MS) * MINUTE_MS;
  return db.transaction(async (tx) => {
    const [lock] = await tx.query<{ locked: boolean }>(TRY_ROLLUP_LOCK);
    if (!lock?.locked) return { skipped: true, minutes: 0, pointMinutes: 0, pointHours: 0, pointDays: 0, horizonMs: Number.NaN };
    // A busy minute is ~1M raw rows to sort by point and time: keep the sort in memory (the 4 MB
    // default spills to disk) and skip JIT compilation, which costs more than it saves here.
    await tx.query(ROUND_SETTINGS);
    const minutes = (await tx.query<{ ms: number }>(TAKE_PENDING, [iso(cutoffMs), options.maxMinutes, options.quietMs ?? 0])).map((r) => r.ms);
    let pointMinutes = 0;
    let pointHours = 0;
    let pointDays = 0;
    if (minutes.length > 0) {
      await tx.query(ENSURE_ROLLUP_PARTITIONS, partitionsFor(minutes));
      const hours = (await tx.query<Touched>(ROLLUP_MINUTES, runsOf(minutes)))[0] ?? NONE;
      const days = (await tx.query<Touched>(ROLLUP_HOURS, [hours.pointIds, hours.bucketsMs]))[0] ?? NONE;
      const [done] = await tx.query<{ rows: number }>(ROLLUP_DAYS, [days.pointIds, days.bucketsMs]);
      pointMinutes = hours.rows;
      pointHours = days.rows;
      pointDays = done?.rows ?? 0;
    }
    const [horizon] = await tx.query<{ ms: number }>(ADVANCE_HORIZON, [iso(cutoffMs)]);
    return { skipped: false, minutes: minutes.length, pointMinutes, pointHours, pointDays, horizonMs: horizon?.ms ?? Number.NEGATIVE_INFINITY };
  });
}

export interface RollupWorkerOptions {
  db: SqlClient;
  logger: StorageLogger;
  now: () => number;
  intervalMs: number;
  graceMs: number;
  /** See RollupRoundOptions.quietMs. */
  quietMs?: number;
  maxMinutesPerRound: number;
}

export interface RollupWorker {
  /** Runs rounds until no closed minute is pending (or another relay holds the lock). */
  drain(): Promise<RollupRound[]>;
  stop(): Promise<void>;
}

/**
 * Runs `rollupOnce` every `intervalMs`, draining a backlog round after round. Errors are
 * logged with context and retried next tick (the failed round rolled back: its minutes are
 * still pending).
 *
 * @example
 * const worker = startRollupWorker({ db: store.sql, logger, now: Date.now, intervalMs: 5_000, graceMs: 5_000, maxMinutesPerRound: 1_000 })
 * await worker.stop()
 */
export function startRollupWorker(options: RollupWorkerOptions): RollupWorker {
  const { logger } = options;
  let stopped = false;
  let running: Promise<RollupRound[]> | undefined;

  const drainOnce = async (): Promise<RollupRound[]> => {
    const rounds: RollupRound[] = [];
    while (!stopped) {
      const started = performance.now();
      const round = await rollupOnce(options.db, {
        nowMs: options.now(),
        graceMs: options.graceMs,
        quietMs: options.quietMs,
        maxMinutes: options.maxMinutesPerRound,
      });
      rounds.push(round);
      if (round.minutes > 0) logger.debug({ ...round, ms: Math.round(performance.now() - started) }, 'rollup round');
      if (round.skipped || round.minutes < options.maxMinutesPerRound) break;
    }
    return rounds;
  };
  const drain = (): Promise<RollupRound[]> => {
    running ??= drainOnce().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (running) return;
    drain().catch((err: unknown) => logger.error({ err }, 'rollup round failed; its minutes stay pending'));
  }, options.intervalMs);
  timer.unref();

  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
