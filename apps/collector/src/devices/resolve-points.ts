import type { Park, Point } from '@zcp/model';
import { CollectorError } from '../errors.js';
import type { PublishRule } from './publish-filter.js';

interface PointRef {
  pointId?: number | undefined;
  tag?: string | undefined;
  deadband: number;
  maxPublishIntervalMs?: number | undefined;
}

/**
 * Maps each configured point of a device to the park model's point (by id or tag), and
 * collects its publish rule. Every unknown point is listed in one error.
 *
 * @example
 * const { points, publishRules } = resolveDevicePoints('meter-1', device.points, park)
 */
export function resolveDevicePoints<T extends PointRef>(
  deviceId: string,
  refs: readonly T[],
  park: Park,
): { points: { ref: T; point: Point }[]; publishRules: Map<number, PublishRule> } {
  const byId = new Map(park.points.map((p) => [p.id, p]));
  const byTag = new Map(park.points.map((p) => [p.tag, p]));
  const points: { ref: T; point: Point }[] = [];
  const publishRules = new Map<number, PublishRule>();
  const problems: string[] = [];
  refs.forEach((ref, i) => {
    const point = ref.pointId !== undefined ? byId.get(ref.pointId) : ref.tag !== undefined ? byTag.get(ref.tag) : undefined;
    if (!point) {
      problems.push(`points[${i}]: ${ref.pointId !== undefined ? `pointId ${ref.pointId}` : `tag ${ref.tag}`} is not a point of park ${park.id}`);
      return;
    }
    points.push({ ref, point });
    if (ref.deadband > 0) publishRules.set(point.id, { deadband: ref.deadband, maxPublishIntervalMs: ref.maxPublishIntervalMs });
  });
  if (problems.length > 0) throw new CollectorError('config_invalid', `device ${deviceId}: ${problems.join('; ')}`);
  return { points, publishRules };
}
