import { z } from 'zod';
import { IdSchema } from '../park/schema.js';

/**
 * socket.io event names — the only place they are written. The relay puts each socket that
 * joins a park into the room `roomOfPark(parkId)`.
 */
export const SocketEvent = {
  /** client → server: join a park's live room; ack carries the snapshot. */
  parkJoin: 'park:join',
  parkLeave: 'park:leave',
  /** server → client: the full latest state (also sent on join). */
  stateSnapshot: 'state:snapshot',
  /** server → client: changed points since the last delta, coalesced (≤ 4 Hz). */
  stateDelta: 'state:delta',
  /** server → client: the relay's view of its bus and database. */
  relayStatus: 'relay:status',
  /** server → client: a closed 1-minute carbon window of the park and its enterprises. */
  carbonWindow: 'carbon:window',
  /** client → server: open a shared document ({parkId, docId}); ack says ok and the access granted. */
  docOpen: 'doc:open',
  /** client → server: stop receiving a document's updates and awareness. */
  docClose: 'doc:close',
  /**
   * both ways: one y-protocols sync message (step 1, step 2 or update) for a document:
   * `(ref, bytes, ack?)`. A client's step 2 or update is acknowledged only after the relay has
   * stored it in PostgreSQL: ack `{ ok: true }` — or `{ ok: false, code, message }`.
   */
  docSync: 'doc:sync',
  /** both ways: one y-protocols awareness update for a document: `(ref, bytes)`. */
  docAwareness: 'doc:awareness',
  /** server → client: a document was closed by the relay (access withdrawn, relay shutting down). */
  docClosed: 'doc:closed',
} as const;

export const roomOfPark = (parkId: string) => `park:${parkId}`;
/**
 * A masked view of a park's room (issue 7): sockets of principals who may not see every
 * enterprise join this instead of `roomOfPark`, and get only what their view shows — `agg`
 * (executives: park-level only) or `e:{ids}` (their enterprises and park-level).
 */
export const roomOfParkView = (parkId: string, view: string) => `park:${parkId}#${view}`;

/** One point's latest value: [pointId, ts epoch ms, value, quality code]. */
export type PointValueTuple = [pointId: number, ts: number, value: number, quality: number];

export interface StateSnapshot {
  parkId: string;
  /** Server time when the snapshot was taken, epoch ms. */
  ts: number;
  values: PointValueTuple[];
}
export type StateDelta = StateSnapshot;

export interface RelayStatus {
  bus: 'nats' | 'memory';
  db: 'postgres' | 'pglite';
  busConnected: boolean;
  dbReachable: boolean;
  /** True while storage has stopped pulling because database writes fail (backpressure). */
  storagePaused?: boolean;
}

export const ParkJoinSchema = z.object({ parkId: IdSchema });
export type ParkJoin = z.infer<typeof ParkJoinSchema>;

export type JoinAck = { ok: true; snapshot: StateSnapshot } | { ok: false; code: string; message: string };

const CarrierFiguresSchema = z.object({ tco2: z.number(), tce: z.number() });
const CarbonFiguresSchema = z.object({
  kwh: z.number(),
  gridKwh: z.number(),
  tco2: z.number(),
  tce: z.number(),
  intensity: z.number().nullable(),
  // Added with bought heat, gas and direct green supply (still v1: optional, so older windows parse).
  directGreenKwh: z.number().optional(),
  heatGj: z.number().optional(),
  gasM3: z.number().optional(),
  carriers: z.object({ electricity: CarrierFiguresSchema, heat: CarrierFiguresSchema, gas: CarrierFiguresSchema }).optional(),
});

/** Payload of `carbon:window` and of the NATS subject `subjects.carbon` (v1, JSON). */
export const CarbonWindowSchema = z.object({
  parkId: IdSchema,
  windowStart: z.number().int(),
  windowMs: z.number().int().positive(),
  factorTPerMwh: z.number(),
  tcePerMwh: z.number(),
  heatFactorTPerGj: z.number().optional(),
  heatTcePerGj: z.number().optional(),
  gasFactorTPerM3: z.number().optional(),
  gasTcePerM3: z.number().optional(),
  park: CarbonFiguresSchema,
  enterprises: z.array(CarbonFiguresSchema.extend({ enterpriseId: IdSchema })),
});
export type CarbonWindowMessage = z.infer<typeof CarbonWindowSchema>;

/** Payload of `subjects.carbon(parkId, enterpriseId)`: one enterprise's figures in one window (v1, JSON). */
export const EnterpriseCarbonWindowSchema = CarbonFiguresSchema.extend({
  parkId: IdSchema,
  enterpriseId: IdSchema,
  windowStart: z.number().int(),
  windowMs: z.number().int().positive(),
});
export type EnterpriseCarbonWindowMessage = z.infer<typeof EnterpriseCarbonWindowSchema>;

/** A shared document, as named on the wire (see collab/docs.ts). */
export type DocWireRef = { parkId: string; docId: string };

export type DocOpenAck =
  | { ok: true; access: 'read' | 'write' }
  | { ok: false; code: 'invalid_request' | 'unauthenticated' | 'forbidden' | 'park_not_found' | 'unavailable'; message: string };
export type DocSyncAck = { ok: true } | { ok: false; code: 'invalid_request' | 'forbidden' | 'not_open' | 'storage_failed' | 'too_large'; message: string };

/** Largest single sync or awareness message a relay accepts (bytes); bigger ones are refused. */
export const DOC_MESSAGE_MAX_BYTES = 1024 * 1024;

export interface ServerToClientEvents {
  'state:snapshot': (s: StateSnapshot) => void;
  'state:delta': (d: StateDelta) => void;
  'relay:status': (s: RelayStatus) => void;
  'carbon:window': (w: CarbonWindowMessage) => void;
  'doc:sync': (ref: DocWireRef, msg: Uint8Array) => void;
  'doc:awareness': (ref: DocWireRef, msg: Uint8Array) => void;
  'doc:closed': (ref: DocWireRef, reason: { code: string; message: string }) => void;
}

export interface ClientToServerEvents {
  'park:join': (req: ParkJoin, ack: (res: JoinAck) => void) => void;
  'park:leave': (req: ParkJoin) => void;
  'doc:open': (ref: DocWireRef, ack: (res: DocOpenAck) => void) => void;
  'doc:close': (ref: DocWireRef) => void;
  'doc:sync': (ref: DocWireRef, msg: Uint8Array, ack?: (res: DocSyncAck) => void) => void;
  'doc:awareness': (ref: DocWireRef, msg: Uint8Array) => void;
}

/** Coalescing interval for deltas: at most 4 per second per client. */
export const DELTA_INTERVAL_MS = 250;
