import { PresenceStateSchema } from '@zcp/model';
import { describe, expect, it, vi } from 'vitest';
import { AnnotationStore } from './annotation-store.js';
import { DocProvider } from './doc-provider.js';
import { presenceOf } from './presence.js';
import { MemoryHub } from './test/memory-hub.js';

const ref = { parkId: 'p1', docId: 'park' };
const actor = { sub: 'u1', name: 'Wang' };
const view = { position: { x: 0, y: 0, z: 10 }, target: { x: 1, y: 1, z: 0 } };
const newAnnotation = (title: string) => ({
  anchor: { kind: 'asset' as const, assetId: 'pv1' },
  view,
  title,
  category: 'defect' as const,
  status: 'open' as const,
});

function client(hub: MemoryHub) {
  const socket = hub.socket();
  const provider = new DocProvider({ socket, ref, reopenDelayMs: 5 });
  socket.connect();
  return { socket, provider, store: new AnnotationStore(provider.doc) };
}

describe('DocProvider over an in-memory socket pair', () => {
  it('syncs two documents through the hub and reports synced', async () => {
    const hub = new MemoryHub();
    const a = client(hub);
    const b = client(hub);
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    expect(a.provider.status).toBe('synced');
    expect(a.provider.access).toBe('write');
    const id = a.store.add(newAnnotation('leak'), actor);
    await vi.waitFor(() => expect(b.store.get(id)?.title).toBe('leak'));
    expect(a.provider.pending).toBe(0);
  });

  it('counts pending updates until acked, and merges offline edits after a reconnect', async () => {
    const hub = new MemoryHub();
    const a = client(hub);
    const b = client(hub);
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    const pendingSeen: number[] = [];
    a.provider.on('pending', (n) => pendingSeen.push(n));

    hub.holdAcks = true;
    a.store.add(newAnnotation('held'), actor);
    await vi.waitFor(() => expect(b.store.list()).toHaveLength(1));
    expect(a.provider.pending).toBe(1);
    hub.holdAcks = false;
    hub.releaseAcks();
    await vi.waitFor(() => expect(a.provider.pending).toBe(0));

    a.socket.disconnect();
    expect(a.provider.status).toBe('offline');
    const offlineId = a.store.add(newAnnotation('basement'), actor);
    a.store.addComment(offlineId, 'photo later', actor);
    const onlineId = b.store.add(newAnnotation('meanwhile'), actor);
    expect(a.provider.pending).toBe(2);
    a.socket.connect();
    await a.provider.whenSynced();
    await vi.waitFor(() => expect(a.provider.pending).toBe(0));
    await vi.waitFor(() => expect(b.store.get(offlineId)?.comments).toHaveLength(1));
    expect(a.store.get(onlineId)?.title).toBe('meanwhile');
    expect(JSON.stringify(a.store.list())).toBe(JSON.stringify(b.store.list()));
    expect(pendingSeen).toContain(2);
  });

  it('keeps updates pending and records the error when the relay allows reading only', async () => {
    const hub = new MemoryHub();
    hub.access = 'read';
    const a = client(hub);
    await a.provider.whenSynced();
    expect(a.provider.access).toBe('read');
    a.store.add(newAnnotation('nope'), actor);
    await Promise.resolve();
    expect(a.provider.pending).toBe(1);
    expect(a.provider.lastSyncError?.code).toBe('forbidden');
    expect(hub.doc.getMap('annotations').size).toBe(0);
  });

  it('shares presence, drops invalid states, and withdraws the local state on destroy', async () => {
    const hub = new MemoryHub();
    const a = client(hub);
    const b = client(hub);
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    a.provider.awareness.setLocalState(
      PresenceStateSchema.parse({ user: { sub: 'u1', name: 'A', color: '#f00' }, pointer: { x: 1, y: 2, z: 3 }, presenting: true }),
    );
    b.provider.awareness.setLocalState({ user: { name: 'no sub' } });
    await vi.waitFor(() => expect(presenceOf(b.provider.awareness).get(a.provider.doc.clientID)?.presenting).toBe(true));
    await vi.waitFor(() => expect(b.provider.awareness.getStates().size).toBe(2));
    expect(presenceOf(a.provider.awareness).has(b.provider.doc.clientID)).toBe(false);
    a.provider.destroy();
    await vi.waitFor(() => expect(b.provider.awareness.getStates().has(a.provider.doc.clientID)).toBe(false));
  });

  it('re-opens after the relay closes the document', async () => {
    const hub = new MemoryHub();
    const a = client(hub);
    await a.provider.whenSynced();
    const seen: string[] = [];
    a.provider.on('status', (s) => seen.push(s));
    a.socket.deliver('doc:closed', ref, { code: 'storage_failed', message: 'x' });
    await vi.waitFor(() => expect(seen).toEqual(['connecting', 'synced']));
    expect(a.provider.lastSyncError?.code).toBe('storage_failed');
  });

  it('retries an open the relay answers unavailable (its database is down) until it succeeds', async () => {
    const hub = new MemoryHub();
    hub.unavailableOpens = 2;
    const a = client(hub);
    await a.provider.whenSynced();
    expect(hub.unavailableOpens).toBe(0);
    expect(a.provider.lastSyncError?.code).toBe('unavailable');
  });
});
