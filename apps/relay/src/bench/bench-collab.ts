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
 *   npm run bench:collab -- [--clients 100] [--rate 1] [--duration-s 30] [--warmup-s 3] [--workers 2]
 *
 * The clients run in worker threads of this process (bench-collab-clients.ts), so their Yjs
 * work is spread over the machine's cores rather than measuring one saturated event loop.
 *
 * The last line is JSON with at least `clients`, `p50_ms`, `p99_ms`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { connectNatsBus } from '@zcp/bus';
import { generatePark, parkStreams } from '@zcp/model';
import { createTestDatabase, serverUrls, uniqueName } from '@zcp/testkit';
import { z } from 'zod';
// Sets AUTH_DEV_PRIVATE_JWK before the relay and the client workers start: their tokens verify there.
import '../collab/collab.test-helper.js';
import { sumCounter } from '../fault/fault-harness.js';
import type { FromWorker, ToWorker, WorkerInit } from './bench-collab-clients.js';
import { clockTicksPerSecond, readProcess } from './bench-proc-stats.js';
import { startRelayProcess } from './bench-relay-process.js';

const OptionsSchema = z.object({
  clients: z.coerce.number().int().min(2).max(2_000).default(100),
  /** Edits per second per client. */
  rate: z.coerce.number().positive().max(100).default(1),
  durationS: z.coerce.number().positive().max(3_600).default(30),
  warmupS: z.coerce.number().min(0).max(600).default(3),
  /** Worker threads the clients are spread over (the clients' Yjs work is most of the bench's CPU). */
  workers: z.coerce.number().int().min(1).max(16).default(2),
});

