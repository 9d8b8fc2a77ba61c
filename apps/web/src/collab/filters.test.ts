import type { Annotation } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { countByStatus, emptyFilter, isOverdue, teamOptions, toggled, visibleAnnotations } from './filters.js';

const ann = (id: string, x: Partial<Annotation>): Annotation => ({
  id,
  anchor: { kind: 'point', position: { x: 0, y: 0, z: 0 } },
  view: { position: { x: 0, y: -10, z: 10 }, target: { x: 0, y: 0, z: 0 } },
  title: id,
  text: '',
  category: 'defect',
  status: 'open',
  comments: [],
  attachments: [],
  created: { by: 'u', at: 1 },
  ...x,
});

const all = [
  ann('a', { status: 'resolved', team: '运维', created: { by: 'u', at: 5 } }),
  ann('b', { status: 'open', team: '安全', category: 'question', created: { by: 'u', at: 2 } }),
  ann('c', { status: 'in_progress', team: '运维', created: { by: 'u', at: 3 } }),
  ann('d', { status: 'open', category: 'action', created: { by: 'u', at: 4 } }),
];

describe('annotation list filters', () => {
  it('shows all with an empty filter: open first, newest first within a status', () => {
    expect(visibleAnnotations(all, emptyFilter()).map((a) => a.id)).toEqual(['d', 'b', 'c', 'a']);
  });
  it('filters by status, category and team together', () => {
    expect(visibleAnnotations(all, { ...emptyFilter(), status: ['open', 'resolved'] }).map((a) => a.id)).toEqual(['d', 'b', 'a']);
    expect(visibleAnnotations(all, { ...emptyFilter(), team: ['运维'] }).map((a) => a.id)).toEqual(['c', 'a']);
    expect(visibleAnnotations(all, { status: ['open'], category: ['question'], team: ['安全'] }).map((a) => a.id)).toEqual(['b']);
    // No team set never matches a team filter.
    expect(visibleAnnotations(all, { ...emptyFilter(), team: ['能源'] })).toEqual([]);
  });
  it('offers the teams in use and counts statuses', () => {
    expect(teamOptions(all, ['能源'])).toEqual(['安全', '能源', '运维'].sort((a, b) => a.localeCompare(b, 'zh-CN')));
    expect(countByStatus(all)).toEqual({ open: 2, in_progress: 1, resolved: 1 });
    expect(toggled(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggled(['a', 'b'], 'a')).toEqual(['b']);
  });
  it('flags overdue work only while not resolved', () => {
    expect(isOverdue({ due: '2026-01-01', status: 'open' }, '2026-02-01')).toBe(true);
    expect(isOverdue({ due: '2026-01-01', status: 'resolved' }, '2026-02-01')).toBe(false);
    expect(isOverdue({ status: 'open' }, '2026-02-01')).toBe(false);
  });
});
