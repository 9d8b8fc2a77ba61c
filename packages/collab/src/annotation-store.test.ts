import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ANNOTATIONS_MAP, AnnotationStore } from './annotation-store.js';

const actor = { sub: 'u1', name: 'Wang' };
const view = { position: { x: 0, y: 0, z: 10 }, target: { x: 1, y: 1, z: 0 } };

function store(doc = new Y.Doc()) {
  let t = 1_000;
  let n = 0;
  return new AnnotationStore(doc, { now: () => t++, newId: () => `id${n++}` });
}

describe('AnnotationStore', () => {
  it('adds, edits, moves status, comments, attaches and removes', () => {
    const s = store();
    const id = s.add(
      { anchor: { kind: 'point', position: { x: 1, y: 2, z: 3 } }, view, title: 'crack', category: 'defect', status: 'open', team: 'ops' },
      actor,
    );
    s.update(id, { title: 'crack in wall', due: '2026-12-01', team: undefined }, actor);
    s.setStatus(id, 'in_progress', actor);
    s.addComment(id, 'seen', actor);
    s.addAttachment(id, { id: 'att1', contentType: 'image/jpeg', bytes: 10, created: { by: 'u1', at: 5 } });
    const a = s.get(id);
    expect(a).toMatchObject({ title: 'crack in wall', due: '2026-12-01', status: 'in_progress', edited: { by: 'u1' } });
    expect(a?.team).toBeUndefined();
    expect(a?.comments.map((c) => c.text)).toEqual(['seen']);
    expect(a?.attachments).toHaveLength(1);
    s.remove(id);
    expect(s.list()).toEqual([]);
  });

  it('refuses status moves that are not allowed, invalid input and unknown ids', () => {
    const s = store();
    const id = s.add({ anchor: { kind: 'asset', assetId: 'pv1' }, view, title: 't', category: 'question', status: 'open' }, actor);
    s.setStatus(id, 'resolved', actor);
    expect(() => s.setStatus(id, 'in_progress', actor)).toThrow(expect.objectContaining({ code: 'invalid_move' }));
    expect(() => s.update(id, { title: '' }, actor)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => s.addComment('nope', 'x', actor)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => s.add({ anchor: { kind: 'asset', assetId: 'a.b' }, view, title: 't', category: 'defect', status: 'open' }, actor)).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });

  it('skips invalid entries written by another client instead of throwing', () => {
    const doc = new Y.Doc();
    const s = store(doc);
    const id = s.add({ anchor: { kind: 'asset', assetId: 'pv1' }, view, title: 'ok', category: 'action', status: 'open' }, actor);
    const map = doc.getMap<unknown>(ANNOTATIONS_MAP);
    map.set('junk', 'not a map');
    const bad = new Y.Map<unknown>();
    map.set('bad', bad);
    bad.set('title', 42);
    (map.get(id) as Y.Map<unknown>).get('comments');
    ((map.get(id) as Y.Map<unknown>).get('comments') as Y.Array<unknown>).push([{ nonsense: true }]);
    expect(s.list().map((a) => a.id)).toEqual([id]);
    expect(s.get('bad')).toBeUndefined();
    expect(s.get(id)?.comments).toEqual([]);
  });

  it('keeps both comments when two replicas comment concurrently, and notifies observers', () => {
    const d1 = new Y.Doc();
    const d2 = new Y.Doc();
    const s1 = store(d1);
    const id = s1.add({ anchor: { kind: 'asset', assetId: 'pv1' }, view, title: 't', category: 'observation', status: 'open' }, actor);
    Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1));
    const s2 = new AnnotationStore(d2, { newId: () => 'c2' });
    let calls = 0;
    const stop = s1.observe(() => calls++);
    s1.addComment(id, 'one', actor);
    s2.addComment(id, 'two', { sub: 'u2', name: 'Li' });
    Y.applyUpdate(d1, Y.encodeStateAsUpdate(d2));
    Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1));
    expect(
      s1
        .get(id)
        ?.comments.map((c) => c.text)
        .sort(),
    ).toEqual(['one', 'two']);
    expect(JSON.stringify(s1.list())).toBe(JSON.stringify(s2.list()));
    expect(calls).toBeGreaterThanOrEqual(2);
    stop();
  });
});
