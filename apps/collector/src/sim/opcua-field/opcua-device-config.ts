import type { DeviceConfigInput, Park } from '@zcp/model';
import { OPCUA_WRITABLE_METRICS, opcuaNodeIdOf } from './opcua-naming.js';

export interface SimulatedOpcuaDeviceOptions {
  /** Device id in the config. Default `sim-opcua`. */
  id?: string;
  endpointUrl: string;
  securityMode?: 'None' | 'SignAndEncrypt';
  securityPolicy?: 'None' | 'Basic256Sha256';
  /** Default anonymous; `passwordEnv` names the secret the collector looks up. */
  auth?: { type: 'anonymous' } | { type: 'username'; username: string; password?: string; passwordEnv?: string };
  /** Which points the device carries (e.g. a subset, when Modbus serves the rest). Default all. */
  pointIds?: readonly number[];
  /** Sampling and publishing interval of the adapter. */
  pollIntervalMs?: number;
  timeoutMs?: number;
  reconnect?: { initialDelayMs: number; maxDelayMs: number };
}

/**
 * The `opc-ua` device-config section of the simulated park's OPC UA server: one device whose
 * points are the park's variables (NodeId = tag), the battery setpoints writable. Merge it with
 * the Modbus section (`mergeDeviceConfigs`) over disjoint points, or use it alone — e.g. as a
 * `simulatedSections` entry of `startCollectorApp`.
 *
 * @example
 * const section = simulatedOpcuaDeviceConfig(park, { endpointUrl: server.endpointUrl, pointIds: batteryPoints })
 */
export function simulatedOpcuaDeviceConfig(park: Park, options: SimulatedOpcuaDeviceOptions): DeviceConfigInput {
  const wanted = options.pointIds ? new Set(options.pointIds) : undefined;
  const kindOf = new Map(park.assets.map((a) => [a.id, a.kind]));
  return {
    version: 1,
    devices: [
      {
        id: options.id ?? 'sim-opcua',
        description: `simulated park ${park.id} over OPC UA`,
        protocol: 'opc-ua',
        pollIntervalMs: options.pollIntervalMs,
        timeoutMs: options.timeoutMs,
        reconnect: options.reconnect,
        endpoint: {
          endpointUrl: options.endpointUrl,
          securityMode: options.securityMode ?? 'None',
          securityPolicy: options.securityPolicy ?? 'None',
          auth: options.auth ?? { type: 'anonymous' },
        },
        points: park.points
          .filter((p) => !wanted || wanted.has(p.id))
          .map((p) => ({
            pointId: p.id,
            nodeId: opcuaNodeIdOf(p),
            writable: OPCUA_WRITABLE_METRICS.has(`${kindOf.get(p.assetId)}.${p.metric}`) || undefined,
          })),
      },
    ],
  };
}
