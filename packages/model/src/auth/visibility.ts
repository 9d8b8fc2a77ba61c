import { enterpriseOfAsset } from '../park/energy-meters.js';
import type { Park } from '../park/schema.js';
import type { Mask } from './policy.js';
import type { Principal } from './principal.js';

/**
 * What of a park a principal may see in detail under its mask (SECURITY.md "Masking"):
 * every asset and point (`none`); park-level assets plus its own enterprises' (`others`);
 * park-level assets only (`all`, executives). Enterprises, buildings and the site plan are
 * never hidden — tenants are visible on site — only their devices and readings are.
 */
export function visibleEnterprise(principal: Principal | undefined, mask: Mask, enterpriseId: string | null): boolean {
  if (enterpriseId === null || mask === 'none') return true;
  if (mask === 'all' || !principal) return false;
  return principal.enterpriseIds.includes(enterpriseId);
}

/** The park model cut to what the principal may see (assets and points of hidden enterprises removed). */
export function visiblePark(park: Park, principal: Principal | undefined, mask: Mask): Park {
  if (mask === 'none') return park;
  const assets = park.assets.filter((a) => visibleEnterprise(principal, mask, enterpriseOfAsset(park, a)));
  const ids = new Set(assets.map((a) => a.id));
  return { ...park, assets, points: park.points.filter((p) => ids.has(p.assetId)) };
}

/** Point ids the principal may see (undefined = all). */
export function visiblePointIds(park: Park, principal: Principal | undefined, mask: Mask): Set<number> | undefined {
  if (mask === 'none') return undefined;
  return new Set(visiblePark(park, principal, mask).points.map((p) => p.id));
}
