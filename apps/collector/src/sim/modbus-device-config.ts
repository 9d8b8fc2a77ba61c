import type { DeviceConfigInput } from '@zcp/model';
import type { RegisterMap } from '../modbus/register-map.js';

export interface SimulatedModbusEndpoint {
  /** Device id in the config. Default `sim-modbus`. */
  id?: string;
  /** Where the simulated field answers: TCP (MBAP or RTU framing) or a serial line (pty). */
  endpoint: { protocol: 'modbus-tcp' | 'modbus-rtu-over-tcp'; host: string; port: number } | { protocol: 'modbus-rtu'; path: string; baudRate?: number };
  pollIntervalMs?: number;
  timeoutMs?: number;
  reconnect?: { initialDelayMs: number; maxDelayMs: number };
  /**
   * Assets left out of this section because another simulated protocol (OPC UA, MQTT, Modbus
   * RTU) serves them — a model point may be mapped by one device only.
   */
  omitAssets?: ReadonlySet<string>;
  /** Only these assets (applied before `omitAssets`). Default: all. */
  onlyAssets?: ReadonlySet<string>;
  /** Points left out (read through another simulated protocol). */
  omitPoints?: ReadonlySet<number>;
}

/**
 * The device config of the simulated park's Modbus devices: one device (the simulator serves
 * every unit on one endpoint) whose points are the register map's. The collector app reads
 * the demo through this, exactly as it would read a hand-written file; other simulated
 * protocols add their sections with `mergeDeviceConfigs`.
 *
 * @example
 * const config = mergeDeviceConfigs([simulatedModbusDeviceConfig(sim.registerMap, { endpoint: { protocol: 'modbus-tcp', host, port } })])
 */
export function simulatedModbusDeviceConfig(registerMap: RegisterMap, options: SimulatedModbusEndpoint): DeviceConfigInput {
  const { endpoint } = options;
  const common = {
    id: options.id ?? 'sim-modbus',
    description: `simulated park ${registerMap.parkId}`,
    pollIntervalMs: options.pollIntervalMs,
    timeoutMs: options.timeoutMs,
    reconnect: options.reconnect,
    points: registerMap.entries
      .filter((e) => (options.onlyAssets?.has(e.assetId) ?? true) && !options.omitAssets?.has(e.assetId) && !options.omitPoints?.has(e.pointId))
      .map((e) => ({
        pointId: e.pointId,
        unitId: e.unitId,
        table: e.table,
        address: e.address,
        dataType: e.dataType,
        wordOrder: e.wordOrder,
        writable: e.writable || undefined,
      })),
  };
  const device =
    endpoint.protocol === 'modbus-rtu'
      ? { ...common, protocol: endpoint.protocol, endpoint: { path: endpoint.path, baudRate: endpoint.baudRate } }
      : { ...common, protocol: endpoint.protocol, endpoint: { host: endpoint.host, port: endpoint.port } };
  return { version: 1, devices: [device] };
}
