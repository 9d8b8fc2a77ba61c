import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bus } from '@zcp/bus';
import { encodeTelemetryBatch, type Park, type Reading, subjects, telemetryBatch } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import postgres from 'postgres';

// Test support for the relay's fault tests (issue 4): the relay as a real child process (so
// it can be SIGKILLed), a publisher of counted telemetry, and counters read from SQL. The
// relay is a black box here: environment in, HTTP (/readyz, /metrics) and rows out.

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const RELAY_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
/** The workspace's pinned Node (24); the machine's own node is older. */
const NODE_BIN = existsSync(join(REPO_ROOT, 'node_modules/.bin/node')) ? join(REPO_ROOT, 'node_modules/.bin/node') : process.execPath;
/** Start-up of a relay child through tsx takes ~2 s here; allow for a loaded CI machine. */
const RELAY_READY_TIMEOUT_MS = 30_000;
const RELAY_STOP_GRACE_MS = 5_000;
/** Lines of child output kept for failure messages. */
const OUTPUT_TAIL_LINES = 40;

/** Progress lines on stderr when ZCP_FAULT_LOG is set (quiet by default). */
export function progress(tag: string, msg: string): void {
  if (process.env.ZCP_FAULT_LOG) process.stderr.write(`[${tag}] ${new Date().toISOString()} ${msg}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP port free on loopback right now (the child binds it a moment later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

/** Writes the park model where the relay's PARK_FILE can read it; `remove()` deletes it. */
export async function writeParkFile(park: Park): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'zcp-fault-park-'));
  const path = join(dir, 'park.json');
  await writeFile(path, JSON.stringify(park));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface RelayChild {
  readonly name: string;
  readonly pid: number;
  readonly baseUrl: string;
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<string>;
  /** GET /readyz: its status, content type and parsed body (problem+json when not ready). */
  readyz(): Promise<Readyz>;
  /** Sum of one counter over all its label sets, from GET /metrics; throws when the relay has no such metric. */
  counter(name: string): Promise<number>;
  /** SIGKILL: no shutdown hook runs, in-flight batches stay unacked. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL if it is still there after a grace period. */
  stop(): Promise<void>;
  /** Last lines the child printed (for failure messages). */
  output(): string;
}

export interface Readyz {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

export interface RelayChildOptions {
  name: string;
  databaseUrl: string;
  natsUrl: string;
  parkFile: string;
  /** More environment (e.g. STORAGE_BATCH_MESSAGES). */
  env?: Record<string, string>;
}

/**
 * Starts `apps/relay/src/main.ts` as a child process on a free port and waits until GET
 * /readyz answers 200. The child's output is kept (last lines) for failure messages.
 *
 * @example
 * const relay = await startRelayChild({ name: 'a', databaseUrl: db.url, natsUrl: serverUrls.nats, parkFile })
 * await relay.stop()
 */
export async function startRelayChild(o: RelayChildOptions): Promise<RelayChild> {
  const port = await freePort();
  const child: ChildProcess = spawn(NODE_BIN, ['--conditions=source', '--import', 'tsx', RELAY_MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: o.databaseUrl,
      NATS_URL: o.natsUrl,
      PARK_FILE: o.parkFile,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      WEB_DIST_DIR: join(tmpdir(), 'zcp-fault-no-web-app'),
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) tail.push(line);
    tail.splice(0, Math.max(0, tail.length - OUTPUT_TAIL_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let gone = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      resolve(signal ?? `exit ${code}`);
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const output = () => tail.join('\n');

  const relay: RelayChild = {
    name: o.name,
    pid: child.pid ?? -1,
    baseUrl,
    exited,
    async readyz() {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
      const text = await res.text();
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { text };
      }
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
    },
    async counter(name) {
      const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`${o.name}: GET /metrics answered ${res.status}`);
      return sumCounter(await res.text(), name);
    },
    async kill() {
      if (!gone) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), RELAY_STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
    output,
  };

  try {
    await waitFor(
      async () => {
        if (gone) throw new Error(`relay ${o.name} exited during start-up (${await exited}):\n${output()}`);
        return (await relay.readyz()).status === 200;
      },
      { timeoutMs: RELAY_READY_TIMEOUT_MS, intervalMs: 100, what: `relay ${o.name} ready on ${baseUrl}` },
    );
  } catch (err) {
    await relay.kill();
    throw new Error(`${(err as Error).message}\n--- relay ${o.name} output ---\n${output()}`);
  }
  return relay;
}

/**
 * Sums every sample of a Prometheus counter (all label sets). A counter that is declared but
 * has no sample yet is 0; one that is not declared at all throws, so a renamed metric fails
 * the test instead of reading as 0.
 */
export function sumCounter(exposition: string, name: string): number {
  if (!exposition.includes(`# TYPE ${name} `)) throw new Error(`metric ${name} is not exposed at /metrics`);
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m && m[1] === name) total += Number(m[3]);
  }
  return total;
}

export interface PublisherOptions {
  bus: Bus;
  park: Park;
  /** Telemetry messages published per second, spread over the park's assets. */
  batchesPerSecond: number;
  /** Timestamps per message: each message carries this many samples of every point of its asset. */
  samplesPerBatch: number;
}

