/**
 * Point values keyed by point id, stored as a Float64Array behind a shared id → slot index:
 * a snapshot of a 1,000-point park is one typed-array copy instead of a Map rebuild (which
 * dominated the simulator's profile). Read-only; behaves as a `ReadonlyMap`.
 */
export class PointValues implements ReadonlyMap<number, number> {
  constructor(
    private readonly slotOf: ReadonlyMap<number, number>,
    private readonly data: Float64Array,
  ) {}

  get size(): number {
    return this.slotOf.size;
  }
  get(pointId: number): number | undefined {
    const slot = this.slotOf.get(pointId);
    return slot === undefined ? undefined : this.data[slot];
  }
  has(pointId: number): boolean {
    return this.slotOf.has(pointId);
  }
  forEach(callback: (value: number, key: number, map: ReadonlyMap<number, number>) => void, thisArg?: unknown): void {
    for (const [id, slot] of this.slotOf) callback.call(thisArg, this.data[slot] as number, id, this);
  }
  *entries(): MapIterator<[number, number]> {
    for (const [id, slot] of this.slotOf) yield [id, this.data[slot] as number];
  }
  keys(): MapIterator<number> {
    return this.slotOf.keys();
  }
  *values(): MapIterator<number> {
    for (const slot of this.slotOf.values()) yield this.data[slot] as number;
  }
  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }
  /** A copy that later steps do not change. */
  snapshot(): PointValues {
    return new PointValues(this.slotOf, this.data.slice());
  }
}
