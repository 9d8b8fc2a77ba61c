import { describe, expect, it } from 'vitest';
import { PrincipalSchema } from '../auth/principal.js';
import { docAccess, docScope, enterpriseDocId, PARK_DOC_ID } from './docs.js';

const P = (x: object) => PrincipalSchema.parse({ sub: 'u', parkIds: ['p1'], ...x });

describe('shared document access', () => {
  it('names park and enterprise documents', () => {
    expect(docScope(PARK_DOC_ID)).toEqual({ kind: 'park' });
    expect(docScope(enterpriseDocId('e1'))).toEqual({ kind: 'enterprise', enterpriseId: 'e1' });
    expect(docScope('other')).toBeUndefined();
    expect(docScope('ent-')).toBeUndefined();
  });
  it('lets an enterprise manager open its own enterprise and the park, not another enterprise', () => {
    const m = P({ role: 'enterprise_manager', enterpriseIds: ['e1'] });
    expect(docAccess(m, { parkId: 'p1', docId: PARK_DOC_ID }).access).toBe('write');
    expect(docAccess(m, { parkId: 'p1', docId: enterpriseDocId('e1') }).access).toBe('write');
    const d = docAccess(m, { parkId: 'p1', docId: enterpriseDocId('e2') });
    expect(d.access).toBe('none');
    expect(d.reason).toMatch(/e2/);
  });
  it('refuses other parks, devices and unknown documents; executives read the park only', () => {
    expect(docAccess(P({ role: 'park_operator' }), { parkId: 'p2', docId: PARK_DOC_ID }).access).toBe('none');
    expect(docAccess(P({ role: 'device' }), { parkId: 'p1', docId: PARK_DOC_ID }).access).toBe('none');
    expect(docAccess(P({ role: 'park_operator' }), { parkId: 'p1', docId: 'x' }).access).toBe('none');
    const exec = P({ role: 'executive_viewer' });
    expect(docAccess(exec, { parkId: 'p1', docId: PARK_DOC_ID }).access).toBe('read');
    expect(docAccess(exec, { parkId: 'p1', docId: enterpriseDocId('e1') }).access).toBe('none');
    expect(docAccess(P({ role: 'park_operator' }), { parkId: 'p1', docId: enterpriseDocId('e9') }, (id) => id !== 'e9').access).toBe('none');
    expect(docAccess(P({ role: 'platform_admin', parkIds: ['*'] }), { parkId: 'p7', docId: enterpriseDocId('e1') }).access).toBe('write');
  });
});