export interface PublisherTotals {
  /** Messages JetStream acknowledged (each counted once, retries included). */
  batches: number;
  /** Readings in those messages: what must end up stored. */
  readings: number;
  /** Sum of every value sent: a checksum of what must end up stored. */
  valueSum: number;
  /** Publishes that failed and were retried with the same message id. */
  retries: number;
}

export interface Publisher {
  totals(): PublisherTotals;
  /** Stops publishing; resolves once every started message is acknowledged. */
  stop(): Promise<PublisherTotals>;
  /** Clean-up after a failure: stops at once, giving up on retries (the totals no longer matter). */
  abandon(): Promise<void>;
}

const PUBLISH_TICK_MS = 20;
const PUBLISH_RETRY_MS = 100;

/**
 * Publishes known telemetry at a steady rate, the way a collector does: one TelemetryBatch
 * per message on `subjects.telemetry(park, asset)`, msgId = batchId. Message k carries
 * timestamps t0 + k·samplesPerBatch + j, so every (point_id, ts) is sent exactly once and
 * a stored duplicate can only come from the relay. Value = the timestamp offset (an integer,
 * so the checksum is exact in float8). A failed publish is retried with the same msgId
 * until JetStream has it, and counted once.
 */
export function startPublisher(o: PublisherOptions): Publisher {
  const pointsByAsset = new Map<string, number[]>();
  for (const p of o.park.points) pointsByAsset.set(p.assetId, [...(pointsByAsset.get(p.assetId) ?? []), p.id]);
  const assets = [...pointsByAsset.entries()];
  const t0 = Date.now();
  const source = `fault-publisher-${process.pid}`;
  const totals: PublisherTotals = { batches: 0, readings: 0, valueSum: 0, retries: 0 };
  const perTick = Math.max(1, Math.round((o.batchesPerSecond * PUBLISH_TICK_MS) / 1000));
  let k = 0;
  let stopping = false;
  let abandoned = false;

  async function publishOne(index: number): Promise<void> {
    const [assetId, pointIds] = assets[index % assets.length] as [string, number[]];
    const readings: Reading[] = [];
    let valueSum = 0;
    for (let j = 0; j < o.samplesPerBatch; j++) {
      const offset = index * o.samplesPerBatch + j;
      for (const pointId of pointIds) {
        readings.push({ pointId, ts: t0 + offset, value: offset, quality: 'good' });
        valueSum += offset;
      }
    }
    const batchId = `${source}-${t0}-${index}`;
    const data = encodeTelemetryBatch(telemetryBatch({ batchId, parkId: o.park.id, assetId, source }, readings));
    for (;;) {
      try {
        await o.bus.publish(subjects.telemetry(o.park.id, assetId), data, { msgId: batchId });
        break;
      } catch {
        if (abandoned) return;
        // Same msgId: if the first attempt did reach the stream, JetStream drops the copy.
        totals.retries++;
        await sleep(PUBLISH_RETRY_MS);
      }
    }
    totals.batches++;
    totals.readings += readings.length;
    totals.valueSum += valueSum;
  }

  const loop = (async () => {
    const started = Date.now();
    let tick = 0;
    while (!stopping) {
      const wave: Promise<void>[] = [];
      for (let i = 0; i < perTick; i++) wave.push(publishOne(k++));
      await Promise.all(wave);
      tick++;
      await sleep(Math.max(0, started + tick * PUBLISH_TICK_MS - Date.now()));
    }
  })();

  return {
    totals: () => ({ ...totals }),
    async stop() {
      stopping = true;
      await loop;
      return { ...totals };
    },
    async abandon() {
      stopping = true;
      abandoned = true;
      await loop;
    },
  };
}

export interface StoredCounts {
  rows: number;
  /** Distinct (point_id, ts): rows − distinctKeys is the number of duplicated rows. */
  distinctKeys: number;
  valueSum: number;
}

/** What the relay stored, from SQL on the readings table. */
export async function storedCounts(sql: postgres.Sql): Promise<StoredCounts> {
  const [row] = await sql<{ rows: string; distinct_keys: string; value_sum: number }[]>`
    select count(*) as rows, count(distinct (point_id, ts)) as distinct_keys, coalesce(sum(value), 0)::float8 as value_sum from readings`;
  return { rows: Number(row?.rows ?? 0), distinctKeys: Number(row?.distinct_keys ?? 0), valueSum: Number(row?.value_sum ?? 0) };
}

/** Rows stored so far; 0 while the table does not exist yet. */
export async function storedRows(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select count(*) as n from readings`;
  return Number(row?.n ?? 0);
}

/**
 * Waits until the stored rows reach `sent` (or the timeout passes), then a little longer so
 * that late duplicates would show, and returns the final counts.
 */
export async function settledCounts(sql: postgres.Sql, sent: number, timeoutMs: number): Promise<StoredCounts> {
  await waitFor(async () => (await storedRows(sql)) >= sent, { timeoutMs, intervalMs: 200, what: `${sent} readings stored` }).catch(() => undefined);
  await sleep(500);
  return storedCounts(sql);
}

/** A client for the test's own checks (never the relay's pool). */
export function testSql(url: string): postgres.Sql {
  return postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: 'zcp-fault-test' } });
}
