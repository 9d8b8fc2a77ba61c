import { belongsToPark, isParkWide, type Principal, type Role } from './principal.js';

/**
 * THE access policy (issue 7): every door — REST routes, socket.io rooms and events, Yjs
 * documents, ingest, dispatch — asks `decide(principal, action, target)` and nothing else.
 * docs/SECURITY.md prints `PERMISSIONS` as the permission matrix; a test generated from the
 * route table and the socket event list checks every door against it.
 *
 * Scope: a park-wide principal acts on the whole park; an enterprise-scoped one (enterprise
 * manager, enterprise inspector) only on its enterprises' things, and sees park aggregates
 * with other enterprises' figures masked (`mask: 'others'`); an executive viewer reads the
 * park in aggregate only (`mask: 'all'` on per-enterprise figures).
 */
export const ACTIONS = [
  /** Park model, live state, socket room. */
  'park.read',
  /** Readings and history of points. */
  'readings.read',
  /** Energy and carbon figures, ledgers and reports. */
  'carbon.read',
  /** Manual activity rows, imports, ledger computation. */
  'carbon.write',
  /** Certificate claims (retire, allocate). */
  'certificate.write',
  /** Open a shared document / read annotations. */
  'annotation.read',
  /** Change annotations, upload attachments, presence. */
  'annotation.write',
  /** Delete an annotation. */
  'annotation.delete',
  /** Dispatch setpoints to devices. */
  'dispatch.write',
  /** Push telemetry (devices). */
  'ingest.write',
  /** Device credentials, parameters, configuration. */
  'config.write',
  /** The audit trail. */
  'audit.read',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What a role may do at all; scope narrows it further (see `decide`). */
export const PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  platform_admin: ACTIONS.filter((a) => a !== 'ingest.write'),
  park_operator: ACTIONS.filter((a) => a !== 'ingest.write'),
  enterprise_manager: [
    'park.read',
    'readings.read',
    'carbon.read',
    'carbon.write',
    'certificate.write',
    'annotation.read',
    'annotation.write',
    'annotation.delete',
  ],
  inspector: ['park.read', 'readings.read', 'carbon.read', 'annotation.read', 'annotation.write'],
  executive_viewer: ['park.read', 'carbon.read', 'annotation.read'],
  device: ['ingest.write'],
};

/** What is acted on: a park, and the enterprise that owns the thing when it has one. */
export interface Target {
  parkId: string;
  /** The owning enterprise; null = park-level (public assets, the park as a whole). */
  enterpriseId?: string | null;
}

export type Mask = 'none' | 'others' | 'all';
export type Decision = { allow: true; mask: Mask } | { allow: false; status: 401 | 403; code: 'unauthenticated' | 'forbidden'; reason: string };

/**
 * May `principal` do `action` on `target`? Unauthenticated → 401; a role without the action,
 * another park or another enterprise → 403 with the reason. `mask` says how per-enterprise
 * figures in an aggregate must be shown to this principal.
 *
 * @example
 * decide(p, 'readings.read', { parkId: 'demo', enterpriseId: 'huaxin' })
 */
export function decide(principal: Principal | undefined, action: Action, target: Target): Decision {
  if (!principal) return { allow: false, status: 401, code: 'unauthenticated', reason: 'sign in first' };
  if (!PERMISSIONS[principal.role].includes(action)) return deny(`role ${principal.role} may not ${action}`);
  if (!belongsToPark(principal, target.parkId)) return deny(`not a member of park '${target.parkId}'`);
  const enterpriseId = target.enterpriseId ?? null;
  if (principal.role === 'executive_viewer') {
    // Aggregates only: park-level things, with every enterprise's identifiable figures masked.
    return enterpriseId === null ? { allow: true, mask: 'all' } : deny('executives see enterprises in aggregate only');
  }
  if (principal.role === 'device') {
    return enterpriseId === null || principal.enterpriseIds.length === 0 || principal.enterpriseIds.includes(enterpriseId)
      ? { allow: true, mask: 'none' }
      : deny(`device of ${principal.enterpriseIds.join(', ')} may not write for enterprise '${enterpriseId}'`);
  }
  if (isParkWide(principal)) return { allow: true, mask: 'none' };
  // Enterprise-scoped from here.
  if (enterpriseId === null) {
    // Park-level things: readable (with others masked); park-level writes are the operator's.
    return action.endsWith('.read') || action === 'annotation.write'
      ? { allow: true, mask: 'others' }
      : deny(`${action} on the park as a whole needs a park-wide role`);
  }
  return principal.enterpriseIds.includes(enterpriseId)
    ? { allow: true, mask: 'none' }
    : deny(`enterprise '${enterpriseId}' is outside this principal's enterprises (${principal.enterpriseIds.join(', ') || 'none'})`);
}

function deny(reason: string): Decision {
  return { allow: false, status: 403, code: 'forbidden', reason };
}

/** Whether an enterprise's figures are shown to a principal under `mask` (its own always are). */
export function showsEnterprise(principal: Principal, mask: Mask, enterpriseId: string): boolean {
  if (mask === 'none') return true;
  if (mask === 'all') return false;
  return principal.enterpriseIds.includes(enterpriseId);
}
