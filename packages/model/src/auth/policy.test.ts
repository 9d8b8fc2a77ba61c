import { describe, expect, it } from 'vitest';
import { ACTIONS, decide, PERMISSIONS, showsEnterprise } from './policy.js';
import { PrincipalSchema, ROLES } from './principal.js';

const P = (x: object) => PrincipalSchema.parse({ sub: 'u', parkIds: ['p1'], ...x });
const park = { parkId: 'p1' };
const e1 = { parkId: 'p1', enterpriseId: 'e1' };
const e2 = { parkId: 'p1', enterpriseId: 'e2' };

describe('access policy', () => {
  it('refuses everyone without a principal with 401', () => {
    for (const a of ACTIONS) expect(decide(undefined, a, park)).toMatchObject({ allow: false, status: 401 });
  });

  it('gives each role exactly its permissions on its own scope (the matrix of docs/SECURITY.md)', () => {
    for (const role of ROLES) {
      const p = P({ role, enterpriseIds: role === 'enterprise_manager' || role === 'device' ? ['e1'] : [] });
      for (const a of ACTIONS) {
        const target = role === 'executive_viewer' ? park : e1;
        expect(decide(p, a, target).allow, `${role} ${a}`).toBe(PERMISSIONS[role].includes(a));
      }
    }
  });

  it('keeps an enterprise manager to its enterprises, and masks the others in park aggregates', () => {
    const m = P({ role: 'enterprise_manager', enterpriseIds: ['e1'] });
    expect(decide(m, 'readings.read', e1)).toEqual({ allow: true, mask: 'none' });
    const d = decide(m, 'readings.read', e2);
    expect(d).toMatchObject({ allow: false, status: 403, code: 'forbidden' });
    expect(d.allow === false && d.reason).toMatch(/e2/);
    const agg = decide(m, 'carbon.read', park);
    expect(agg).toEqual({ allow: true, mask: 'others' });
    expect(showsEnterprise(m, 'others', 'e1')).toBe(true);
    expect(showsEnterprise(m, 'others', 'e2')).toBe(false);
    expect(decide(m, 'carbon.write', park).allow).toBe(false);
  });

  it('lets executives read the park in aggregate only, never an enterprise', () => {
    const x = P({ role: 'executive_viewer' });
    expect(decide(x, 'carbon.read', park)).toEqual({ allow: true, mask: 'all' });
    expect(decide(x, 'carbon.read', e1).allow).toBe(false);
    expect(decide(x, 'readings.read', park).allow).toBe(false);
    expect(decide(x, 'dispatch.write', park).allow).toBe(false);
  });

  it('refuses other parks to everyone but platform admins of every park', () => {
    expect(decide(P({ role: 'park_operator' }), 'park.read', { parkId: 'p2' }).allow).toBe(false);
    expect(decide(P({ role: 'platform_admin', parkIds: ['*'] }), 'dispatch.write', { parkId: 'p2', enterpriseId: 'x' }).allow).toBe(true);
  });

  it('lets inspectors annotate but never dispatch; devices only ingest, for their enterprise', () => {
    const i = P({ role: 'inspector' });
    expect(decide(i, 'annotation.write', e1).allow).toBe(true);
    expect(decide(i, 'dispatch.write', e1).allow).toBe(false);
    const dev = P({ role: 'device', enterpriseIds: ['e1'] });
    expect(decide(dev, 'ingest.write', e1).allow).toBe(true);
    expect(decide(dev, 'ingest.write', e2).allow).toBe(false);
    expect(decide(dev, 'park.read', park).allow).toBe(false);
  });
});
