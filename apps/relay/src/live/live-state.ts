import { type PointState, type PointValueTuple, QUALITY_CODE, type Reading } from '@zcp/model';

/**
 * Latest value of every point of one park, in flat typed arrays indexed by point id (ids
 * are dense integers), with a dirty list for coalesced deltas. Older readings never replace
 * newer ones, so redelivered or late batches cannot move the live view backwards.
 *
 * @example
 * const live = new LiveState(park.points.length); live.apply(readings); live.takeDelta()
 */
export class LiveState {
  private ts: Float64Array;
  private value: Float64Array;
  private quality: Uint8Array;
  private dirty: Uint8Array;
  private dirtyIds: number[] = [];
  /** Readings ignored because the point id is outside the park model. */
  unknownPoints = 0;

  constructor(readonly maxPointId: number) {
    this.ts = new Float64Array(maxPointId + 1);
    this.value = new Float64Array(maxPointId + 1);
    this.quality = new Uint8Array(maxPointId + 1);
    this.dirty = new Uint8Array(maxPointId + 1);
  }

  /** Applies readings; returns how many changed the live view. */
  apply(readings: readonly Reading[]): number {
    let changed = 0;
    for (const r of readings) changed += this.set(r.pointId, r.ts, r.value, QUALITY_CODE[r.quality]);
    return changed;
  }

  /** Seeds the state from stored latest values (after a restart). */
  seed(states: readonly PointState[]): void {
    for (const s of states) this.set(s.pointId, s.ts, s.value, s.quality);
    this.takeDelta();
  }

  private set(id: number, ts: number, value: number, quality: number): 0 | 1 {
    if (!(id > 0 && id <= this.maxPointId)) {
      this.unknownPoints++;
      return 0;
    }
    if (ts < (this.ts[id] as number)) return 0;
    this.ts[id] = ts;
    this.value[id] = value;
    this.quality[id] = quality;
    if (this.dirty[id] === 0) {
      this.dirty[id] = 1;
      this.dirtyIds.push(id);
    }
    return 1;
  }

  get pendingChanges(): number {
    return this.dirtyIds.length;
  }

  /** Values changed since the last call, and clears the dirty list. */
  takeDelta(): PointValueTuple[] {
    const out: PointValueTuple[] = new Array(this.dirtyIds.length);
    for (let i = 0; i < this.dirtyIds.length; i++) {
      const id = this.dirtyIds[i] as number;
      this.dirty[id] = 0;
      out[i] = this.tuple(id);
    }
    this.dirtyIds = [];
    return out;
  }

  /** Every point that has a value. */
  snapshot(): PointValueTuple[] {
    const out: PointValueTuple[] = [];
    for (let id = 1; id <= this.maxPointId; id++) if ((this.ts[id] as number) > 0) out.push(this.tuple(id));
    return out;
  }

  get(id: number): PointValueTuple | undefined {
    if (!(id > 0 && id <= this.maxPointId) || (this.ts[id] as number) === 0) return undefined;
    return this.tuple(id);
  }

  private tuple(id: number): PointValueTuple {
    return [id, this.ts[id] as number, this.value[id] as number, this.quality[id] as number];
  }
}
