import { indexPark, type Park, type ParkIndex } from '@zcp/model';
import { LiveState } from '../live/live-state.js';

export interface ParkEntry {
  index: ParkIndex;
  live: LiveState;
}

/**
 * The parks this relay serves, each with its lookup index and live state. Point ids key the
 * readings table, so they must be unique across the parks of one deployment: overlapping
 * parks are refused at start-up rather than silently mixing their histories.
 */
export class ParkRegistry {
  private readonly byId = new Map<string, ParkEntry>();
  private readonly byPoint = new Map<number, ParkEntry>();

  constructor(parks: readonly Park[]) {
    for (const park of parks) {
      if (this.byId.has(park.id)) throw new Error(`park '${park.id}' is configured twice`);
      const maxPointId = park.points.reduce((m, p) => Math.max(m, p.id), 0);
      const entry: ParkEntry = { index: indexPark(park), live: new LiveState(maxPointId) };
      for (const p of park.points) {
        const other = this.byPoint.get(p.id);
        if (other) throw new Error(`point id ${p.id} is used by parks '${other.index.park.id}' and '${park.id}'; point ids must be unique per deployment`);
        this.byPoint.set(p.id, entry);
      }
      this.byId.set(park.id, entry);
    }
  }

  list(): ParkEntry[] {
    return [...this.byId.values()];
  }

  get(parkId: string): ParkEntry | undefined {
    return this.byId.get(parkId);
  }

  ofPoint(pointId: number): ParkEntry | undefined {
    return this.byPoint.get(pointId);
  }
}
