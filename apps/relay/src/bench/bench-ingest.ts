// `npm run bench:ingest -- [flags]`: end-to-end ingest throughput of the relay on the real
// servers of this machine — load generator → NATS JetStream → relay(s) → PostgreSQL — with
// the stored rows checked against what was sent.
//
//   npm run bench:ingest -- --readings 12000000 --points 20000
//   npm run bench:ingest -- --readings 200000 --points 2000 --rate 0
//
// Flags (all optional; counts accept 12_000_000, 12,000,000 or 12e6):
//   --readings N     readings to send (12,000,000). Rounded up to whole rounds: every point has
//                    one reading per round, rounds 1 s apart in simulated time.
//   --points N       the generated park has at least N points (20,000); ~3.8 points per asset.
//   --rate N         offered readings/s (200,000); 0 = as fast as the in-flight window allows.
//   --per-message N  readings per NATS message, about (200): a TelemetryBatch holds one asset,
//                    so a message is one asset's points over N / (points per asset) rounds.
//   --relays N       relay processes sharing the durable storage consumer (1).
//   --in-flight N    publishes awaiting their JetStream ack at once (256).
//   --stall-s N      stop waiting for the relays when nothing was stored for N s (30).
//   --keep           keep the database, the stream and the park file (printed) for inspection.
// Env: TEST_DATABASE_URL (admin connection, postgres://postgres@127.0.0.1:5432/test) and
// TEST_NATS_URL (nats://127.0.0.1:4222) as in the tests; everything else (LOG_LEVEL,
// STORAGE_BATCH_MESSAGES, …) passes through to the relays.
//
// Each run makes its own database, park id (so its own JetStream stream) and park file, and
// removes them at the end, on failure and on Ctrl-C (unless --keep). Processes: the relays and
// the load generator are children, so the CPU and RSS of each — and of nats-server and of all
// `postgres` processes together — are read from /proc over the measured window (first publish
// → last commit).
//
// Figures: readings/s sustained = distinct rows stored / (last commit − first publish), the
// last commit located to one 250 ms sample of the relays' stored counter; publish→commit
// p50/p99 from the relays' `zcp_relay_ingest_latency_seconds` histogram (linear interpolation
// in buckets; the output names the fallback when a relay does not export it yet) and, as a
// cross-check independent of the relay, estimated from the acked and stored curves. The last
// line is one JSON object. Exit code 0 when nothing was lost or duplicated and the checksums
// match (whether or not the throughput target was met), 1 otherwise, 2 on bad flags.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Bus, connectNatsBus } from '@zcp/bus';
import { encodeTelemetryBatch, generatePark, type Park, parkStreams, storageConsumer, telemetryBatch, telemetryStream } from '@zcp/model';
import { serverUrls, uniqueName } from '@zcp/testkit';
import postgres from 'postgres';
import { type Curve, type CurvePoint, estimateLatencies, timeOfFinalTotal, weightedQuantile, windowRates } from './bench-curves.js';
import type { GeneratorCommand, GeneratorConfig, GeneratorDone, GeneratorEvent } from './bench-generator.js';
import { type BenchOptions, BenchUsageError, parseBenchOptions, USAGE } from './bench-options.js';
import { type Checksums, expectedChecksums, type IngestPlan, planIngest, planMessages, pointsByAsset, ROUND_MS } from './bench-plan.js';
import { fixedPids, type PidSource, ProcessTracker, pidsByComm } from './bench-proc-stats.js';
import { type HistogramSnapshot, histogramQuantile, mergeHistograms, parsePromCounter, parsePromHistogram } from './bench-prom-histogram.js';
import { type RelayProcess, startRelayProcess } from './bench-relay-process.js';

