/**
 * The ingest bench's load generator, a child process of bench-ingest.ts (so its CPU is
 * measured apart from the relay's and the orchestrator's). It talks over the IPC channel:
 *
 *   parent → { type: 'config', config }   child → { type: 'ready' }
 *   parent → { type: 'go' }               child → { type: 'progress', … } every 250 ms, then { type: 'done', … }
 *
 * It publishes the plan of bench-plan.ts to the real NATS JetStream through @zcp/bus, one
 * TelemetryBatch per message, msgId = batchId (a retried publish is de-duplicated by the
 * stream), at most `inFlight` publishes awaiting their ack, paced to `rate` readings/s.
 */
import { readFileSync } from 'node:fs';
import { type Bus, connectNatsBus } from '@zcp/bus';
import { encodeTelemetryBatch, type Park, subjects, telemetryBatch } from '@zcp/model';
import { type IngestPlan, planIngest, planMessages, pointsByAsset } from './bench-plan.js';

export interface GeneratorConfig {
  natsUrl: string;
  parkFile: string;
  parkId: string;
  /** Prefix of every batch id: unique per run. */
  runTag: string;
  readings: number;
  perMessage: number;
  /** Readings/s; 0 = unpaced. */
  rate: number;
  inFlight: number;
  /** The orchestrator's "now", so both compute the same plan. */
  nowMs: number;
}

export interface GeneratorProgress {
  type: 'progress';
  atMs: number;
  /** Readings handed to publish so far. */
  offered: number;
  /** Readings whose message JetStream acknowledged (stored). */
  acked: number;
}

export interface GeneratorDone {
  type: 'done';
  offered: number;
  acked: number;
  messages: number;
  /** Readings of messages still unacknowledged after every retry (not stored, as far as we know). */
  failedReadings: number;
  failedMessages: number;
  retries: number;
  /** First-attempt acks flagged duplicate: another message had the same id (should be 0). */
  unexpectedDuplicates: number;
  firstPublishAtMs: number;
  lastAckAtMs: number;
  firstError: string | undefined;
}

export type GeneratorEvent = { type: 'ready'; plan: Omit<IngestPlan, 'assets'> } | GeneratorProgress | GeneratorDone | { type: 'error'; message: string };
export type GeneratorCommand = { type: 'config'; config: GeneratorConfig } | { type: 'go' };

const PROGRESS_EVERY_MS = 250;
const MAX_ATTEMPTS = 6;
const RETRY_BASE_MS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function send(event: GeneratorEvent): void {
  process.send?.(event);
}

function nextCommand(): Promise<GeneratorCommand> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as GeneratorCommand)));
}

async function run(config: GeneratorConfig): Promise<void> {
  const park = JSON.parse(readFileSync(config.parkFile, 'utf8')) as Park;
  const plan = planIngest({ assets: pointsByAsset(park), readings: config.readings, perMessage: config.perMessage, nowMs: config.nowMs });
  const bus = await connectNatsBus({ url: config.natsUrl, name: 'zcp-bench-generator' });
  const { assets: _assets, ...summary } = plan;
  const goSignal = nextCommand();
  send({ type: 'ready', plan: summary });
  await goSignal;
  try {
    send(await publishPlan(bus, plan, config));
  } finally {
    await bus.close();
  }
}

async function publishPlan(bus: Bus, plan: IngestPlan, config: GeneratorConfig): Promise<GeneratorDone> {
  const stats = { offered: 0, acked: 0, messages: 0, failedReadings: 0, failedMessages: 0, retries: 0, unexpectedDuplicates: 0, lastAckAtMs: 0 };
  let firstError: string | undefined;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const settled = () => {
    inFlight--;
    wake?.();
    wake = undefined;
  };

  async function publishOne(subject: string, data: Uint8Array, msgId: string, n: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const ack = await bus.publish(subject, data, { msgId });
        if (ack.duplicate && attempt === 1) stats.unexpectedDuplicates++;
        stats.acked += n;
        stats.lastAckAtMs = Date.now();
        return;
      } catch (err) {
        firstError ??= err instanceof Error ? err.message : String(err);
        if (attempt >= MAX_ATTEMPTS) {
          stats.failedReadings += n;
          stats.failedMessages++;
          return;
        }
        stats.retries++;
        await sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
      }
    }
  }

  const firstPublishAtMs = Date.now();
  const t0 = performance.now();
  const report = () => send({ type: 'progress', atMs: Date.now(), offered: stats.offered, acked: stats.acked });
  report();
  const ticker = setInterval(report, PROGRESS_EVERY_MS);
  const pending = new Set<Promise<void>>();
  try {
    for (const m of planMessages(plan)) {
      if (config.rate > 0) {
        const aheadMs = (stats.offered * 1000) / config.rate - (performance.now() - t0);
        if (aheadMs >= 1) await sleep(aheadMs);
      }
      while (inFlight >= config.inFlight) await new Promise<void>((resolve) => (wake = resolve));
      const batchId = `${config.runTag}-${m.seq}`;
      const data = encodeTelemetryBatch(telemetryBatch({ batchId, parkId: config.parkId, assetId: m.assetId, source: 'bench-ingest' }, m.readings));
      inFlight++;
      const p = publishOne(subjects.telemetry(config.parkId, m.assetId), data, batchId, m.readings.length).finally(settled);
      pending.add(p);
      p.finally(() => pending.delete(p));
      stats.offered += m.readings.length;
      stats.messages++;
    }
    await Promise.all(pending);
  } finally {
    clearInterval(ticker);
    report();
  }
  return { type: 'done', ...stats, firstPublishAtMs, firstError };
}

// Started by the orchestrator with an IPC channel; refuse to run otherwise.
if (!process.send) {
  process.stderr.write('bench-generator.ts is started by bench-ingest.ts (npm run bench:ingest)\n');
  process.exit(2);
}
let finished = false;
// The orchestrator went away (it was killed): stop publishing.
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});
const first = await nextCommand();
if (first.type !== 'config') {
  send({ type: 'error', message: `expected config, got ${first.type}` });
  process.exit(2);
}
try {
  await run(first.config);
  finished = true;
  process.disconnect();
} catch (err) {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  finished = true;
  process.disconnect();
}
