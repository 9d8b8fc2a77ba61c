import { type Bus, connectNatsBus } from '@zcp/bus';
import { encodeSyncMessage } from '@zcp/collab';
import {
  DOC_MESSAGE_MAX_BYTES,
  type DocOpenAck,
  type DocSyncAck,
  enterpriseDocId,
  generatePark,
  PARK_DOC_ID,
  type Park,
  parkStreams,
  SocketEvent,
} from '@zcp/model';
import { createTestDatabase, describeWithServer, serverUrls, type TestDatabase, uniqueName, waitFor } from '@zcp/testkit';
import { io as connect } from 'socket.io-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { sumCounter } from '../fault/fault-harness.js';
import type { Relay } from '../relay.js';
import { type ClientSocket, fingerprint, type SimClient, simClient, startTestRelay, tokenFor, waitConnected } from './collab.test-helper.js';
import { logLength } from './doc-log-sql.js';

const VIEW = { position: { x: 0, y: 0, z: 20 }, target: { x: 0, y: 0, z: 0 } };
const note = (title: string) => ({
  anchor: { kind: 'point' as const, position: { x: 1, y: 2, z: 0 } },
  view: VIEW,
  title,
  category: 'observation' as const,
  status: 'open' as const,
});

await describeWithServer(['postgres', 'nats'], 'collab server (real PostgreSQL and NATS)', () => {
  let db: TestDatabase;
  let bus: Bus;
  let park: Park;
  let relay: Relay;
  const clients: SimClient[] = [];
  const sockets: ClientSocket[] = [];

  async function start(env: Record<string, string> = {}): Promise<Relay> {
    relay = await startTestRelay({ park, databaseUrl: db.url, bus, env });
    return relay;
  }
  function client(ref = { parkId: park.id, docId: PARK_DOC_ID }, o: Parameters<typeof simClient>[2] = {}): SimClient {
    const c = simClient(relay.port, ref, o);
    clients.push(c);
    return c;
  }
  function rawSocket(): ClientSocket {
    const s: ClientSocket = connect(`http://127.0.0.1:${relay.port}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: (cb) => {
        void tokenFor().then((token) => cb({ token }));
      },
    });
    sockets.push(s);
    return s;
  }
  const metrics = async () => (await relay.app.request('/metrics')).text();
  const key = () => `${park.id}/${PARK_DOC_ID}`;

  beforeEach(async () => {
    db = await createTestDatabase('zcp_collab');
    bus = await connectNatsBus({ url: serverUrls.nats, name: 'zcp-collab-test' });
    // ~30 assets per generated enterprise: 70 gives the access tests more than one.
    park = generatePark({ assets: 70, id: uniqueName('collab') });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of sockets.splice(0)) s.disconnect();
    await relay?.stop();
    for (const s of parkStreams(park.id)) await bus.deleteStream(s.name);
    await bus.close();
    await db.drop();
  });

  it('refuses an enterprise document to a principal of another enterprise, with the reason', async () => {
    await start();
    const [entA, entB] = park.enterprises.map((e) => e.id);
    expect(entA && entB).toBeTruthy();
    const manager = { sub: 'mgr-a', name: 'A manager', role: 'enterprise_manager' as const, parkIds: [park.id], enterpriseIds: [entA as string] };
    const own = client({ parkId: park.id, docId: enterpriseDocId(entA as string) }, { principal: manager });
    await own.provider.whenSynced();
    expect(own.provider.access).toBe('write');
    const other = client({ parkId: park.id, docId: enterpriseDocId(entB as string) }, { principal: manager });
    await expect(other.provider.whenSynced()).rejects.toMatchObject({ code: 'refused' });
    expect(other.provider.status).toBe('refused');
    expect(other.provider.refusal?.code).toBe('forbidden');
    expect(other.provider.refusal?.message).toContain(entB);
    const missing = client({ parkId: park.id, docId: enterpriseDocId('no_such_ent') }, { principal: { ...manager, role: 'park_operator' } });
    await expect(missing.provider.whenSynced()).rejects.toThrow(/no enterprise 'no_such_ent'/);
    const elsewhere = client({ parkId: 'other_park', docId: PARK_DOC_ID });
    await expect(elsewhere.provider.whenSynced()).rejects.toThrow(/park_not_found/);
    // A token with none of our roles never gets a connection (issue 7: the handshake is verified).
    const bad = client(undefined, { principal: { sub: 'x', role: 'nobody' } as never });
    const refused = await new Promise<{ data?: { code?: string } }>((resolve) => bad.socket.once('connect_error', (e) => resolve(e as never)));
    expect(refused.data?.code).toBe('bad_claims');
    expect(sumCounter(await metrics(), 'zcp_relay_collab_refusals_total')).toBeGreaterThanOrEqual(3);
  });

  it('refuses updates from a read-only principal: nothing stored, nobody else sees them', async () => {
    await start();
    const writer = client();
    const reader = client(undefined, { principal: { sub: 'exec', role: 'executive_viewer', parkIds: [park.id] } });
    await Promise.all([writer.provider.whenSynced(), reader.provider.whenSynced()]);
    expect(reader.provider.access).toBe('read');
    const seen = writer.store.add(note('by writer'), writer.actor);
    await waitFor(() => reader.store.get(seen) !== undefined, { what: 'reader receives the writer’s annotation' });
    const refused = reader.store.add(note('by reader'), reader.actor);
    await waitFor(() => reader.provider.lastSyncError?.code === 'forbidden', { what: 'forbidden ack' });
    expect(reader.provider.pending).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(writer.store.get(refused)).toBeUndefined();
    expect(await logLength(relay.store.sql, key())).toBe(1);
  });

  it('merges edits made offline after a reconnect, and pending goes back to 0', async () => {
    await start();
    const field = client(undefined, { name: 'inspector' });
    const desk = client(undefined, { name: 'desk' });
    await Promise.all([field.provider.whenSynced(), desk.provider.whenSynced()]);
    const shared = desk.store.add(note('before'), desk.actor);
    await waitFor(() => field.store.get(shared) !== undefined, { what: 'first sync' });

    field.socket.disconnect();
    await waitFor(() => field.provider.status === 'offline', { what: 'offline' });
    const basement = field.store.add(note('basement leak'), field.actor);
    field.store.addComment(shared, 'seen from the basement', field.actor);
    desk.store.addComment(shared, 'desk comment meanwhile', desk.actor);
    expect(field.provider.pending).toBe(2);

    field.socket.connect();
    await waitConnected(field.socket);
    await field.provider.whenSynced();
    await waitFor(() => field.provider.pending === 0, { what: 'offline edits acknowledged' });
    await waitFor(() => desk.store.get(basement) !== undefined && fingerprint(desk) === fingerprint(field), { what: 'merged on both' });
    expect(
      field.store
        .get(shared)
        ?.comments.map((c) => c.text)
        .sort(),
    ).toEqual(['desk comment meanwhile', 'seen from the basement']);
    // And stored: a newcomer loads it from the relay.
    const late = client();
    await late.provider.whenSynced();
    expect(fingerprint(late)).toBe(fingerprint(field));
  });

  it('compaction merges the log into a snapshot; an idle document unloads and reloads identically', async () => {
    await start({ DOC_IDLE_MS: '300', DOC_COMPACT_INTERVAL_MS: '0' });
    const a = client();
    const b = client();
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    for (let i = 0; i < 20; i++) {
      const c = i % 2 ? a : b;
      const id = c.store.add(note(`n${i}`), c.actor);
      c.store.addComment(id, `c${i}`, c.actor);
    }
    await waitFor(() => a.provider.pending === 0 && b.provider.pending === 0 && fingerprint(a) === fingerprint(b), { what: 'settled' });
    const before = fingerprint(a);
    expect(await logLength(relay.store.sql, key())).toBeGreaterThanOrEqual(20);

    const r = await relay.collab.persistence.compact(key());
    expect(r.merged).toBeGreaterThanOrEqual(20);
    expect(await logLength(relay.store.sql, key())).toBe(0);
    expect(sumCounter(await metrics(), 'zcp_relay_collab_compactions_total')).toBe(1);
    // More edits land in the log after the snapshot.
    const after = a.store.add(note('after compaction'), a.actor);
    await waitFor(() => a.provider.pending === 0 && b.store.get(after) !== undefined, { what: 'post-compaction edit' });
    const final = fingerprint(a);
    expect(final).not.toBe(before);

    for (const c of clients.splice(0)) c.close();
    await waitFor(() => relay.collab.loadedDoc(key()) === undefined, { what: 'idle document unloaded', timeoutMs: 5_000 });
    expect(/zcp_relay_collab_docs_loaded 0/.test(await metrics())).toBe(true);

    const c = client();
    await c.provider.whenSynced();
    expect(relay.collab.loadedDoc(key())).toBeDefined();
    expect(fingerprint(c)).toBe(final);
    // A second compaction folds the tail into the snapshot; a reload still reads the same.
    expect((await relay.collab.persistence.compact(key())).merged).toBe(1);
    c.close();
    clients.splice(0);
    await waitFor(() => relay.collab.loadedDoc(key()) === undefined, { what: 'unloaded again', timeoutMs: 5_000 });
    const d = client();
    await d.provider.whenSynced();
    expect(fingerprint(d)).toBe(final);
  });

  it('answers bad input with an error ack and keeps serving', async () => {
    await start();
    const s = rawSocket();
    await waitConnected(s);
    const ref = { parkId: park.id, docId: PARK_DOC_ID };
    const sync = (msg: unknown) => new Promise<DocSyncAck>((resolve) => s.emit(SocketEvent.docSync, ref, msg as Uint8Array, resolve));
    expect(await sync(new Uint8Array([0, 0]))).toMatchObject({ ok: false, code: 'not_open' });
    const open = await new Promise<DocOpenAck>((resolve) => s.emit(SocketEvent.docOpen, ref, resolve));
    expect(open).toEqual({ ok: true, access: 'write' });
    expect(await sync('text')).toMatchObject({ ok: false, code: 'invalid_request' });
    expect(await sync(new Uint8Array([9, 1, 1]))).toMatchObject({ ok: false, code: 'invalid_request' });
    expect(await sync(new Uint8Array(DOC_MESSAGE_MAX_BYTES + 1))).toMatchObject({ ok: false, code: 'too_large' });
    expect(await sync(encodeSyncMessage({ type: 'update', update: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]) }))).toMatchObject({
      ok: false,
      code: 'invalid_request',
    });
    s.emit(SocketEvent.docAwareness, ref, new Uint8Array([0xff, 0xff]));
    s.emit(SocketEvent.docOpen, { parkId: 'a.b', docId: 'park' } as never, () => {});
    const badRef = await new Promise<DocOpenAck>((resolve) => s.emit(SocketEvent.docOpen, { parkId: 42 } as never, resolve));
    expect(badRef).toMatchObject({ ok: false, code: 'invalid_request' });
    // Still serving, and the document is intact.
    const c = client();
    await c.provider.whenSynced();
    const id = c.store.add(note('still fine'), c.actor);
    await waitFor(() => c.provider.pending === 0, { what: 'ack after bad input' });
    expect(c.store.get(id)?.title).toBe('still fine');
  });

  it('audits refused opens and annotation deletions with who did them (issue 7)', async () => {
    await start();
    const [entA, entB] = park.enterprises.map((e) => e.id) as [string, string];
    const manager = { sub: 'mgr-audit', name: 'A manager', role: 'enterprise_manager' as const, parkIds: [park.id], enterpriseIds: [entA] };
    const other = client({ parkId: park.id, docId: enterpriseDocId(entB) }, { principal: manager });
    await expect(other.provider.whenSynced()).rejects.toMatchObject({ code: 'refused' });
    const writer = client(undefined, { principal: { sub: 'op-audit', name: 'Op', role: 'park_operator', parkIds: [park.id] } });
    await writer.provider.whenSynced();
    const id = writer.store.add(note('to be removed'), writer.actor);
    await waitFor(() => writer.provider.pending === 0, { what: 'stored' });
    writer.store.remove(id);
    await waitFor(() => writer.provider.pending === 0, { what: 'removal stored' });
    await waitFor(async () => (await relay.auth.audit.list({ event: 'annotation_delete' })).length === 1, { what: 'deletion audited' });
    const [deletion] = await relay.auth.audit.list({ event: 'annotation_delete' });
    expect(deletion).toMatchObject({
      actorSub: 'op-audit',
      actorRole: 'park_operator',
      parkId: park.id,
      resource: `doc ${PARK_DOC_ID}`,
      detail: { annotationIds: [id] },
    });
    const denied = await relay.auth.audit.list({ event: 'access_denied', actorSub: 'mgr-audit' });
    expect(denied[0]).toMatchObject({ outcome: 'denied', resource: `doc ${enterpriseDocId(entB)}`, detail: { code: 'forbidden' } });
  });

  it('relays presence between clients and withdraws it when a client leaves', async () => {
    await start();
    const a = client();
    const b = client();
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    a.provider.awareness.setLocalState({ user: { sub: 'a', name: 'A', color: '#123456' }, presenting: true });
    await waitFor(() => b.provider.awareness.getStates().get(a.provider.doc.clientID) !== undefined, { what: 'presence arrives' });
    const late = client();
    await late.provider.whenSynced();
    await waitFor(() => late.provider.awareness.getStates().has(a.provider.doc.clientID), { what: 'a newcomer sees who is there' });
    a.socket.disconnect();
    await waitFor(() => !b.provider.awareness.getStates().has(a.provider.doc.clientID), { what: 'presence withdrawn on disconnect' });
  });
});