const GENERATOR = fileURLToPath(new URL('./bench-generator.ts', import.meta.url));
const LATENCY_METRIC = 'zcp_relay_ingest_latency_seconds';
const FALLBACK_LATENCY_METRIC = 'zcp_relay_commit_seconds';
const STORED_METRIC = 'zcp_relay_readings_stored_total';
const SEED_READINGS_PER_S = 100_000;
const TARGET = { readingsPerS: 200_000, windowS: 60, p99Ms: 1000 } as const;
const STORED_SAMPLE_MS = 250;
const PROC_SAMPLE_MS = 500;
const PROGRESS_EVERY_MS = 5000;
const POINTS_PER_ASSET_GUESS = 3.7;

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const note = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Undo steps, run last-in first-out once, on success, failure or a signal. */
class Cleanup {
  readonly #steps: { what: string; run: () => Promise<void> | void }[] = [];
  #running: Promise<void> | undefined;
  add(what: string, run: () => Promise<void> | void): void {
    this.#steps.push({ what, run });
  }
  run(): Promise<void> {
    this.#running ??= (async () => {
      for (const step of this.#steps.reverse()) {
        try {
          await step.run();
        } catch (err) {
          note(`cleanup: ${step.what} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    })();
    return this.#running;
  }
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** A generated park with at least `points` points (generatePark makes ~3.8 per asset). */
function parkWithPoints(id: string, points: number): Park {
  let assets = Math.ceil(points / POINTS_PER_ASSET_GUESS);
  for (;;) {
    const park = generatePark({ assets, id });
    if (park.points.length >= points) return park;
    assets += Math.ceil((points - park.points.length) / 3) + 1;
  }
}

/** Bytes per reading on the wire, from the first planned message. */
function wireBytesPerReading(plan: IngestPlan, parkId: string): number {
  const first = planMessages(plan).next();
  if (first.done) return 0;
  const m = first.value;
  const bytes = encodeTelemetryBatch(telemetryBatch({ batchId: 'x'.repeat(24), parkId, assetId: m.assetId, source: 'bench-ingest' }, m.readings)).length;
  return bytes / m.readings.length;
}

interface Generator {
  child: ChildProcess;
  events: GeneratorEvent[];
  next(type: GeneratorEvent['type']): Promise<GeneratorEvent>;
}

function startGenerator(onProgress: (e: Extract<GeneratorEvent, { type: 'progress' }>) => void): Generator {
  const child = fork(GENERATOR, [], { execArgv: ['--conditions=source', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const events: GeneratorEvent[] = [];
  const waiters: { type: GeneratorEvent['type']; resolve: (e: GeneratorEvent) => void; reject: (e: Error) => void }[] = [];
  child.on('message', (m) => {
    const e = m as GeneratorEvent;
    if (e.type === 'progress') onProgress(e);
    events.push(e);
    for (const w of [...waiters]) {
      if (e.type === 'error') w.reject(new Error(`load generator failed: ${e.message}`));
      else if (e.type === w.type) w.resolve(e);
      else continue;
      waiters.splice(waiters.indexOf(w), 1);
    }
  });
  child.once('exit', (code, signal) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`load generator exited (${signal ?? code}) before '${w.type}'`));
  });
  return {
    child,
    events,
    next: (type) =>
      new Promise((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`load generator has exited (${child.exitCode ?? child.signalCode})`));
        else waiters.push({ type, resolve, reject });
      }),
  };
}

/** Polls the relays' stored counter into a curve until stopped. */
function startStoredSampler(relays: readonly RelayProcess[]) {
  const curve: CurvePoint[] = [];
  let metricMissing = false;
  let scrapeErrors = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = Date.now();
      try {
        const texts = await Promise.all(relays.map((r) => r.scrapeMetrics()));
        const values = texts.map((t) => parsePromCounter(t, STORED_METRIC));
        if (values.every((v) => v === undefined)) metricMissing = true;
        curve.push({ atMs: Date.now(), total: values.reduce<number>((s, v) => s + (v ?? 0), 0) });
      } catch {
        scrapeErrors++;
      }
      await sleep(Math.max(0, STORED_SAMPLE_MS - (Date.now() - started)));
    }
  })();
  return {
    curve: curve as Curve,
    get metricMissing() {
      return metricMissing;
    },
    get scrapeErrors() {
      return scrapeErrors;
    },
    latest: () => curve.at(-1)?.total ?? 0,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

function startProcSampler(tracker: ProcessTracker) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await tracker.sample().catch(() => {});
      await sleep(PROC_SAMPLE_MS);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

interface DbCheck {
  rows: bigint;
  distinct: bigint;
  /** How `distinct` was found: a unique key makes counting them unnecessary. */
  distinctBy: 'unique key on (point_id, ts)' | 'count(distinct (point_id, ts))';
  valueQuarters: bigint;
  /** Σ point_id × (ts − base) in ms. */
  pointOffsetMs: bigint;
  queryS: number;
}

/**
 * Count and checksums of the readings table. count(distinct) over millions of rows takes
 * ~30 s here, so it runs only when no valid, non-partial unique index over (a subset of)
 * (point_id, ts) already rules duplicates out — the storage rewrite may drop that key.
 */
async function checkDatabase(url: string, plan: IngestPlan): Promise<DbCheck> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const t = performance.now();
    const [sums] = await sql<{ rows: string; quarters: string | null; point_offset: string | null }[]>`
      select count(*)::text as rows,
             sum((value * 4)::int8)::text as quarters,
             sum(point_id::int8 * ((extract(epoch from ts) * 1000)::int8 - ${plan.baseTsMs}::int8))::text as point_offset
      from readings`;
    const [key] = await sql<{ unique_key: boolean }[]>`
      select exists (
        select 1 from pg_index i
        where i.indrelid = to_regclass('readings') and i.indisunique and i.indisvalid and i.indpred is null
          and (select bool_and(a.attname in ('point_id', 'ts')) and count(*) > 0
               from unnest((i.indkey::int2[])[0:i.indnkeyatts - 1]) k(attnum)
               left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum)
      ) as unique_key`;
    if (!sums || !key) throw new Error('the check queries returned no row');
    const rows = BigInt(sums.rows);
    let distinct = rows;
    if (!key.unique_key) {
      note('readings has no unique key on (point_id, ts): counting distinct rows (slow)');
      const [d] = await sql.begin(async (tx) => {
        await tx`set local work_mem = '512MB'`;
        return tx<{ distinct: string }[]>`select count(distinct (point_id, ts))::text as distinct from readings`;
      });
      distinct = BigInt(d?.distinct ?? '0');
    }
    return {
      rows,
      distinct,
      distinctBy: key.unique_key ? 'unique key on (point_id, ts)' : 'count(distinct (point_id, ts))',
      valueQuarters: BigInt(sums.quarters ?? '0'),
      pointOffsetMs: BigInt(sums.point_offset ?? '0'),
      queryS: (performance.now() - t) / 1000,
    };
  } finally {
    await sql.end();
  }
}

interface LatencyFigures {
  source: string;
  p50Ms: number | null;
  p99Ms: number | null;
  p99BeyondLastBucket: boolean;
  observations: number;
}

function latencyFromRelays(texts: readonly string[]): LatencyFigures {
  for (const [metric, source] of [
    [LATENCY_METRIC, `${LATENCY_METRIC} (commit − JetStream stored time)`],
    [
      FALLBACK_LATENCY_METRIC,
      `${FALLBACK_LATENCY_METRIC} — FALLBACK: the relay does not export ${LATENCY_METRIC} yet; this is storage transaction time only, not publish→commit`,
    ],
  ] as const) {
    const parts = texts.map((t) => parsePromHistogram(t, metric)).filter((h): h is HistogramSnapshot => h !== undefined);
    if (parts.length === 0) continue;
    const h = mergeHistograms(parts);
    if (!h) continue;
    const p50 = histogramQuantile(0.5, h);
    const p99 = histogramQuantile(0.99, h);
    return {
      source,
      p50Ms: p50 ? round(p50.value * 1000, 1) : null,
      p99Ms: p99 ? round(p99.value * 1000, 1) : null,
      p99BeyondLastBucket: p99?.beyondLastBucket ?? false,
      observations: h.count,
    };
  }
  return {
    source: `none: the relays export neither ${LATENCY_METRIC} nor ${FALLBACK_LATENCY_METRIC}`,
    p50Ms: null,
    p99Ms: null,
    p99BeyondLastBucket: false,
    observations: 0,
  };
}

async function runBench(o: BenchOptions, cleanup: Cleanup): Promise<number> {
  const loadBefore = loadAverage();
  const runId = uniqueName('bench').toLowerCase();
  const parkId = runId;
  const dbName = `zcp_${runId}`;
  out(`bench:ingest ${runId} — load average before: ${loadBefore}`);

  // 1. A database of our own.
  const admin = postgres(serverUrls.postgres, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${dbName}"`);
  } finally {
    await admin.end();
  }
  cleanup.add(`drop database ${dbName}`, async () => {
    if (o.keep) return note(`kept: database ${dbName}`);
    const a = postgres(serverUrls.postgres, { max: 1, onnotice: () => {} });
    try {
      await a.unsafe(`drop database if exists "${dbName}" with (force)`);
    } finally {
      await a.end();
    }
  });
  const dbUrl = new URL(serverUrls.postgres);
  dbUrl.pathname = `/${dbName}`;

  // 2. The park model, in a file the relays read (PARK_FILE).
  const park = parkWithPoints(parkId, o.points);
  const parkFile = join(tmpdir(), `${runId}-park.json`);
  writeFileSync(parkFile, JSON.stringify(park));
  cleanup.add('remove the park file', () => (o.keep ? note(`kept: park file ${parkFile}`) : rmSync(parkFile, { force: true })));
  const nowMs = Date.now();
  const plan = planIngest({ assets: pointsByAsset(park), readings: o.readings, perMessage: o.perMessage, nowMs });
  const expected = expectedChecksums(plan);
  const bytesPerReading = wireBytesPerReading(plan, parkId);

  // 3. The stream (the relays would make it too), deleted at the end.
  const bus: Bus = await connectNatsBus({ url: serverUrls.nats, name: 'zcp-bench-ingest' });
  cleanup.add('close the bench NATS connection', () => bus.close());
  const stream = telemetryStream(parkId);
  await bus.ensureStream(stream);
  cleanup.add(`delete stream ${stream.name}`, () => (o.keep ? note(`kept: stream ${stream.name}`) : bus.deleteStream(stream.name)));
  for (const other of parkStreams(parkId).filter((x) => x.name !== stream.name))
    cleanup.add(`delete stream ${other.name}`, () => (o.keep ? note(`kept: stream ${other.name}`) : bus.deleteStream(other.name)));
  const streamBytes = bytesPerReading * plan.readings;
  out(
    `park ${parkId}: ${fmt(plan.points)} points on ${fmt(plan.assets.length)} assets; ${fmt(plan.readings)} readings = ${fmt(plan.rounds)} rounds × points, ` +
      `${fmt(plan.messages)} messages of ~${fmt(plan.readings / plan.messages)} readings (${plan.roundsPerMessage} rounds each), ~${round(bytesPerReading)} B/reading`,
  );
  if (streamBytes > stream.maxBytes) {
    note(
      `warning: ~${fmt(streamBytes / 1e6)} MB exceeds the stream's ${fmt(stream.maxBytes / 1e6)} MB limit: if the relays fall behind, JetStream discards the oldest`,
    );
  }

  // 4. Relays.
  const relays: RelayProcess[] = [];
  cleanup.add('stop the relays', async () => {
    await Promise.all(relays.map((r) => r.stop()));
  });
  const tStart = performance.now();
  for (let i = 1; i <= o.relays; i++) {
    relays.push(
      await startRelayProcess({ name: `relay${i}`, databaseUrl: dbUrl.toString(), natsUrl: serverUrls.nats, parkFile, onLine: (line) => note(line) }),
    );
  }
  out(`${o.relays} relay(s) ready in ${round((performance.now() - tStart) / 1000)} s (pids ${relays.map((r) => r.pid).join(', ')})`);

  // 5. Load generator.
  const acked: CurvePoint[] = [];
  const gen = startGenerator((e) => acked.push({ atMs: e.atMs, total: e.acked }));
  cleanup.add('stop the load generator', () => {
    if (gen.child.exitCode === null && gen.child.signalCode === null) gen.child.kill('SIGKILL');
  });
  const config: GeneratorConfig = {
    natsUrl: serverUrls.nats,
    parkFile,
    parkId,
    runTag: runId,
    readings: o.readings,
    perMessage: o.perMessage,
    rate: o.rate,
    inFlight: o.inFlight,
    nowMs,
  };
  gen.child.send({ type: 'config', config } satisfies GeneratorCommand);
  const ready = await gen.next('ready');
  if (ready.type === 'ready' && (ready.plan.readings !== plan.readings || ready.plan.baseTsMs !== plan.baseTsMs)) {
    throw new Error('the load generator computed another plan than the orchestrator');
  }

  const groups: Record<string, PidSource> = {};
  for (const r of relays) groups[r.name] = fixedPids([r.pid]);
  groups.generator = fixedPids([gen.child.pid]);
  groups['nats-server'] = pidsByComm('nats-server');
  groups.postgres = pidsByComm('postgres');
  // The backends serving this run's database (the relays' connections), apart from the rest
  // of the server (its auxiliary processes, and anyone else's sessions).
  groups['pg-run-db'] = pidsByComm('postgres', { cmdlineIncludes: ` ${dbName} ` });
  groups.orchestrator = fixedPids([process.pid]);
  const tracker = new ProcessTracker(groups);
  await tracker.sample();
  const stored = startStoredSampler(relays);
  cleanup.add('stop the stored sampler', () => stored.stop());
  await sleep(STORED_SAMPLE_MS);
  const storedAtStart = stored.latest();
  await tracker.sample();
  tracker.markStart();
  const windowStartMs = Date.now();
  const procSampler = startProcSampler(tracker);
  cleanup.add('stop the /proc sampler', () => procSampler.stop());
  out(`publishing at ${o.rate === 0 ? 'the highest rate flow control allows' : `${fmt(o.rate)} readings/s offered`}, ${o.inFlight} publishes in flight`);
  gen.child.send({ type: 'go' } satisfies GeneratorCommand);

  const lagOf = () => bus.consumerLag(stream.name, storageConsumer(parkId)).catch(() => Number.NaN);
  const progress = setInterval(() => {
    void lagOf().then((lag) => {
      const a = acked.at(-1)?.total ?? 0;
      out(
        `  t=${round((Date.now() - windowStartMs) / 1000)} s  acked ${fmt(a)}  stored ${fmt(stored.latest() - storedAtStart)}  consumer lag ${fmt(lag)} messages`,
      );
    });
  }, PROGRESS_EVERY_MS);
  let done: GeneratorDone;
  try {
    done = (await gen.next('done')) as GeneratorDone;
  } finally {
    clearInterval(progress);
  }
  out(
    `generator done: ${fmt(done.acked)} readings acked in ${round((done.lastAckAtMs - done.firstPublishAtMs) / 1000)} s` +
      `${done.failedMessages > 0 ? `, ${fmt(done.failedMessages)} messages FAILED after retries (${done.firstError})` : ''}${done.retries > 0 ? `, ${done.retries} retries` : ''}`,
  );

  // 6. Drain: every message acked by a relay (acks follow commits) and the stored count still.
  let lastChangeMs = Date.now();
  let lastSeen = `${stored.latest()}`;
  let lagZeroAtMs: number | undefined;
  let drainTimedOut = false;
  let lastNoteMs = Date.now();
  for (;;) {
    const lag = await lagOf();
    const seen = `${stored.latest()}/${lag}`;
    if (seen !== lastSeen) {
      lastSeen = seen;
      lastChangeMs = Date.now();
    }
    if (lag === 0) {
      lagZeroAtMs ??= Date.now();
      if (Date.now() - lastChangeMs >= 1000) break;
    } else {
      lagZeroAtMs = undefined;
    }
    if (Date.now() - lastChangeMs > o.stallS * 1000) {
      drainTimedOut = true;
      note(`warning: nothing stored for ${o.stallS} s with consumer lag ${lag}: giving up waiting`);
      break;
    }
    if (Date.now() - lastNoteMs >= PROGRESS_EVERY_MS) {
      lastNoteMs = Date.now();
      out(`  draining: consumer lag ${fmt(lag)} messages, stored ${fmt(stored.latest() - storedAtStart)}`);
    }
    await sleep(STORED_SAMPLE_MS);
  }
  await stored.stop();
  await procSampler.stop();
  // The last commit: when the relays' stored counter reached its final value (to one sample),
  // else when the consumer lag reached 0.
  const commitEndAtMs = !stored.metricMissing && stored.latest() > storedAtStart ? timeOfFinalTotal(stored.curve) : lagZeroAtMs;
  await tracker.sample();
  tracker.markEnd();
  const windowEndMs = Date.now();
  const texts = await Promise.all(relays.map((r) => r.scrapeMetrics().catch(() => '')));
  const relayStored = texts.map((t) => parsePromCounter(t, STORED_METRIC) ?? 0).reduce((a, b) => a + b, 0) - storedAtStart;
  const latency = latencyFromRelays(texts);
  const loadAfter = loadAverage();

  // 7. Verify against what was sent.
  const check = await checkDatabase(dbUrl.toString(), plan);
  const sent = done.acked;
  const lost = sent - Number(check.distinct);
  const duplicated = Number(check.rows - check.distinct);
  const comparable = done.failedMessages === 0;
  const checksumOk = comparable && matches(check, expected);

  // 8. Figures.
  // Nothing stored: no last commit, no duration, 0 readings/s.
  const lastCommitAtMs = check.rows > 0n && commitEndAtMs !== undefined && commitEndAtMs > done.firstPublishAtMs ? commitEndAtMs : undefined;
  const durationS = lastCommitAtMs === undefined ? undefined : (lastCommitAtMs - done.firstPublishAtMs) / 1000;
  const readingsPerS = durationS === undefined ? 0 : Number(check.distinct) / durationS;
  const publishS = (done.lastAckAtMs - done.firstPublishAtMs) / 1000;
  const drainS = lastCommitAtMs === undefined ? undefined : (lastCommitAtMs - done.lastAckAtMs) / 1000;
  const curve = stored.curve.map((p) => ({ atMs: p.atMs, total: p.total - storedAtStart }));
  const rate60 = stored.metricMissing || !lastCommitAtMs ? undefined : windowRates(curve, TARGET.windowS * 1000, done.firstPublishAtMs, lastCommitAtMs);
  const rate10 = stored.metricMissing || !lastCommitAtMs ? undefined : windowRates(curve, 10_000, done.firstPublishAtMs, lastCommitAtMs);
  const est = stored.metricMissing ? [] : estimateLatencies(acked, curve);
  const estP50 = weightedQuantile(est, 0.5);
  const estP99 = weightedQuantile(est, 0.99);
  const procs = tracker.report((windowEndMs - windowStartMs) / 1000);
  const integrityOk = lost === 0 && duplicated === 0 && checksumOk && !drainTimedOut;
  const p99ForTarget = latency.source.startsWith(LATENCY_METRIC) ? latency.p99Ms : null;
  const targetMet =
    integrityOk && (rate60?.min ?? 0) >= TARGET.readingsPerS && p99ForTarget !== null && p99ForTarget <= TARGET.p99Ms && !latency.p99BeyondLastBucket;

  out('');
  out(
    `sent ${fmt(sent)} (plan ${fmt(plan.readings)}, asked ${fmt(o.readings)}), stored ${fmt(Number(check.rows))} rows, ${fmt(Number(check.distinct))} distinct`,
  );
  out(
    `lost ${fmt(lost)}, duplicated ${fmt(duplicated)}, checksums ${comparable ? (checksumOk ? 'ok' : 'MISMATCH') : 'not comparable (failed publishes)'} (check ${round(check.queryS)} s; distinct by ${check.distinctBy})`,
  );
  out(`relays' stored counter: ${stored.metricMissing ? `absent (${STORED_METRIC})` : fmt(relayStored)}`);
  out(
    `readings/s sustained: ${fmt(readingsPerS)} over ${durationS === undefined ? 'n/a (nothing stored)' : `${round(durationS)} s`} (first publish → last commit); ratio vs the seed's 100k/s: ${round(readingsPerS / SEED_READINGS_PER_S, 2)}`,
  );
  out(
    `  lowest 60 s window: ${rate60 ? fmt(rate60.min) : `n/a (${stored.metricMissing ? 'no stored counter' : lastCommitAtMs === undefined ? 'nothing stored' : 'run shorter than 60 s'})`}; 10 s windows: ${rate10 ? `${fmt(rate10.min)}–${fmt(rate10.max)}` : 'n/a'}`,
  );
  out(
    `publish: ${fmt(sent / publishS)} readings/s achieved over ${round(publishS)} s (offered ${o.rate === 0 ? 'unpaced' : fmt(o.rate)}); drain after last publish ${drainS === undefined ? 'n/a' : `${round(drainS)} s`}`,
  );
  out(
    `publish→commit: p50 ${latency.p50Ms ?? 'n/a'} ms, p99 ${latency.p99Ms ?? 'n/a'}${latency.p99BeyondLastBucket ? '+ (beyond the last bucket)' : ''} ms from ${latency.source} (${fmt(latency.observations)} observations)`,
  );
  out(
    `  estimate from acked/stored curves (FIFO, ±${STORED_SAMPLE_MS / 2} ms): p50 ${estP50 === undefined ? 'n/a' : fmt(estP50)} ms, p99 ${estP99 === undefined ? 'n/a' : fmt(estP99)} ms`,
  );
  out(`processes over ${round((windowEndMs - windowStartMs) / 1000)} s (cores = CPU s / wall s; RSS peak):`);
  for (const [name, r] of Object.entries(procs)) {
    out(
      `  ${name.padEnd(12)} ${r.cpu_cores.toFixed(2)} cores  peak RSS ${fmt(r.peak_rss_mb)} MB${r.processes > 1 ? ` (sum of ${r.processes} processes; private+largest shared ${fmt(r.peak_private_plus_shared_mb)} MB)` : ''}`,
    );
  }
  out(
    "  (nats-server and postgres are the machine's shared servers: their figures include any other client meanwhile; pg-run-db = the backends connected to this run's database)",
  );
  out(`load average after: ${loadAfter}`);
  out(
    `target (≥ ${fmt(TARGET.readingsPerS)}/s for ${TARGET.windowS} s, p99 ≤ ${TARGET.p99Ms} ms, 0 lost / 0 duplicated): ${targetMet ? 'MET' : 'not met'}` +
      `${p99ForTarget === null ? ` (no ${LATENCY_METRIC} to judge p99)` : ''}`,
  );
  out(
    JSON.stringify({
      bench: 'ingest',
      run: runId,
      readings_per_s: Math.round(readingsPerS),
      p50_ms: latency.p50Ms,
      p99_ms: latency.p99Ms,
      latency_source: latency.source,
      p99_beyond_last_bucket: latency.p99BeyondLastBucket,
      est_p50_ms: estP50 === undefined ? null : Math.round(estP50),
      est_p99_ms: estP99 === undefined ? null : Math.round(estP99),
      sent,
      stored: Number(check.rows),
      distinct: Number(check.distinct),
      distinct_by: check.distinctBy,
      lost,
      duplicated,
      checksum_ok: checksumOk,
      failed_publishes: done.failedMessages,
      drain_timed_out: drainTimedOut,
      duration_s: durationS === undefined ? null : round(durationS, 2),
      publish_s: round(publishS, 2),
      drain_s: drainS === undefined ? null : round(drainS, 2),
      offered_rate: o.rate,
      publish_readings_per_s: Math.round(sent / publishS),
      min_60s_readings_per_s: rate60 ? Math.round(rate60.min) : null,
      min_10s_readings_per_s: rate10 ? Math.round(rate10.min) : null,
      max_10s_readings_per_s: rate10 ? Math.round(rate10.max) : null,
      ratio_vs_seed_100k: round(readingsPerS / SEED_READINGS_PER_S, 3),
      target_met: targetMet,
      points: plan.points,
      per_message: Math.round(plan.readings / plan.messages),
      messages: plan.messages,
      relays: o.relays,
      in_flight: o.inFlight,
      processes: procs,
      load_before: loadBefore,
      load_after: loadAfter,
    }),
  );
  return integrityOk ? 0 : 1;
}

function matches(check: DbCheck, expected: Checksums): boolean {
  return check.rows === expected.count && check.valueQuarters === expected.valueQuarters && check.pointOffsetMs === expected.pointRound * BigInt(ROUND_MS);
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (e) {
    if (e instanceof BenchUsageError) {
      note(e.message);
      process.exit(2);
    }
    throw e;
  }
  if (options.help) return out(USAGE);
  const cleanup = new Cleanup();
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      note(`\n${signal}: cleaning up (children, stream, database)…`);
      void cleanup.run().finally(() => process.exit(130));
    });
  }
  let code = 1;
  try {
    code = await runBench(options, cleanup);
  } catch (err) {
    // After a signal the children die with us; their errors are not the news.
    if (!interrupted) note(`bench:ingest failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await cleanup.run();
  }
  process.exit(interrupted ? 130 : code);
}

await main();
