/**
 * `npm run bench:collab` — shared-document propagation latency (issue 6).
 *
 * A relay runs as a child process (as in production: apps/relay/src/main.ts) on the real
 * PostgreSQL and NATS; N simulated clients (socket.io-client + DocProvider + AnnotationStore)
 * in this process open the park document. Each client owns one annotation and edits its text at
 * a steady rate; every other client records when it applied that edit. An edit's latency is
 * from the sender's change until the LAST of the other N−1 clients has applied it (client and
 * relay on one machine, one monotonic clock). The relay stores every edit in PostgreSQL before
 * forwarding it, so the figure includes the commit. Relay CPU and RSS come from /proc for the
 * relay's process over the measured window.
 *
 *   npm run bench:collab -- [--clients 100] [--rate 1] [--duration-s 30] [--warmup-s 3]
 *
 * The last line is JSON with at least `clients`, `p50_ms`, `p99_ms`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectNatsBus } from '@zcp/bus';
import { ANNOTATIONS_MAP } from '@zcp/collab';
import { generatePark, PARK_DOC_ID, parkStreams } from '@zcp/model';
import { createTestDatabase, serverUrls, uniqueName } from '@zcp/testkit';
import * as Y from 'yjs';
import { z } from 'zod';
import { fingerprint, type SimClient, simClient } from '../collab/collab.test-helper.js';
import { sumCounter } from '../fault/fault-harness.js';
import { clockTicksPerSecond, readProcess } from './bench-proc-stats.js';
import { startRelayProcess } from './bench-relay-process.js';

const OptionsSchema = z.object({
  clients: z.coerce.number().int().min(2).max(2_000).default(100),
  /** Edits per second per client. */
  rate: z.coerce.number().positive().max(100).default(1),
  durationS: z.coerce.number().positive().max(3_600).default(30),
  warmupS: z.coerce.number().min(0).max(600).default(3),
});

