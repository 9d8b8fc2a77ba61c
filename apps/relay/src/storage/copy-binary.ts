import { QUALITY_CODE, type Reading } from '@zcp/model';
import { StorageError } from './storage-error.js';

/*
 * PostgreSQL's binary COPY format for rows of `readings (point_id int4, ts timestamptz,
 * value float8, quality int2)`: 40 bytes a row, no text formatting or parsing on either side
 * (a timestamptz is int8 microseconds since 2000-01-01 UTC). Format:
 * https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
 */

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
const HEADER_BYTES = SIGNATURE.length + 8;
const ROW_BYTES = 2 + (4 + 4) + (4 + 8) + (4 + 8) + (4 + 2);
const TRAILER_BYTES = 2;
/** 2000-01-01T00:00:00Z in epoch ms: PostgreSQL's timestamp epoch. */
const PG_EPOCH_MS = 946_684_800_000;
/** |ms from the PG epoch| below this × 1000 is an exact double; beyond it, BigInt. */
const EXACT_MS = 9_000_000_000_000;
const TWO_32 = 4_294_967_296;
const MAX_INT4 = 2_147_483_647;
const MAX_TS_MS = 253_402_300_799_999;

/** The COPY statement the rows of `encodeReadingsCopy` are written with. */
export const COPY_READINGS = 'copy readings (point_id, ts, value, quality) from stdin (format binary)';

function invalid(i: number, r: Reading, problem: string): never {
  throw new StorageError('invalid_reading', `reading ${i} (point ${r.pointId}): ${problem}`);
}

/**
 * Readings → one binary COPY payload (header, rows, trailer). Checks every reading first, so
 * a bad one fails with its index instead of a server error halfway through the COPY.
 *
 * @example
 * const data = encodeReadingsCopy([{ pointId: 1, ts: Date.now(), value: 21.5, quality: 'good' }])
 */
export function encodeReadingsCopy(readings: readonly Reading[]): Uint8Array {
  const n = readings.length;
  const bytes = new Uint8Array(HEADER_BYTES + n * ROW_BYTES + TRAILER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(SIGNATURE, 0);
  // flags 0, header extension length 0 (already zero)
  let o = HEADER_BYTES;
  for (let i = 0; i < n; i++) {
    const r = readings[i] as Reading;
    const q = QUALITY_CODE[r.quality];
    if (!(Number.isInteger(r.pointId) && r.pointId >= 1 && r.pointId <= MAX_INT4)) invalid(i, r, `pointId ${r.pointId} is not an integer in 1..${MAX_INT4}`);
    if (!(Number.isInteger(r.ts) && r.ts >= 0 && r.ts <= MAX_TS_MS)) invalid(i, r, `ts ${r.ts} is not an integer epoch ms in 0..${MAX_TS_MS}`);
    if (!Number.isFinite(r.value)) invalid(i, r, `value ${r.value} is not finite`);
    if (q === undefined) invalid(i, r, `quality ${String(r.quality)} is unknown`);
    view.setInt16(o, 4);
    view.setInt32(o + 2, 4);
    view.setInt32(o + 6, r.pointId);
    view.setInt32(o + 10, 8);
    const ms = r.ts - PG_EPOCH_MS;
    if (ms > -EXACT_MS && ms < EXACT_MS) {
      const us = ms * 1000;
      const hi = Math.floor(us / TWO_32);
      view.setInt32(o + 14, hi);
      view.setUint32(o + 18, us - hi * TWO_32);
    } else {
      view.setBigInt64(o + 14, BigInt(ms) * 1000n);
    }
    view.setInt32(o + 22, 8);
    view.setFloat64(o + 26, r.value);
    view.setInt32(o + 34, 2);
    view.setInt16(o + 38, q as number);
    o += ROW_BYTES;
  }
  view.setInt16(o, -1);
  return bytes;
}
