/**
 * What the ingest bench sends, computed the same way in the orchestrator (expected checksums)
 * and in the load generator (the messages): every point of the park, one reading per point
 * per round of simulated time (1 s apart), values small multiples of 1/4 so that their sum is
 * exact in float8 and in PostgreSQL's sum().
 *
 * A telemetry batch carries readings of one asset (packages/model protocol/telemetry.ts), and
 * an asset has only a few points, so one message holds one asset's points over
 * `roundsPerMessage` consecutive rounds: messages go out block by block (a block = that many
 * rounds of every asset).
 */
import type { Park, Reading } from '@zcp/model';

export interface PlanAsset {
  assetId: string;
  pointIds: number[];
}

export interface IngestPlan {
  assets: PlanAsset[];
  points: number;
  /** Rounds of simulated time (1 s each); every point has one reading per round. */
  rounds: number;
  roundsPerMessage: number;
  /** Timestamp of round 0, epoch ms, a whole minute. */
  baseTsMs: number;
  /** Readings in the whole plan: rounds × points (≥ the readings asked for). */
  readings: number;
  messages: number;
}

export const ROUND_MS = 1000;
/** Data ends at least this long before "now": recent, never in the future. */
const END_BEFORE_NOW_MS = 60_000;
/** …and starts at least this long ago (the issue: "now − 1 h"). */
const START_BEFORE_NOW_MS = 3600_000;

/** The park's points grouped by asset, in model order; assets without points are left out. */
export function pointsByAsset(park: Park): PlanAsset[] {
  const byAsset = new Map<string, number[]>(park.assets.map((a) => [a.id, []]));
  for (const p of park.points) byAsset.get(p.assetId)?.push(p.id);
  return [...byAsset.entries()].filter(([, ids]) => ids.length > 0).map(([assetId, ids]) => ({ assetId, pointIds: ids.sort((a, b) => a - b) }));
}

/**
 * The plan for `readings` readings over the assets' points with messages of about
 * `perMessage` readings (rounds per message = perMessage / mean points per asset, at least 1).
 */
export function planIngest(o: { assets: PlanAsset[]; readings: number; perMessage: number; nowMs: number }): IngestPlan {
  const points = o.assets.reduce((n, a) => n + a.pointIds.length, 0);
  if (points === 0) throw new RangeError('the park has no points');
  const rounds = Math.max(1, Math.ceil(o.readings / points));
  const roundsPerMessage = Math.max(1, Math.min(rounds, Math.round(o.perMessage / (points / o.assets.length))));
  const spanMs = Math.max(START_BEFORE_NOW_MS, rounds * ROUND_MS + END_BEFORE_NOW_MS);
  const baseTsMs = Math.floor((o.nowMs - spanMs) / 60_000) * 60_000;
  const blocks = Math.ceil(rounds / roundsPerMessage);
  return { assets: o.assets, points, rounds, roundsPerMessage, baseTsMs, readings: rounds * points, messages: blocks * o.assets.length };
}

/** The value of a point at a round, in quarters: an integer in [0, 1000). */
export function valueQuarters(pointId: number, round: number): number {
  return (pointId * 7919 + round) % 1000;
}

export interface PlannedMessage {
  /** 0-based position in the send order; part of the batch id. */
  seq: number;
  assetId: string;
  readings: Reading[];
}

/** The messages in send order: block by block, asset by asset, round-major inside a message. */
export function* planMessages(plan: IngestPlan): Generator<PlannedMessage> {
  let seq = 0;
  for (let first = 0; first < plan.rounds; first += plan.roundsPerMessage) {
    const last = Math.min(plan.rounds, first + plan.roundsPerMessage);
    for (const asset of plan.assets) {
      const readings: Reading[] = new Array((last - first) * asset.pointIds.length);
      let i = 0;
      for (let r = first; r < last; r++) {
        const ts = plan.baseTsMs + r * ROUND_MS;
        for (const pointId of asset.pointIds) readings[i++] = { pointId, ts, value: valueQuarters(pointId, r) / 4, quality: 'good' };
      }
      yield { seq: seq++, assetId: asset.assetId, readings };
    }
  }
}

export interface Checksums {
  count: bigint;
  /** Σ value × 4 (an exact integer). */
  valueQuarters: bigint;
  /** Σ point_id × round: catches readings stored under the wrong point or time. */
  pointRound: bigint;
}

/** What the readings table must hold after the plan was stored exactly once. */
export function expectedChecksums(plan: IngestPlan): Checksums {
  let quarters = 0;
  let pointIdSum = 0;
  for (const a of plan.assets) {
    for (const p of a.pointIds) {
      pointIdSum += p;
      for (let r = 0; r < plan.rounds; r++) quarters += valueQuarters(p, r);
    }
  }
  const roundSum = (BigInt(plan.rounds) * BigInt(plan.rounds - 1)) / 2n;
  return { count: BigInt(plan.readings), valueQuarters: BigInt(quarters), pointRound: BigInt(pointIdSum) * roundSum };
}
