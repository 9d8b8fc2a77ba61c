import { ID_PATTERN } from '../park/schema.js';

/**
 * Every NATS subject the product uses. No other module writes a subject string.
 *
 * Scheme (tokens are ids from the park model, which are subject-safe by construction):
 * - `park.{parkId}.telemetry.{assetId}`   batches of readings from collectors (JetStream)
 * - `park.{parkId}.carbon.{enterpriseId}` 1-minute carbon windows (`carbon._park`: the whole park)
 * - `park.{parkId}.cmd.{assetId}`         dispatch setpoints to a collector
 * - `park.{parkId}.cmd-ack.{assetId}`     their confirmations (read-back)
 * - `park.{parkId}.doc.{docId}`           Yjs updates and awareness between relays
 *
 * @see README.md "Subjects and events"
 */
export const SUBJECT_ROOT = 'park';
/** Last token of the park-wide carbon subject. */
export const CARBON_PARK_TOKEN = '_park';

function token(kind: string, value: string): string {
  if (!ID_PATTERN.test(value)) throw new RangeError(`${kind} '${value}' is not a valid subject token`);
  return value;
}

export const subjects = {
  telemetry: (parkId: string, assetId: string) => `${SUBJECT_ROOT}.${token('parkId', parkId)}.telemetry.${token('assetId', assetId)}`,
  /** Wildcard over every asset's telemetry in one park (or all parks with '*'). */
  telemetryOfPark: (parkId: string | '*') => `${SUBJECT_ROOT}.${parkId === '*' ? '*' : token('parkId', parkId)}.telemetry.>`,
  carbon: (parkId: string, enterpriseId: string) => `${SUBJECT_ROOT}.${token('parkId', parkId)}.carbon.${token('enterpriseId', enterpriseId)}`,
  /** The park-wide window (whole park and every enterprise in one message); `_park` is no valid enterprise id in practice. */
  carbonOfPark: (parkId: string) => `${SUBJECT_ROOT}.${token('parkId', parkId)}.carbon.${CARBON_PARK_TOKEN}`,
  /** Wildcard over every carbon window of one park. */
  carbonAll: (parkId: string) => `${SUBJECT_ROOT}.${token('parkId', parkId)}.carbon.>`,
  command: (parkId: string, assetId: string) => `${SUBJECT_ROOT}.${token('parkId', parkId)}.cmd.${token('assetId', assetId)}`,
  commandAck: (parkId: string, assetId: string) => `${SUBJECT_ROOT}.${token('parkId', parkId)}.cmd-ack.${token('assetId', assetId)}`,
  doc: (parkId: string, docId: string) => `${SUBJECT_ROOT}.${token('parkId', parkId)}.doc.${token('docId', docId)}`,
} as const;

/** Parses a telemetry subject back into its ids; undefined when it is not one. */
export function parseTelemetrySubject(subject: string): { parkId: string; assetId: string } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== SUBJECT_ROOT || parts[2] !== 'telemetry') return undefined;
  return { parkId: parts[1] as string, assetId: parts[3] as string };
}

/** Limits of a park's telemetry stream: how long JetStream holds data no relay has stored yet. */
export const TELEMETRY_STREAM_LIMITS = {
  /** Message ids remembered for de-duplication (collector retries land inside it). */
  duplicateWindowMs: 2 * 60_000,
  /** A relay outage up to this long loses nothing. */
  maxAgeMs: 24 * 3600_000,
  /** Upper bound on what one park's stream may hold (oldest discarded first). */
  maxBytes: 1024 * 1024 * 1024,
} as const;

/** JetStream stream holding one park's telemetry. Names are per park so test runs never collide. */
export function telemetryStream(parkId: string): { name: string; subjects: string[]; duplicateWindowMs: number; maxAgeMs: number; maxBytes: number } {
  return { name: `TELEMETRY_${token('parkId', parkId)}`, subjects: [subjects.telemetryOfPark(parkId)], ...TELEMETRY_STREAM_LIMITS };
}

/**
 * JetStream stream holding one park's live carbon windows: small and short-lived (a day), so
 * a late subscriber can replay the last windows. Relays publish with the message id
 * `{subjectToken}:{windowStart}`, so the windows every relay computes are stored once.
 */
export function carbonStream(parkId: string): { name: string; subjects: string[]; duplicateWindowMs: number; maxAgeMs: number; maxBytes: number } {
  return {
    name: `CARBON_${token('parkId', parkId)}`,
    subjects: [subjects.carbonAll(parkId)],
    duplicateWindowMs: 5 * 60_000,
    maxAgeMs: 24 * 3600_000,
    maxBytes: 64 * 1024 * 1024,
  };
}

/**
 * Every JetStream stream a park gets (telemetry, live carbon): what a test or a benchmark that
 * made a park removes afterwards, so a new stream kind is cleaned up everywhere at once.
 */
export function parkStreams(parkId: string): { name: string }[] {
  return [telemetryStream(parkId), carbonStream(parkId)];
}

/** Durable consumer name shared by all relays storing one park's telemetry (work-queue style). */
export function storageConsumer(parkId: string): string {
  return `storage_${token('parkId', parkId)}`;
}

/**
 * NATS subject matching: `*` matches exactly one token, `>` one or more trailing tokens.
 *
 * @example
 * subjectMatches('park.*.telemetry.>', 'park.demo.telemetry.pv1') // true
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const pt = p[i];
    if (pt === '>') return s.length > i;
    if (i >= s.length) return false;
    if (pt !== '*' && pt !== s[i]) return false;
  }
  return p.length === s.length;
}

/** True when a subject is a valid publish subject (no wildcards, no empty tokens). */
export function isPublishSubject(subject: string): boolean {
  return subject.length > 0 && subject.split('.').every((t) => t.length > 0 && t !== '*' && t !== '>' && !/\s/.test(t));
}
