import type { Asset, Building, Enterprise, Park, Point } from './schema.js';

/** Lookup maps over a park model; build once, share everywhere. */
export interface ParkIndex {
  park: Park;
  pointById: Map<number, Point>;
  pointByTag: Map<string, Point>;
  assetById: Map<string, Asset>;
  buildingById: Map<string, Building>;
  enterpriseById: Map<string, Enterprise>;
  pointsOfAsset: Map<string, Point[]>;
}

export function indexPark(park: Park): ParkIndex {
  const pointsOfAsset = new Map<string, Point[]>();
  for (const p of park.points) {
    const list = pointsOfAsset.get(p.assetId);
    if (list) list.push(p);
    else pointsOfAsset.set(p.assetId, [p]);
  }
  return {
    park,
    pointById: new Map(park.points.map((p) => [p.id, p])),
    pointByTag: new Map(park.points.map((p) => [p.tag, p])),
    assetById: new Map(park.assets.map((a) => [a.id, a])),
    buildingById: new Map(park.buildings.map((b) => [b.id, b])),
    enterpriseById: new Map(park.enterprises.map((e) => [e.id, e])),
    pointsOfAsset,
  };
}
