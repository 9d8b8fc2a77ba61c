import { type Bus, connectNatsBus, createMemoryBus } from '@zcp/bus';
import { createRng, generatePark, PARK_DOC_ID, parkStreams } from '@zcp/model';
import { createTestDatabase, describeWithServer, serverUrls, type TestDatabase, uniqueName, waitFor } from '@zcp/testkit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Relay } from '../relay.js';
import { contentOf, fingerprint, randomEdit, type SimClient, simClient, sleep, startTestRelay } from './collab.test-helper.js';
import { readLogTail } from './doc-log-sql.js';

const CLIENTS = 50;
const EDITS_PER_CLIENT = 8;
const CONVERGE_TIMEOUT_MS = 30_000;

/**
 * Issue 6 convergence: 50 simulated clients make seeded random annotation edits concurrently
 * (add, edit fields, status moves, comments, removes) and must end with identical documents —
 * through one relay, and split across two relays joined by the real NATS.
 */
await describeWithServer(['postgres', 'nats'], 'collab convergence (real PostgreSQL and NATS)', () => {
  let db: TestDatabase;
  let park: ReturnType<typeof generatePark>;
  const buses: Bus[] = [];
  const relays: Relay[] = [];
  const clients: SimClient[] = [];

  beforeEach(async () => {
    db = await createTestDatabase('zcp_collab_conv');
    park = generatePark({ assets: 6, id: uniqueName('collab') });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const r of relays.splice(0)) await r.stop();
    for (const b of buses.splice(0)) {
      for (const s of parkStreams(park.id)) await b.deleteStream(s.name);
      await b.close();
    }
    await db.drop();
  });

  async function relay(env: Record<string, string> = {}): Promise<Relay> {
    const bus = await connectNatsBus({ url: serverUrls.nats, name: 'zcp-collab-test' });
    buses.push(bus);
    const r = await startTestRelay({ park, databaseUrl: db.url, bus, env });
    relays.push(r);
    return r;
  }

  /** Every client runs its own seeded sequence of edits, with short random pauses, all at once. */
  async function editConcurrently(seed: number): Promise<Record<string, number>> {
    const assetIds = park.assets.map((a) => a.id);
    const counts: Record<string, number> = {};
    await Promise.all(
      clients.map(async (c, i) => {
        const rng = createRng(seed).fork(`client${i}`);
        for (let k = 0; k < EDITS_PER_CLIENT; k++) {
          const what = randomEdit(c, rng, assetIds);
          counts[what] = (counts[what] ?? 0) + 1;
          await sleep(rng.int(0, 15));
        }
      }),
    );
    return counts;
  }

  async function expectConverged(what: string): Promise<string> {
    await waitFor(() => clients.every((c) => c.provider.pending === 0), { timeoutMs: CONVERGE_TIMEOUT_MS, what: `${what}: every update acknowledged` });
    const reference = clients[0] as SimClient;
    await waitFor(() => clients.every((c) => fingerprint(c) === fingerprint(reference)), {
      timeoutMs: CONVERGE_TIMEOUT_MS,
      what: `${what}: ${CLIENTS} replicas identical`,
    });
    const vectors = new Set(clients.map((c) => Buffer.from(Y.encodeStateVector(c.provider.doc)).toString('hex')));
    expect(vectors.size, 'identical state vectors').toBe(1);
    return fingerprint(reference);
  }

  /** What PostgreSQL holds for the document, read without any relay. */
  async function storedContent(r: Relay): Promise<string> {
    const tail = await readLogTail(r.store.sql, `${park.id}/${PARK_DOC_ID}`, 0);
    const doc = new Y.Doc();
    if (tail.snapshot) Y.applyUpdate(doc, tail.snapshot.state);
    for (const u of tail.updates) Y.applyUpdate(doc, u.bytes);
    return contentOf(doc);
  }

  it('50 clients with seeded random edits through one relay reach identical state, and it is all stored', { timeout: 90_000 }, async () => {
    const r = await relay();
    const ref = { parkId: park.id, docId: PARK_DOC_ID };
    for (let i = 0; i < CLIENTS; i++) clients.push(simClient(r.port, ref, { name: `sim${i}` }));
    await Promise.all(clients.map((c) => c.provider.whenSynced()));
    const counts = await editConcurrently(6001);
    const state = await expectConverged('one relay');
    const list = JSON.parse(state) as unknown[];
    process.stderr.write(`[collab one relay] ops ${JSON.stringify(counts)}; ${list.length} annotations at the end\n`);
    expect(counts.add ?? 0).toBeGreaterThan(0);
    expect((counts.comment ?? 0) + (counts.status ?? 0) + (counts.edit ?? 0) + (counts.remove ?? 0)).toBeGreaterThan(0);
    expect(list.length).toBeGreaterThan(0);
    expect(await storedContent(r)).toBe(state);
    const late = simClient(r.port, ref);
    clients.push(late);
    await late.provider.whenSynced();
    expect(fingerprint(late)).toBe(state);
  });

  it('clients split across two relays joined by NATS converge', { timeout: 90_000 }, async () => {
    // No periodic re-read of the log: what crosses relays comes over NATS (a gap in the update
    // numbers may still trigger a re-read, as designed).
    const a = await relay({ DOC_CATCHUP_INTERVAL_MS: '3600000' });
    const b = await relay({ DOC_CATCHUP_INTERVAL_MS: '3600000' });
    expect(a.relayId).not.toBe(b.relayId);
    const ref = { parkId: park.id, docId: PARK_DOC_ID };
    for (let i = 0; i < CLIENTS; i++) clients.push(simClient((i % 2 === 0 ? a : b).port, ref, { name: `sim${i}` }));
    await Promise.all(clients.map((c) => c.provider.whenSynced()));
    const counts = await editConcurrently(6002);
    const state = await expectConverged('two relays');
    process.stderr.write(`[collab two relays] ops ${JSON.stringify(counts)}; ${(JSON.parse(state) as unknown[]).length} annotations at the end\n`);
    // Both relays' in-memory documents hold the same, and so does the database.
    const key = `${park.id}/${PARK_DOC_ID}`;
    const docA = a.collab.loadedDoc(key)?.doc;
    const docB = b.collab.loadedDoc(key)?.doc;
    expect(docA && contentOf(docA)).toBe(state);
    expect(docB && contentOf(docB)).toBe(state);
    expect(await storedContent(a)).toBe(state);
  });

  it('presence crosses relays over NATS and is withdrawn everywhere when its client leaves', { timeout: 60_000 }, async () => {
    const a = await relay();
    const b = await relay();
    const ref = { parkId: park.id, docId: PARK_DOC_ID };
    const presenter = simClient(a.port, ref, { name: 'presenter' });
    const follower = simClient(b.port, ref, { name: 'follower' });
    clients.push(presenter, follower);
    await Promise.all([presenter.provider.whenSynced(), follower.provider.whenSynced()]);
    presenter.provider.awareness.setLocalState({ user: { sub: 'p', name: 'Presenter', color: '#d62728' }, presenting: true, followRequestAt: 1 });
    const id = presenter.provider.doc.clientID;
    await waitFor(() => (follower.provider.awareness.getStates().get(id) as { presenting?: boolean } | undefined)?.presenting === true, {
      what: 'presence from relay a reaches a client of relay b',
    });
    presenter.close();
    await waitFor(() => !follower.provider.awareness.getStates().has(id), { what: 'presence withdrawn across relays' });
  });

  it('two relays compacting the same log at once while clients write lose nothing', { timeout: 60_000 }, async () => {
    const a = await relay({ DOC_COMPACT_INTERVAL_MS: '0' });
    const b = await relay({ DOC_COMPACT_INTERVAL_MS: '0' });
    const ref = { parkId: park.id, docId: PARK_DOC_ID };
    const key = `${park.id}/${PARK_DOC_ID}`;
    for (let i = 0; i < 10; i++) clients.push(simClient((i % 2 ? a : b).port, ref, { name: `w${i}` }));
    await Promise.all(clients.map((c) => c.provider.whenSynced()));
    const rng = createRng(6003);
    const assets = park.assets.map((x) => x.id);
    let merged = 0;
    for (let round = 0; round < 8; round++) {
      for (const c of clients) randomEdit(c, rng, assets);
      const [ra, rb] = await Promise.all([a.collab.persistence.compact(key), b.collab.persistence.compact(key)]);
      merged += ra.merged + rb.merged;
    }
    const state = await expectConverged('compacting relays');
    expect(merged).toBeGreaterThan(0);
    await Promise.all([a.collab.persistence.compact(key), b.collab.persistence.compact(key)]);
    expect(await storedContent(a)).toBe(state);
  });

  it('a relay that never sees the bus messages still converges from the database log', { timeout: 60_000 }, async () => {
    const a = await relay();
    // b's bus is an in-process one: nothing a publishes reaches it; only its log re-reads do.
    const deaf = createMemoryBus();
    const b = await startTestRelay({ park, databaseUrl: db.url, bus: deaf, env: { DOC_CATCHUP_INTERVAL_MS: '200' } });
    relays.push(b);
    try {
      const ref = { parkId: park.id, docId: PARK_DOC_ID };
      const onA = simClient(a.port, ref, { name: 'on a' });
      const onB = simClient(b.port, ref, { name: 'on b' });
      clients.push(onA, onB);
      await Promise.all([onA.provider.whenSynced(), onB.provider.whenSynced()]);
      const id = onA.store.add(
        { anchor: { kind: 'asset', assetId: park.assets[0]?.id ?? 'x' }, view: VIEW, title: 'seen late', category: 'question', status: 'open' },
        onA.actor,
      );
      const fromB = onB.store.add(
        { anchor: { kind: 'point', position: { x: 1, y: 2, z: 0 } }, view: VIEW, title: 'from b', category: 'defect', status: 'open' },
        onB.actor,
      );
      await waitFor(() => onB.store.get(id)?.title === 'seen late', { what: 'the update reaches the deaf relay through the log', timeoutMs: 10_000 });
      await waitFor(() => onA.store.get(fromB) !== undefined && fingerprint(onA) === fingerprint(onB), { what: 'both converge', timeoutMs: 10_000 });
    } finally {
      await b.stop();
      relays.splice(relays.indexOf(b), 1);
      await deaf.close();
    }
  });
});

const VIEW = { position: { x: 0, y: 0, z: 20 }, target: { x: 0, y: 0, z: 0 } };