const { values } = parseArgs({
  options: {
    clients: { type: 'string' },
    rate: { type: 'string' },
    'duration-s': { type: 'string' },
    'warmup-s': { type: 'string' },
    workers: { type: 'string' },
  },
  strict: true,
});
const opts = OptionsSchema.parse({
  clients: values.clients,
  rate: values.rate,
  durationS: values['duration-s'],
  warmupS: values['warmup-s'],
  workers: values.workers,
});
/** After the last edit, how long receipts may still arrive before they are collected. */
const SETTLE_AFTER_RUN_MS = 3_000;
const log = (msg: string) => process.stderr.write(`[bench:collab] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    if (/"level":(40|50|60)/.test(line) && !/UNVERIFIED|DEVELOPMENT identity provider|web app not built|device tokens/.test(line)) log(line);
  },
});
const workers: Worker[] = [];
try {
  log(`relay pid ${relay.pid} on port ${relay.port}; opening ${opts.clients} clients in ${opts.workers} worker thread(s)`);
  const inbox = new Map<Worker, FromWorker[]>();
  const waiters: (() => void)[] = [];
  /** Next message of a given type from every worker. */
  const fromAll = async <T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>[]> => {
    for (;;) {
      const got = workers.map((w) => inbox.get(w)?.find((m) => m.type === type));
      if (got.every((m) => m !== undefined)) {
        for (const w of workers) {
          const box = inbox.get(w) ?? [];
          box.splice(
            box.findIndex((m) => m.type === type),
            1,
          );
        }
        return got as Extract<FromWorker, { type: T }>[];
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const per = Math.ceil(opts.clients / opts.workers);
  for (let w = 0; w < opts.workers; w++) {
    const init: WorkerInit = { port: relay.port, parkId: park.id, from: w * per, to: Math.min(opts.clients, (w + 1) * per), total: opts.clients };
    const worker = new Worker(new URL('./bench-collab-clients.ts', import.meta.url), { workerData: init });
    inbox.set(worker, []);
    worker.on('message', (m: FromWorker) => {
      inbox.get(worker)?.push(m);
      for (const wake of waiters.splice(0)) wake();
    });
    worker.on('error', (err) => log(`worker ${w} failed: ${err.message}`));
    workers.push(worker);
  }
  const ready = await fromAll('ready');
  const owners = ready.flatMap((r) => r.owned);
  for (const w of workers) w.postMessage({ type: 'owners', owners } satisfies ToWorker);
  await fromAll('settled');
  log('all clients synced; measuring');

  const periodMs = 1_000 / opts.rate;
  const startAbs = performance.timeOrigin + performance.now() + 200;
  const measureFromAbs = startAbs + opts.warmupS * 1000;
  const stopAtAbs = measureFromAbs + opts.durationS * 1000;
  for (const w of workers) w.postMessage({ type: 'go', startAbs, stopAtAbs, periodMs } satisfies ToWorker);

  // Relay CPU and RSS over the measured window; this process' CPU covers every worker thread.
  await sleep(Math.max(0, measureFromAbs - (performance.timeOrigin + performance.now())));
  const cpu0 = (await readProcess(relay.pid ?? -1))?.cpuTicks ?? 0;
  const at0 = performance.now();
  const clientCpu0 = process.cpuUsage();
  const metrics0 = await relay.scrapeMetrics();
  let rssMaxKb = 0;
  const rssTimer = setInterval(async () => {
    const p = await readProcess(relay.pid ?? -1);
    if (p) rssMaxKb = Math.max(rssMaxKb, p.vmRssKb);
  }, 500);
  await fromAll('done');
  const endCpu = await readProcess(relay.pid ?? -1);
  const windowS = (performance.now() - at0) / 1000;
  const clientCpu = process.cpuUsage(clientCpu0);
  clearInterval(rssTimer);
  // Let the last edits arrive everywhere before collecting.
  await sleep(SETTLE_AFTER_RUN_MS);
  for (const w of workers) w.postMessage({ type: 'report' } satisfies ToWorker);
  const reports = await fromAll('report');
  const end = await readProcess(relay.pid ?? -1);
  const metrics = await relay.scrapeMetrics();

  const sentAt = new Map(reports.flatMap((r) => r.sent));
  const receipts = new Map<string, [number, number]>();
  for (const r of reports)
    for (const [key, count, at] of r.received) {
      const x = receipts.get(key);
      receipts.set(key, x ? [x[0] + count, Math.max(x[1], at)] : [count, at]);
    }
  const others = opts.clients - 1;
  const latencies: number[] = [];
  let incomplete = 0;
  for (const [key, t] of sentAt) {
    if (t < measureFromAbs) continue;
    const x = receipts.get(key);
    if (x && x[0] >= others) latencies.push(x[1] - t);
    else incomplete++;
  }
  latencies.sort((a, b) => a - b);
  const cpuPct = endCpu ? ((endCpu.cpuTicks - cpu0) / clockTicksPerSecond() / windowS) * 100 : Number.NaN;
  const loadedBytes = /zcp_relay_collab_loaded_state_bytes\{stat="total"\} (\d+)/.exec(metrics)?.[1];
  const result = {
    bench: 'collab',
    clients: opts.clients,
    rate_per_client_hz: opts.rate,
    duration_s: opts.durationS,
    workers: opts.workers,
    edits_sent: sentAt.size,
    edits_measured: latencies.length,
    edits_incomplete: incomplete,
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
    /** This process: every simulated client (socket.io-client decoding and Yjs applying), all worker threads. */
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
    `${result.edits_measured} edits measured (${result.edits_incomplete} not seen by every client): propagation to all ${others} others p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, max ${result.max_ms} ms; relay CPU ${result.relay_cpu_pct} %, RSS ≤ ${result.relay_rss_mb_max} MB`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const w of workers) w.postMessage({ type: 'close' } satisfies ToWorker);
  await fromAll('closed');
} finally {
  await Promise.all(workers.map((w) => w.terminate()));
  await relay.stop();
  const bus = await connectNatsBus({ url: serverUrls.nats });
  for (const s of parkStreams(park.id)) await bus.deleteStream(s.name);
  await bus.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
}
