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
} as const;

export const roomOfPark = (parkId: string) => `park:${parkId}`;

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

const CarbonFiguresSchema = z.object({
  kwh: z.number(),
  gridKwh: z.number(),
  tco2: z.number(),
  tce: z.number(),
  intensity: z.number().nullable(),
});

/** Payload of `carbon:window` and of the NATS subject `subjects.carbon` (v1, JSON). */
export const CarbonWindowSchema = z.object({
  parkId: IdSchema,
  windowStart: z.number().int(),
  windowMs: z.number().int().positive(),
  factorTPerMwh: z.number(),
  tcePerMwh: z.number(),
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

export interface ServerToClientEvents {
  'state:snapshot': (s: StateSnapshot) => void;
  'state:delta': (d: StateDelta) => void;
  'relay:status': (s: RelayStatus) => void;
  'carbon:window': (w: CarbonWindowMessage) => void;
}

export interface ClientToServerEvents {
  'park:join': (req: ParkJoin, ack: (res: JoinAck) => void) => void;
  'park:leave': (req: ParkJoin) => void;
}

/** Coalescing interval for deltas: at most 4 per second per client. */
export const DELTA_INTERVAL_MS = 250;