const { values } = parseArgs({
  options: { clients: { type: 'string' }, rate: { type: 'string' }, 'duration-s': { type: 'string' }, 'warmup-s': { type: 'string' } },
  strict: true,
});
const opts = OptionsSchema.parse({ clients: values.clients, rate: values.rate, durationS: values['duration-s'], warmupS: values['warmup-s'] });
const log = (msg: string) => process.stderr.write(`[bench:collab] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const VIEW = { position: { x: 0, y: 0, z: 50 }, target: { x: 0, y: 0, z: 0 } };

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Upper bound (ms) of the histogram bucket holding percentile p of the observations between two scrapes. */
function bucketPercentile(before: string, after: string, name: string, p: number): number | null {
  const buckets = (text: string) => {
    const out = new Map<string, number>();
    for (const m of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))) out.set(m[1] as string, Number(m[2]));
    return out;
  };
  const b0 = buckets(before);
  const rows = [...buckets(after)].map(([le, n]) => [le, n - (b0.get(le) ?? 0)] as const);
  const total = rows.find(([le]) => le === '+Inf')?.[1] ?? 0;
  if (total === 0) return null;
  const hit = rows.find(([, n]) => n >= (p / 100) * total);
  return hit && hit[0] !== '+Inf' ? Number(hit[0]) * 1000 : null;
}

const park = generatePark({ assets: 10, id: uniqueName('benchcollab') });
const db = await createTestDatabase('zcp_bench_collab');
const dir = await mkdtemp(join(tmpdir(), 'zcp-bench-collab-'));
const parkFile = join(dir, 'park.json');
await writeFile(parkFile, JSON.stringify(park));
const relay = await startRelayProcess({
  name: 'relay',
  databaseUrl: db.url,
  natsUrl: serverUrls.nats,
  parkFile,
  onLine: (line) => {
    if (/"level":(40|50|60)/.test(line) && !/UNVERIFIED|web app not built|device tokens/.test(line)) log(line);
  },
});
const clients: SimClient[] = [];
try {
  const ref = { parkId: park.id, docId: PARK_DOC_ID };
  log(`relay pid ${relay.pid} on port ${relay.port}; opening ${opts.clients} clients`);
  for (let i = 0; i < opts.clients; i++) clients.push(simClient(relay.port, ref, { name: `bench${i}` }));
  await Promise.all(clients.map((c) => c.provider.whenSynced()));

  // Each client owns one annotation (made up front, then everybody syncs).
  const own = clients.map((c, i) =>
    c.store.add(
      { anchor: { kind: 'point', position: { x: i, y: 0, z: 0 } }, view: VIEW, title: `bench ${i}`, category: 'observation', status: 'open' },
      c.actor,
    ),
  );
  const ownerOf = new Map(own.map((id, i) => [id, i]));
  const settle = async (what: string) => {
    const t0 = Date.now();
    for (;;) {
      const ref0 = fingerprint(clients[0] as SimClient);
      if (clients.every((c) => c.provider.pending === 0 && fingerprint(c) === ref0)) return;
      if (Date.now() - t0 > 60_000) throw new Error(`clients did not settle (${what})`);
      await sleep(100);
    }
  };
  await settle('setup');
  log('all clients synced; measuring');

  /** Send time of (owner, seq), and how many other clients have applied it. */
  const sentAt = new Map<string, number>();
  const applied = new Map<string, number>();
  const latencies: number[] = [];
  let measuring = false;
  const periodMs = 1_000 / opts.rate;
  const measureFrom = performance.now() + opts.warmupS * 1000;
  const stopAt = measureFrom + opts.durationS * 1000;
  const others = opts.clients - 1;
  clients.forEach((c, receiver) => {
    // The newest edit of each owner this client has applied: an edit that arrives merged with a
    // later one of the same owner (the relay merges what one commit stored) counts as applied too.
    const newest = new Map<number, number>();
    c.provider.doc.getMap(ANNOTATIONS_MAP).observeDeep((events, tx) => {
      if (tx.local) return;
      const now = performance.now();
      for (const e of events) {
        if (!(e instanceof Y.YMapEvent) || !(e.target instanceof Y.Map) || !e.keysChanged.has('text')) continue;
        const id = e.path[0] as string | undefined;
        const owner = id === undefined ? undefined : ownerOf.get(id);
        const text = e.target.get('text');
        if (owner === undefined || owner === receiver || typeof text !== 'string') continue;
        const seq = Number(text.slice(1));
        for (let s = (newest.get(owner) ?? 0) + 1; s <= seq; s++) {
          const k = `${owner}:s${s}`;
          const n = (applied.get(k) ?? 0) + 1;
          applied.set(k, n);
          if (n === others) {
            const t = sentAt.get(k);
            // Only edits sent inside the measured window count (warm-up edits are excluded).
            if (t !== undefined && t >= measureFrom) latencies.push(now - t);
            sentAt.delete(k);
            applied.delete(k);
          }
        }
        newest.set(owner, Math.max(seq, newest.get(owner) ?? 0));
      }
    });
  });

  // Steady rate: client i edits at i/N of each period, so edits are spread evenly in time.
  let sent = 0;
  let measuredSent = 0;
  const cpu0 = { ticks: 0, at: 0 };
  let rssMaxKb = 0;
  let clientCpu0 = process.cpuUsage();
  let metrics0 = '';
  const loops = clients.map(async (c, i) => {
    let seq = 0;
    let next = performance.now() + (i / opts.clients) * periodMs;
    while (next < stopAt) {
      await sleep(Math.max(0, next - performance.now()));
      seq++;
      const text = `s${seq}`;
      const t = performance.now();
      if (t >= measureFrom && !measuring) {
        measuring = true;
        const p = await readProcess(relay.pid ?? -1);
        cpu0.ticks = p?.cpuTicks ?? 0;
        cpu0.at = performance.now();
        clientCpu0 = process.cpuUsage();
        metrics0 = await relay.scrapeMetrics();
      }
      sentAt.set(`${i}:${text}`, t);
      c.store.update(own[i] as string, { text }, c.actor);
      sent++;
      if (measuring) measuredSent++;
      next += periodMs;
    }
  });
  const rssTimer = setInterval(async () => {
    const p = await readProcess(relay.pid ?? -1);
    if (p) rssMaxKb = Math.max(rssMaxKb, p.vmRssKb);
  }, 500);
  await Promise.all(loops);
  const endCpu = await readProcess(relay.pid ?? -1);
  const clientCpu = process.cpuUsage(clientCpu0);
  const windowS = (performance.now() - cpu0.at) / 1000;
  await settle('after the run');
  clearInterval(rssTimer);
  const end = await readProcess(relay.pid ?? -1);
  const metrics = await relay.scrapeMetrics();

  latencies.sort((a, b) => a - b);
  const cpuPct = endCpu ? ((endCpu.cpuTicks - cpu0.ticks) / clockTicksPerSecond() / windowS) * 100 : Number.NaN;
  const loadedBytes = /zcp_relay_collab_loaded_state_bytes\{stat="total"\} (\d+)/.exec(metrics)?.[1];
  const result = {
    bench: 'collab',
    clients: opts.clients,
    rate_per_client_hz: opts.rate,
    duration_s: opts.durationS,
    edits_sent: sent,
    edits_measured: latencies.length,
    edits_incomplete: measuredSent - latencies.length,
    p50_ms: round(percentile(latencies, 50)),
    p90_ms: round(percentile(latencies, 90)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies[latencies.length - 1] ?? Number.NaN),
    /** Relay side only: arrival of a client update → its commit (then broadcast + ack), bucket upper bounds. */
    relay_commit_p50_ms: bucketPercentile(metrics0, metrics, 'zcp_relay_collab_update_commit_seconds', 50),
    relay_commit_p99_ms: bucketPercentile(metrics0, metrics, 'zcp_relay_collab_update_commit_seconds', 99),
    /** Of which the storage transaction itself (group commit), bucket upper bounds. */
    relay_store_p50_ms: bucketPercentile(metrics0, metrics, 'zcp_relay_collab_store_seconds', 50),
    relay_store_p99_ms: bucketPercentile(metrics0, metrics, 'zcp_relay_collab_store_seconds', 99),
    relay_cpu_pct: round(cpuPct),
    /** This process: the simulated clients (socket.io-client decoding and Yjs applying for all N). */
    clients_cpu_pct: round(((clientCpu.user + clientCpu.system) / 1e6 / windowS) * 100),
    relay_rss_mb_max: round(Math.max(rssMaxKb, end?.vmRssKb ?? 0) / 1024),
    relay_rss_mb_end: round((end?.vmRssKb ?? 0) / 1024),
    /** 1-minute load average at the end: other work on the machine shows here. */
    load_avg_1m: round(loadavg()[0] ?? Number.NaN, 2),
    cpus: cpus().length,
    updates_stored: sumCounter(metrics, 'zcp_relay_collab_updates_stored_total'),
    doc_state_bytes: loadedBytes === undefined ? null : Number(loadedBytes),
  };
  log(
    `${result.edits_measured} edits measured (${result.edits_incomplete} not seen by every client in time): propagation to all ${others} others p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${result.max_ms} ms; relay CPU ${result.relay_cpu_pct} %, RSS ≤ ${result.relay_rss_mb_max} MB`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  for (const c of clients) c.close();
  await relay.stop();
  const bus = await connectNatsBus({ url: serverUrls.nats });
  for (const s of parkStreams(park.id)) await bus.deleteStream(s.name);
  await bus.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
}
