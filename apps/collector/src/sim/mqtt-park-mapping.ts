import type { Asset, Park, Point } from '@zcp/model';
import type { MqttJsonPointMapping } from '../adapters/mqtt/mqtt-json-adapter.js';
import type { SparkplugPointMapping } from '../adapters/mqtt/sparkplug-adapter.js';

/**
 * How the simulated park speaks MQTT — the one place both the simulated publishers and the
 * demo's adapter configuration take their topics and names from:
 * - JSON: `zcp/<parkId>/<assetId>` carries `{ ts, values: { <metric>: number } }`; setpoints
 *   are commanded on `…/<assetId>/cmd` with `{ value }`.
 * - Sparkplug B: group `zcp`, one edge node per enterprise (`park` for park-level assets),
 *   one device per asset, metric name = the point's metric.
 */
export const DEMO_JSON_TOPIC_PREFIX = 'zcp';
export const DEMO_SPARKPLUG_GROUP = 'zcp';
/** Edge node of assets that belong to no enterprise (grid meter, battery, boiler, chargers). */
export const PARK_NODE_ID = 'park';

/** The only points the demo devices accept writes for. */
export function isSetpointPoint(p: Point): boolean {
  return p.metric === 'setpoint_kw';
}

export function jsonAssetTopic(parkId: string, assetId: string, prefix = DEMO_JSON_TOPIC_PREFIX): string {
  return `${prefix}/${parkId}/${assetId}`;
}

export function jsonCommandTopic(parkId: string, assetId: string, prefix = DEMO_JSON_TOPIC_PREFIX): string {
  return `${jsonAssetTopic(parkId, assetId, prefix)}/cmd`;
}

/** JSON point mappings for every point of the park (or of the given assets). */
export function parkJsonPoints(park: Park, options: { prefix?: string; assetIds?: ReadonlySet<string> } = {}): MqttJsonPointMapping[] {
  return park.points
    .filter((p) => !options.assetIds || options.assetIds.has(p.assetId))
    .map((p) => ({
      pointId: p.id,
      assetId: p.assetId,
      topic: jsonAssetTopic(park.id, p.assetId, options.prefix),
      field: `values.${p.metric}`,
      timestampField: 'ts',
      ...(isSetpointPoint(p) ? { command: { topic: jsonCommandTopic(park.id, p.assetId, options.prefix) } } : {}),
    }));
}

export function sparkplugNodeOf(asset: Pick<Asset, 'enterpriseId'>): string {
  return asset.enterpriseId ?? PARK_NODE_ID;
}

/** Sparkplug point mappings (node, device = asset id, metric name) for every point of the park. */
export function parkSparkplugPoints(park: Park, options: { assetIds?: ReadonlySet<string> } = {}): SparkplugPointMapping[] {
  const assets = new Map(park.assets.map((a) => [a.id, a]));
  return park.points
    .filter((p) => !options.assetIds || options.assetIds.has(p.assetId))
    .map((p) => ({
      pointId: p.id,
      assetId: p.assetId,
      edgeNode: sparkplugNodeOf(assets.get(p.assetId) ?? { enterpriseId: null }),
      device: p.assetId,
      metric: p.metric,
      ...(isSetpointPoint(p) ? { writable: true } : {}),
    }));
}

/** The park's points grouped by asset, in park order. */
export function pointsByAsset(park: Park, assetIds?: ReadonlySet<string>): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  for (const p of park.points) {
    if (assetIds && !assetIds.has(p.assetId)) continue;
    let list = out.get(p.assetId);
    if (!list) {
      list = [];
      out.set(p.assetId, list);
    }
    list.push(p);
  }
  return out;
}
