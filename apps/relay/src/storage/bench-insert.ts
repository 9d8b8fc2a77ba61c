/**
 * Measures insertReadings throughput with 10,000-row batches on both backends. A dev tool,
 * not a test: run it by hand.
 *
 *   node --conditions=source --import tsx apps/relay/src/storage/bench-insert.ts [adminUrl] [batches]
 *
 * adminUrl (default postgres://postgres@127.0.0.1:5432/postgres) must be allowed to create
 * databases: the PostgreSQL run uses a throwaway database and drops it afterwards.
 */
import type { Reading } from '@zcp/model';
import postgres from 'postgres';
import { createPgliteStore } from './pglite-store.js';
import { createPostgresStore } from './postgres-store.js';
import type { ReadingStore } from './reading-store.js';

const BATCH_ROWS = 10_000;
/** About the demo park's point count, so a batch is ~9 readings of every point. */
const POINTS = 1_083;
const START_MS = Date.UTC(2026, 0, 1);

function makeBatch(batch: number): Reading[] {
  const rows: Reading[] = new Array(BATCH_ROWS);
  for (let i = 0; i < BATCH_ROWS; i++) {
    const seq = batch * BATCH_ROWS + i;
    rows[i] = { pointId: 1 + (seq % POINTS), ts: START_MS + Math.floor(seq / POINTS) * 1000, value: Math.sin(seq) * 100, quality: 'good' };
  }
  return rows;
}

async function measure(store: ReadingStore, batches: number): Promise<string> {
  await store.migrate();
  await store.insertReadings(makeBatch(batches)); // warm-up (plans, caches), not timed
  const data = Array.from({ length: batches }, (_, b) => makeBatch(b));
  const perBatchMs: number[] = [];
  const started = performance.now();
  for (const batch of data) {
    const t = performance.now();
    const { inserted } = await store.insertReadings(batch);
    if (inserted !== BATCH_ROWS) throw new Error(`expected ${BATCH_ROWS} inserted, got ${inserted}`);
    perBatchMs.push(performance.now() - t);
  }
  const freshS = (performance.now() - started) / 1000;
  const redelivered = performance.now();
  for (const batch of data.slice(0, 5)) await store.insertReadings(batch);
  const redeliverS = (performance.now() - redelivered) / 1000;
  perBatchMs.sort((a, b) => a - b);
  const median = perBatchMs[Math.floor(perBatchMs.length / 2)] ?? 0;
  return [
    `${store.kind.padEnd(8)} new rows: ${Math.round((batches * BATCH_ROWS) / freshS).toLocaleString('en')} rows/s`,
    `(${batches} × ${BATCH_ROWS} rows, median batch ${median.toFixed(1)} ms);`,
    `redelivered (all skipped): ${Math.round((5 * BATCH_ROWS) / redeliverS).toLocaleString('en')} rows/s`,
  ].join(' ');
}

async function main(): Promise<void> {
  const adminUrl = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const batches = Number(process.argv[3] ?? 30);
  const out: string[] = [];

  const pglite = await createPgliteStore();
  try {
    out.push(await measure(pglite, batches));
  } finally {
    await pglite.close();
  }

  const name = `zcp_bench_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const store = await createPostgresStore({ url: url.toString(), maxConnections: 1 });
    try {
      out.push(await measure(store, batches));
    } finally {
      await store.close();
    }
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
