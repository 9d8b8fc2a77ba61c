/**
 * Worker thread of `npm run bench:collab`: a share of the simulated clients. Clients of every
 * worker open the same document on the relay; each owns one annotation and edits its text at the
 * steady rate the main thread gives; every receipt of another client's edit is recorded with an
 * absolute high-resolution time (`performance.timeOrigin + performance.now()`, comparable across
 * threads). The main thread combines the workers' records: an edit's latency is until the last
 * of the other N−1 clients, in any worker, applied it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ANNOTATIONS_MAP } from '@zcp/collab';
import { PARK_DOC_ID } from '@zcp/model';
import * as Y from 'yjs';
import { type SimClient, simClient } from '../collab/collab.test-helper.js';

export interface WorkerInit {
  port: number;
  parkId: string;
  /** Global indices of this worker's clients: [from, to). */
  from: number;
  to: number;
  total: number;
}

export type ToWorker =
  | { type: 'owners'; owners: [id: string, index: number][] }
  | { type: 'go'; startAbs: number; stopAtAbs: number; periodMs: number }
  | { type: 'report' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; owned: [id: string, index: number][] }
  | { type: 'settled' }
  | { type: 'done' }
  | { type: 'report'; sent: [key: string, at: number][]; received: [key: string, count: number, lastAt: number][]; pending: number }
  | { type: 'closed' };

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const VIEW = { position: { x: 0, y: 0, z: 50 }, target: { x: 0, y: 0, z: 0 } };

if (parentPort) {
  const port = parentPort;
  const init = workerData as WorkerInit;
  const post = (m: FromWorker) => port.postMessage(m);
  const clients: SimClient[] = [];
  const ownerOf = new Map<string, number>();
  const sent = new Map<string, number>();
  /** key → [receipts, last receipt time]. */
  const received = new Map<string, [number, number]>();

  const ref = { parkId: init.parkId, docId: PARK_DOC_ID };
  for (let i = init.from; i < init.to; i++) clients.push(simClient(init.port, ref, { name: `bench${i}` }));
  await Promise.all(clients.map((c) => c.provider.whenSynced()));
  const own = clients.map((c, k) =>
    c.store.add(
      {
        anchor: { kind: 'point', position: { x: init.from + k, y: 0, z: 0 } },
        view: VIEW,
        title: `bench ${init.from + k}`,
        category: 'observation',
        status: 'open',
      },
      c.actor,
    ),
  );
  clients.forEach((c, k) => {
    const receiver = init.from + k;
    // Newest edit of each owner this client applied: edits merged into one message count too.
    const newest = new Map<number, number>();
    c.provider.doc.getMap(ANNOTATIONS_MAP).observeDeep((events, tx) => {
      if (tx.local) return;
      const at = now();
      for (const e of events) {
        if (!(e instanceof Y.YMapEvent) || !(e.target instanceof Y.Map) || !e.keysChanged.has('text')) continue;
        const id = e.path[0] as string | undefined;
        const owner = id === undefined ? undefined : ownerOf.get(id);
        const text = e.target.get('text');
        if (owner === undefined || owner === receiver || typeof text !== 'string') continue;
        const seq = Number(text.slice(1));
        for (let s = (newest.get(owner) ?? 0) + 1; s <= seq; s++) {
          const key = `${owner}:${s}`;
          const r = received.get(key);
          if (r) {
            r[0]++;
            r[1] = at;
          } else received.set(key, [1, at]);
        }
        newest.set(owner, Math.max(seq, newest.get(owner) ?? 0));
      }
    });
  });
  post({ type: 'ready', owned: own.map((id, k) => [id, init.from + k]) });

  port.on('message', async (m: ToWorker) => {
    if (m.type === 'owners') {
      for (const [id, index] of m.owners) ownerOf.set(id, index);
      while (!clients.every((c) => c.provider.pending === 0 && c.store.list().length === init.total)) await sleep(50);
      post({ type: 'settled' });
    } else if (m.type === 'go') {
      // Steady rate: client i edits at i/N of each period, so edits spread evenly in time.
      await Promise.all(
        clients.map(async (c, k) => {
          const index = init.from + k;
          let seq = 0;
          let next = m.startAbs + (index / init.total) * m.periodMs;
          while (next < m.stopAtAbs) {
            await sleep(Math.max(0, next - now()));
            seq++;
            sent.set(`${index}:${seq}`, now());
            c.store.update(own[k] as string, { text: `s${seq}` }, c.actor);
            next += m.periodMs;
          }
        }),
      );
      post({ type: 'done' });
    } else if (m.type === 'report') {
      post({
        type: 'report',
        sent: [...sent],
        received: [...received].map(([key, [count, at]]) => [key, count, at]),
        pending: clients.reduce((n, c) => n + c.provider.pending, 0),
      });
    } else if (m.type === 'close') {
      for (const c of clients) c.close();
      post({ type: 'closed' });
      port.close();
    }
  });
}
