import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPark, type Park } from '@zcp/model';
import { type OpcuaFieldServer, startOpcuaFieldServer } from '../../sim/opcua-field/opcua-field-server.js';
import { opcuaNodeIdOf } from '../../sim/opcua-field/opcua-naming.js';
import { createParkSimulator, type ParkSimulator } from '../../sim/park-simulator.js';
import type { OpcuaAdapterOptions, OpcuaNodeMapping } from './opcua-options.js';

// Test and bench helpers (not exported from the package).

/** Monday 2025-07-07 12:00 in the park's UTC+8: PV, loads and the battery all busy. */
export const NOON_MS = Date.UTC(2025, 6, 7, 4);

export interface TestPark {
  park: Park;
  simulator: ParkSimulator;
  server: OpcuaFieldServer;
  /** Temp folder holding server and client PKIs. */
  dir: string;
  nodes: OpcuaNodeMapping[];
  pointsByAsset: Map<string, number[]>;
  setpointPointId: number;
  /** Restarts the server on the same port (same PKI, same simulator). */
  restart(): Promise<OpcuaFieldServer>;
  close(): Promise<void>;
}

/** The demo park, stepped to noon, served over OPC UA on an ephemeral port with PKIs in a temp dir. */
export async function startTestPark(options: { minimumSamplingIntervalMs?: number } = {}): Promise<TestPark> {
  const park = demoPark();
  const simulator = createParkSimulator({ park, seed: 1 });
  simulator.step(NOON_MS);
  const dir = await mkdtemp(join(tmpdir(), 'zcp-opcua-'));
  const serverOptions = { simulator, pkiDir: join(dir, 'server-pki'), minimumSamplingIntervalMs: options.minimumSamplingIntervalMs ?? 50 };
  let server = await startOpcuaFieldServer(serverOptions);
  const nodes = park.points.map((p) => ({ nodeId: opcuaNodeIdOf(p), pointId: p.id, assetId: p.assetId }));
  const pointsByAsset = new Map<string, number[]>();
  for (const p of park.points) pointsByAsset.set(p.assetId, [...(pointsByAsset.get(p.assetId) ?? []), p.id]);
  const setpointPointId = park.points.find((p) => p.tag === 'bess1.setpoint_kw')?.id as number;
  const t: TestPark = {
    park,
    simulator,
    get server() {
      return server;
    },
    dir,
    nodes,
    pointsByAsset,
    setpointPointId,
    async restart() {
      await server.close();
      server = await startOpcuaFieldServer({ ...serverOptions, port: server.port });
      return server;
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Fast intervals and backoff for tests. */
export const fastAdapterOptions = (t: TestPark, extra: Partial<OpcuaAdapterOptions> = {}): OpcuaAdapterOptions => ({
  endpointUrl: t.server.endpointUrl,
  pkiDir: join(t.dir, 'client-pki'),
  nodes: t.nodes,
  samplingIntervalMs: 50,
  publishingIntervalMs: 50,
  badRepeatIntervalMs: 50,
  timeoutMs: 5000,
  reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
  ...extra,
});

/** A TCP port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
